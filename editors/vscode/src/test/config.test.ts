// Unit tests of the extension's pure helpers: `npm test` (node --test on the tsc output).

import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { test } from 'node:test';

import { documentSelector, expandHome, initializationOptions, resolveExecutable } from '../config';

test('lang override is sent only for ar and en', () => {
  assert.deepEqual(initializationOptions('ar'), { lang: 'ar' });
  assert.deepEqual(initializationOptions('en'), { lang: 'en' });
  assert.deepEqual(initializationOptions('auto'), {});
  assert.deepEqual(initializationOptions(undefined), {});
  assert.deepEqual(initializationOptions('fr'), {});
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
