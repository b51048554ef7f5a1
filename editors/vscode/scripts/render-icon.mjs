// Renders images/icon.svg to images/icon.png (128×128) with headless Chromium through playwright-core (the
// code-server test's dependency: run `npm ci` in tests/editors/code-server first). Chromium: $CHROMIUM or
// /usr/bin/chromium. The PNG is committed; run this after editing the SVG.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const extensionDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(extensionDir, '../../tests/editors/code-server/package.json'));
const { chromium } = require('playwright-core');

const svg = fs.readFileSync(path.join(extensionDir, 'images/icon.svg'), 'utf8');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
try {
  const page = await browser.newPage({ viewport: { width: 128, height: 128 }, deviceScaleFactor: 1 });
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
  await page.locator('svg').screenshot({ path: path.join(extensionDir, 'images/icon.png'), omitBackground: true });
} finally {
  await browser.close();
}
console.log('images/icon.png written');
