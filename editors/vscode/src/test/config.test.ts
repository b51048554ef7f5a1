// Unit tests of the extension's pure helpers: `npm test` (node --test on the tsc output).

import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { test } from 'node:test';

import {
  DIAGNOSTIC_CODES,
  bundledServer,
  describeAttempts,
  documentSelector,
  ensureExecutable,
  expandHome,
  resolveExecutable,
  serverCandidates,
  serverSettings,
} from '../config';

test('server settings from the qalam.* settings', () => {
  const values: Record<string, unknown> = {
    lang: 'ar',
    debounceMs: 200,
    'diagnostics.enabled': { 'repeated-word': false, 'unclosed-quote': true, 'no-such-code': false, 'bidi-control': 'no' },
    'diagnostics.severity': { 'unmatched-closing-quote': 'error', 'mixed-orthography': 'default', 'latin-punctuation': 'loud' },
  };
  assert.deepEqual(
    serverSettings((key) => values[key]),
    {
      lang: 'ar',
      debounceMs: 200,
      diagnostics: {
        enabled: { 'unclosed-quote': true, 'repeated-word': false },
        severity: { 'unmatched-closing-quote': 'error' },
      },
    },
  );
  assert.deepEqual(serverSettings(() => undefined), { lang: 'auto', diagnostics: { enabled: {}, severity: {} } });
  assert.equal(serverSettings((k) => (k === 'lang' ? 'fr' : undefined)).lang, 'auto');
  assert.equal(serverSettings((k) => (k === 'debounceMs' ? -1 : undefined)).debounceMs, undefined);
  assert.equal(serverSettings((k) => (k === 'debounceMs' ? 2.5 : undefined)).debounceMs, undefined);
});

test('the codes match the server and the manifest', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8'));
  const props = manifest.contributes.configuration.properties;
  assert.deepEqual(Object.keys(props['qalam.diagnostics.enabled'].properties), [...DIAGNOSTIC_CODES]);
  assert.deepEqual(Object.keys(props['qalam.diagnostics.severity'].properties), [...DIAGNOSTIC_CODES]);
  // The server's list (src/diagnostics/mod.rs, Code::as_str), read from its source.
  const rust = fs.readFileSync(path.join(__dirname, '../../../../src/diagnostics/mod.rs'), 'utf8');
  const fromServer = [...rust.matchAll(/Code::\w+ => "([a-z-]+)"/g)].map((m) => m[1]);
  assert.deepEqual(fromServer, [...DIAGNOSTIC_CODES]);
});

test('document selector covers files and untitled buffers, once per language', () => {
  assert.deepEqual(documentSelector(['plaintext', 'markdown', 'plaintext', '', 3, ' latex ']), [
    { scheme: 'file', language: 'plaintext' },
    { scheme: 'untitled', language: 'plaintext' },
    { scheme: 'file', language: 'markdown' },
    { scheme: 'untitled', language: 'markdown' },
    { scheme: 'file', language: 'latex' },
    { scheme: 'untitled', language: 'latex' },
  ]);
  assert.deepEqual(documentSelector(undefined), []);
});

test('home expansion', () => {
  assert.equal(expandHome('~/bin/qalam', '/home/u'), path.join('/home/u', 'bin/qalam'));
  assert.equal(expandHome('~', '/home/u'), '/home/u');
  assert.equal(expandHome('/opt/qalam', '/home/u'), '/opt/qalam');
  assert.equal(expandHome('a~/b', '/home/u'), 'a~/b');
});

test('executable lookup on PATH and by path', { skip: process.platform === 'win32' }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qalam-ext-'));
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'qalam-ext-'));
  try {
    const exe = path.join(dir, 'qalam');
    fs.writeFileSync(exe, '#!/bin/sh\n', { mode: 0o755 });
    const notExe = path.join(dir, 'notes');
    fs.writeFileSync(notExe, 'x', { mode: 0o644 });
    const env = { PATH: [empty, dir].join(path.delimiter) };

    assert.equal(resolveExecutable('qalam', env, 'linux', '/'), exe);
    assert.equal(resolveExecutable('', env, 'linux', '/'), exe, 'an empty setting means "qalam"');
    assert.equal(resolveExecutable('notes', env, 'linux', '/'), undefined, 'not executable');
    assert.equal(resolveExecutable('qalam', { PATH: empty }, 'linux', '/'), undefined);
    assert.equal(resolveExecutable(exe, {}, 'linux', '/'), exe);
    assert.equal(resolveExecutable('./qalam', {}, 'linux', dir), exe, 'relative to the workspace');
    assert.equal(resolveExecutable(dir, env, 'linux', '/'), undefined, 'a directory is not an executable');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(empty, { recursive: true, force: true });
  }
});

test('server lookup order: setting, deprecated alias, bundled, PATH', { skip: process.platform === 'win32' }, () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'qalam-ext-'));
  try {
    const ext = path.join(root, 'ext');
    const onPath = path.join(root, 'bin');
    const custom = path.join(root, 'custom-qalam');
    const bundled = bundledServer(ext, 'linux', 'x64');
    assert.equal(bundled, path.join(ext, 'server', 'linux-x64', 'qalam'));
    assert.equal(bundledServer('C:\\ext', 'win32', 'x64'), 'C:\\ext\\server\\win32-x64\\qalam.exe');
    for (const file of [path.join(onPath, 'qalam'), custom, bundled]) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, '#!/bin/sh\n', { mode: 0o755 });
    }
    const env = { PATH: onPath };
    const base = { extensionDir: ext, env, platform: 'linux' as const, arch: 'x64', cwd: root };
    const found = (c: ReturnType<typeof serverCandidates>) => c.map((x) => [x.source, x.path]);

    assert.deepEqual(found(serverCandidates({ ...base, serverPath: custom, legacyPath: '/nowhere' })), [
      ['qalam.server.path', custom],
      ['bundled', bundled],
      ['PATH', path.join(onPath, 'qalam')],
    ]);
    // The deprecated alias counts only when the new setting is empty; its old default "qalam" means "not set".
    assert.deepEqual(found(serverCandidates({ ...base, serverPath: '', legacyPath: './custom-qalam' }))[0], ['qalam.path', custom]);
    assert.deepEqual(found(serverCandidates({ ...base, legacyPath: 'qalam' }))[0], ['bundled', bundled]);
    // A setting naming a missing file stays in the list (for the message) with no executable.
    const missing = serverCandidates({ ...base, serverPath: '/no/such/qalam' });
    assert.deepEqual(found(missing)[0], ['qalam.server.path', undefined]);
    // The same executable is tried once.
    assert.deepEqual(found(serverCandidates({ ...base, serverPath: bundled })), [
      ['qalam.server.path', bundled],
      ['bundled', undefined],
      ['PATH', path.join(onPath, 'qalam')],
    ]);

    fs.chmodSync(bundled, 0o644);
    assert.equal(serverCandidates(base)[0].path, undefined, 'not executable: not a candidate');
    ensureExecutable(bundled, 'linux');
    assert.equal(serverCandidates(base)[0].path, bundled, 'the executable bit is restored');
    ensureExecutable(path.join(root, 'missing'), 'linux');

    fs.rmSync(bundled);
    const none = serverCandidates({ ...base, env: { PATH: '' }, serverPath: '/no/such/qalam' });
    assert.deepEqual(describeAttempts(none, new Map()), [
      'qalam.server.path = "/no/such/qalam": no executable found',
      `the server bundled in the extension (${bundled}): not in this package`,
      'qalam on PATH: no executable found',
    ]);
    const failed = serverCandidates({ ...base, serverPath: custom, env: { PATH: '' } });
    assert.equal(
      describeAttempts(failed, new Map([[custom, 'spawn EACCES']]))[0],
      `qalam.server.path = "${custom}": ${custom} failed to start (spawn EACCES)`,
    );
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
