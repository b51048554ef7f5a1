// Copies the qalam server built for this platform into server/<platform>-<arch>/ so that `vsce package` puts it
// into the .vsix (run by `vscode:prepublish`). The extension starts it when `qalam.server.path` is empty.
//
// Source: $QALAM_SERVER_BIN when set (an error when it is not a file), else the newest of the repository's
// target/dist/qalam (`cargo build --profile dist`, stripped) and target/release/qalam. Without either, the .vsix
// carries no server (a warning): it then uses `qalam.server.path` or `qalam` on PATH.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const extensionDir = path.resolve(here, '..');
const repo = path.resolve(extensionDir, '../..');
const exe = process.platform === 'win32' ? 'qalam.exe' : 'qalam';
const target = process.env.CARGO_TARGET_DIR ? path.resolve(process.env.CARGO_TARGET_DIR) : path.join(repo, 'target');

function mtime(file) {
  try {
    const stat = fs.statSync(file);
    return stat.isFile() ? stat.mtimeMs : undefined;
  } catch {
    return undefined;
  }
}

let source;
if (process.env.QALAM_SERVER_BIN) {
  source = path.resolve(process.env.QALAM_SERVER_BIN);
  if (mtime(source) === undefined) {
    console.error(`bundle-server: QALAM_SERVER_BIN=${source} is not a file`);
    process.exit(1);
  }
} else {
  const builds = ['dist', 'release']
    .map((profile) => path.join(target, profile, exe))
    .filter((file) => mtime(file) !== undefined)
    .sort((a, b) => mtime(b) - mtime(a));
  source = builds[0];
}

// A stale server from an earlier package must not ship with this one.
fs.rmSync(path.join(extensionDir, 'server'), { recursive: true, force: true });
if (source === undefined) {
  console.warn(
    'bundle-server: no release build of qalam (cargo build --profile dist); the .vsix carries no server and will ' +
      'use qalam.server.path or qalam on PATH. `npm run release` builds one and packages.',
  );
  process.exit(0);
}
const dir = path.join(extensionDir, 'server', `${process.platform}-${process.arch}`);
fs.mkdirSync(dir, { recursive: true });
const dest = path.join(dir, exe);
fs.copyFileSync(source, dest);
fs.chmodSync(dest, 0o755);
const mb = (fs.statSync(dest).size / 1e6).toFixed(1);
console.log(`bundle-server: ${source} -> ${path.relative(extensionDir, dest)} (${mb} MB)`);
