// One command from a clean clone to a .vsix that carries the server:
//
//   npm --prefix editors/vscode run release      (or, in editors/vscode: npm run release)
//
// builds the server with `cargo build --profile dist --locked` (release, stripped, thin LTO; see Cargo.toml),
// installs the extension's locked npm dependencies (`npm ci`) and packages (`npm run package`: tsc, esbuild, the
// server copied into server/<platform>-<arch>/, vsce) to editors/vscode/qalam.vsix. Needs cargo and Node 18+.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const extensionDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repo = path.resolve(extensionDir, '../..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(command, args, cwd) {
  console.log(`\n$ (cd ${path.relative(repo, cwd) || '.'} && ${command} ${args.join(' ')})`);
  const result = spawnSync(command, args, { cwd, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) {
    console.error(`release: ${command} ${args.join(' ')} failed (${result.error ?? `exit ${result.status}`})`);
    process.exit(1);
  }
}

run('cargo', ['build', '--profile', 'dist', '--locked', '--bin', 'qalam'], repo);
run(npm, ['ci', '--no-audit', '--no-fund'], extensionDir);
run(npm, ['run', 'package'], extensionDir);
const vsix = path.join(extensionDir, 'qalam.vsix');
console.log(`\nrelease: ${vsix} (${(fs.statSync(vsix).size / 1e6).toFixed(1)} MB)`);
