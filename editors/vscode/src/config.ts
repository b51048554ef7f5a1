// Pure helpers behind the extension: no `vscode` import, so they run under `node --test`.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The values of `qalam.lang`. `auto` follows the editor's display language (the LSP `locale`). */
export type MessageLanguage = 'auto' | 'ar' | 'en';

/** `initializationOptions` sent to `qalam serve`: `{ lang }` only when the user overrides the locale. */
export interface InitializationOptions {
  lang?: 'ar' | 'en';
}

/** Builds the `initializationOptions` for a `qalam.lang` value; unknown values count as `auto`. */
export function initializationOptions(lang: string | undefined): InitializationOptions {
  return lang === 'ar' || lang === 'en' ? { lang } : {};
}

/** One entry of a VS Code document selector (same shape as `vscode.DocumentFilter`). */
export interface DocumentFilter {
  scheme: string;
  language: string;
}

/**
 * The documents the client hands to the server: saved files and untitled buffers of each language id,
 * without duplicates or empty ids, in the order given.
 */
export function documentSelector(languages: readonly unknown[] | undefined): DocumentFilter[] {
  const ids: string[] = [];
  for (const id of languages ?? []) {
    if (typeof id === 'string' && id.trim() !== '' && !ids.includes(id.trim())) {
      ids.push(id.trim());
    }
  }
  return ids.flatMap((language) => [
    { scheme: 'file', language },
    { scheme: 'untitled', language },
  ]);
}

/** Expands a leading `~` (or `~/`) to the home directory. */
export function expandHome(p: string, home: string = os.homedir()): string {
  if (p === '~') {
    return home;
  }
  if (p.startsWith('~/') || p.startsWith('~\\')) {
    return path.join(home, p.slice(2));
  }
  return p;
}

function isExecutableFile(file: string, platform: NodeJS.Platform): boolean {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    if (platform !== 'win32') {
      fs.accessSync(file, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds the server executable for the `qalam.path` setting.
 *
 * A value holding a path separator (or `~`) is taken as a path, relative ones against `cwd`; a bare name is
 * looked up in `env.PATH` (with `env.PATHEXT` suffixes on Windows). Returns the absolute path, or `undefined`
 * when no executable file is found.
 */
export function resolveExecutable(
  setting: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  cwd: string = process.cwd(),
): string | undefined {
  const value = expandHome(setting.trim() === '' ? 'qalam' : setting.trim());
  const pathApi = platform === 'win32' ? path.win32 : path.posix;
  const suffixes =
    platform === 'win32' ? ['', ...(env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';').filter((s) => s !== '')] : [''];
  const hasSeparator = value.includes('/') || (platform === 'win32' && value.includes('\\'));
  const candidates = hasSeparator
    ? [pathApi.resolve(cwd, value)]
    : (env.PATH ?? env.Path ?? '')
        .split(pathApi.delimiter)
        .filter((dir) => dir !== '')
        .map((dir) => pathApi.join(dir, value));
  for (const candidate of candidates) {
    for (const suffix of suffixes) {
      if (isExecutableFile(candidate + suffix, platform)) {
        return candidate + suffix;
      }
    }
  }
  return undefined;
}
