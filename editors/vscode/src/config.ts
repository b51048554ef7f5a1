// Pure helpers behind the extension: no `vscode` import, so they run under `node --test`.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The values of `qalam.lang`. `auto` follows the editor's display language (the LSP `locale`). */
export type MessageLanguage = 'auto' | 'ar' | 'en';

/**
 * The diagnostic codes of qalam (`src/diagnostics/mod.rs`, `Code::as_str`), in the server's order. The
 * settings `qalam.diagnostics.enabled` and `qalam.diagnostics.severity` are keyed by them.
 */
export const DIAGNOSTIC_CODES = [
  'unclosed-quote',
  'unmatched-closing-quote',
  'unattributed-quote',
  'space-inside-quotes',
  'inconsistent-spelling',
  'mixed-orthography',
  'latin-punctuation',
  'space-before-punctuation',
  'repeated-word',
  'bidi-control',
  'confusable-letter',
] as const;

/** LSP's severities by name, as the server reads them; `default` keeps the code's own severity. */
export const SEVERITIES = ['default', 'error', 'warning', 'information', 'hint'] as const;

/**
 * The settings the server reads (its `qalam` section, see `src/lsp/config.rs`): sent as `initializationOptions`,
 * answered to `workspace/configuration` and pushed with `workspace/didChangeConfiguration`.
 */
export interface ServerSettings {
  lang: MessageLanguage;
  debounceMs?: number;
  diagnostics: {
    /** Code → whether it is published; codes not listed are on. */
    enabled: Record<string, boolean>;
    /** Code → `error` | `warning` | `information` | `hint` (codes not listed keep their default). */
    severity: Record<string, string>;
  };
}

/** Reads one setting of the `qalam` section (the shape of `WorkspaceConfiguration.get`). */
export type SettingGetter = (key: string) => unknown;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The server's settings from the `qalam.*` settings: `lang` (unknown values count as `auto`), `debounceMs` (a
 * non-negative integer, else left out), `diagnostics.enabled` (known codes with a boolean) and
 * `diagnostics.severity` (known codes with a severity other than `default`).
 */
export function serverSettings(get: SettingGetter): ServerSettings {
  const lang = get('lang');
  const debounce = get('debounceMs');
  const enabled: Record<string, boolean> = {};
  const severity: Record<string, string> = {};
  const enabledSetting = get('diagnostics.enabled');
  const severitySetting = get('diagnostics.severity');
  for (const code of DIAGNOSTIC_CODES) {
    if (isRecord(enabledSetting) && typeof enabledSetting[code] === 'boolean') {
      enabled[code] = enabledSetting[code] as boolean;
    }
    const level = isRecord(severitySetting) ? severitySetting[code] : undefined;
    if (typeof level === 'string' && level !== 'default' && (SEVERITIES as readonly string[]).includes(level)) {
      severity[code] = level;
    }
  }
  const settings: ServerSettings = {
    lang: lang === 'ar' || lang === 'en' ? lang : 'auto',
    diagnostics: { enabled, severity },
  };
  if (typeof debounce === 'number' && Number.isInteger(debounce) && debounce >= 0) {
    settings.debounceMs = debounce;
  }
  return settings;
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

/** Where a server candidate comes from, in the order they are tried. */
export type CandidateSource = 'qalam.server.path' | 'qalam.path' | 'bundled' | 'PATH';

/** One place the extension looks for the server. */
export interface Candidate {
  source: CandidateSource;
  /** What was looked for: the setting's value, the bundled file, or `qalam`. */
  value: string;
  /** The executable found there, or `undefined`. */
  path?: string;
}

/** The file name of the server bundled for `platform`-`arch` inside the extension, e.g. `server/linux-x64/qalam`. */
export function bundledServer(extensionDir: string, platform: NodeJS.Platform, arch: string): string {
  const pathApi = platform === 'win32' ? path.win32 : path.posix;
  return pathApi.join(extensionDir, 'server', `${platform}-${arch}`, platform === 'win32' ? 'qalam.exe' : 'qalam');
}

/** What {@link serverCandidates} needs to know. */
export interface LookupContext {
  /** `qalam.server.path` (empty or unset: not given). */
  serverPath?: string;
  /** `qalam.path`, the deprecated alias (empty, unset or the old default `qalam`: not given). */
  legacyPath?: string;
  /** The extension's install directory (where `server/<platform>-<arch>/` is packed). */
  extensionDir: string;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  arch?: string;
  /** Directory relative paths in the settings are taken from (the workspace folder). */
  cwd?: string;
}

/**
 * The places the server is looked for, in order: `qalam.server.path` if set, else `qalam.path` if set (deprecated),
 * then the binary bundled in the .vsix for this platform, then `qalam` on `PATH`. Each candidate carries the
 * executable found (or `undefined`); duplicates of an earlier executable are dropped.
 */
export function serverCandidates(context: LookupContext): Candidate[] {
  const env = context.env ?? process.env;
  const platform = context.platform ?? process.platform;
  const arch = context.arch ?? process.arch;
  const cwd = context.cwd ?? process.cwd();
  const candidates: Candidate[] = [];
  const serverPath = context.serverPath?.trim() ?? '';
  const legacyPath = context.legacyPath?.trim() ?? '';
  if (serverPath !== '') {
    candidates.push({ source: 'qalam.server.path', value: serverPath, path: resolveExecutable(serverPath, env, platform, cwd) });
  } else if (legacyPath !== '' && legacyPath !== 'qalam') {
    candidates.push({ source: 'qalam.path', value: legacyPath, path: resolveExecutable(legacyPath, env, platform, cwd) });
  }
  const bundled = bundledServer(context.extensionDir, platform, arch);
  candidates.push({
    source: 'bundled',
    value: bundled,
    path: isExecutableFile(bundled, platform) ? bundled : undefined,
  });
  candidates.push({ source: 'PATH', value: 'qalam', path: resolveExecutable('qalam', env, platform, cwd) });
  const seen = new Set<string>();
  return candidates.map((c) => {
    if (c.path !== undefined && seen.has(c.path)) {
      return { ...c, path: undefined };
    }
    if (c.path !== undefined) {
      seen.add(c.path);
    }
    return c;
  });
}

/** One line per candidate for the "cannot start" message: what was tried and why it did not work. */
export function describeAttempts(candidates: readonly Candidate[], failures: ReadonlyMap<string, string>): string[] {
  return candidates.map((c) => {
    const where =
      c.source === 'bundled' ? `the server bundled in the extension (${c.value})` : c.source === 'PATH' ? 'qalam on PATH' : `${c.source} = "${c.value}"`;
    if (c.path === undefined) {
      return `${where}: ${c.source === 'bundled' ? 'not in this package' : 'no executable found'}`;
    }
    return `${where}: ${c.path} ${failures.has(c.path) ? `failed to start (${failures.get(c.path)})` : 'not tried'}`;
  });
}

/**
 * Gives the bundled server its executable bit back when the .vsix installer dropped it (zip entries may lose the
 * mode). Does nothing on Windows, for a missing file or when it is executable already; never throws.
 */
export function ensureExecutable(file: string, platform: NodeJS.Platform = process.platform): void {
  if (platform === 'win32') {
    return;
  }
  try {
    if (fs.statSync(file).isFile() && !isExecutableFile(file, platform)) {
      fs.chmodSync(file, 0o755);
    }
  } catch {
    // Missing or read-only: the lookup reports it.
  }
}
