// Drives the qalam extension inside code-server (VS Code in the browser) with headless Chromium.
//
// Environment: QALAM_CS_URL (http://127.0.0.1:PORT/?folder=WORKSPACE), QALAM_CS_FILE (the fixture's file name
// in the workspace), QALAM_CS_SHOTS (directory for screenshots), QALAM_TEST_LANG ('en' | 'ar', the
// qalam.lang setting the workspace was given). Prints one ok/FAIL line per check; exits 1 when one fails.

import { chromium } from 'playwright-core';

const url = process.env.QALAM_CS_URL;
const file = process.env.QALAM_CS_FILE ?? 'khabar.txt';
const shots = process.env.QALAM_CS_SHOTS ?? '.';
const lang = process.env.QALAM_TEST_LANG ?? 'en';
const TIMEOUT = 90_000;

let failures = 0;
function check(cond, what, detail) {
  if (cond) {
    console.log(`ok   ${what}`);
  } else {
    failures += 1;
    console.log(`FAIL ${what}${detail === undefined ? '' : `: ${String(detail).replace(/\s+/g, ' ').slice(0, 800)}`}`);
  }
  return cond;
}

/** Runs a command through the command palette (F1), e.g. `>Show or Focus Hover` or `:2:7` or `@`. */
async function quickInput(page, text, { enter = true } = {}) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: TIMEOUT });
  await input.fill(text);
  if (enter) {
    await page.waitForTimeout(300);
    await page.keyboard.press('Enter');
  }
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(url);
  await page.waitForSelector('.monaco-workbench', { timeout: TIMEOUT });

  // Open the fixture from the Explorer (double-click: a single click opens a preview that quick-open replaces).
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: file });
  await row.first().waitFor({ timeout: TIMEOUT });
  await row.first().dblclick();
  await page.waitForSelector('.monaco-editor .view-lines', { timeout: TIMEOUT });

  // Diagnostics: a squiggle, and the Problems panel lists the code at the exact column (VS Code: UTF-16, 1-based).
  const squiggle = await page
    .waitForSelector('.squiggly-warning', { timeout: TIMEOUT })
    .then(() => true)
    .catch(() => false);
  check(squiggle, 'a warning squiggle appears (the extension started qalam serve)');
  await page.screenshot({ path: `${shots}/editor-${lang}.png` });
  await quickInput(page, '>View: Focus Problems');
  const markers = page.locator('.markers-panel');
  await markers.waitFor({ state: 'visible', timeout: TIMEOUT }).catch(() => {});
  await page.waitForTimeout(500);
  const problems = (await markers.innerText().catch(() => '')) ?? '';
  check(problems.includes('unmatched-closing-quote'), 'Problems panel shows unmatched-closing-quote', problems);
  check(/Ln 3, Col 53/.test(problems), 'the problem is at Ln 3, Col 53 (the stray mark after المياه)', problems);
  check(problems.includes('qalam'), 'the problem comes from qalam', problems);
  await page.screenshot({ path: `${shots}/problems-${lang}.png` });

  // Hover on the surname in «وقال شكري» (line 2, column 7 is inside the word).
  await page.locator('.monaco-editor .view-lines').first().click();
  await quickInput(page, ':2:7');
  await quickInput(page, '>Show or Focus Hover');
  const hover = page.locator('.monaco-hover-content').first();
  const hoverText = await hover
    .waitFor({ state: 'visible', timeout: TIMEOUT })
    .then(() => hover.innerText())
    .catch(() => '');
  check(hoverText.includes('شكري'), 'hover over شكري answers', hoverText);
  check(hoverText.includes('سامح شكري'), 'hover names the canonical name سامح شكري', hoverText);
  await page.screenshot({ path: `${shots}/hover-${lang}.png` });
  await page.keyboard.press('Escape');

  // Outline through "Go to Symbol in Editor" (@): the Quotations group and the quotation itself.
  await page.locator('.monaco-editor .view-lines').first().click();
  await quickInput(page, '@', { enter: false });
  await page.waitForSelector('.quick-input-list .monaco-list-row', { timeout: TIMEOUT }).catch(() => {});
  await page.waitForTimeout(500);
  // The name of each entry (the container name is a separate description element).
  const symbols = (await page.locator('.quick-input-list .monaco-list-row .label-name').allInnerTexts()).map((s) => s.trim());
  const group = lang === 'ar' ? 'الاقتباسات' : 'Quotations';
  check(symbols.includes(group), `outline has the ${group} group`, symbols.join(' | '));
  check(symbols.some((s) => s.includes('إن التنسيق')), 'outline lists the quotation by its first words', symbols.join(' | '));
  check(symbols.includes('سامح شكري'), 'outline lists the person سامح شكري', symbols.join(' | '));
  await page.screenshot({ path: `${shots}/outline-${lang}.png` });
  await page.keyboard.press('Escape');

  // Typing: delete the stray mark (Ln 3, Col 53) in the editor; the squiggle and the problem go away.
  await page.locator('.monaco-editor .view-lines').first().click();
  await quickInput(page, ':3:53');
  await page.keyboard.press('Delete');
  const cleared = await page
    .waitForSelector('.monaco-editor .squiggly-warning', { state: 'detached', timeout: TIMEOUT })
    .then(() => true)
    .catch(() => false);
  // The Problems list re-renders a moment after the squiggle goes.
  const panelCleared = await page
    .waitForFunction(
      () => !(document.querySelector('.markers-panel')?.textContent ?? '').includes('unmatched-closing-quote'),
      null,
      { timeout: TIMEOUT },
    )
    .then(() => true)
    .catch(() => false);
  const after = (await page.locator('.markers-panel').innerText().catch(() => '')) ?? '';
  check(cleared && panelCleared, 'deleting the stray mark clears the squiggle and the problem', after);
  await page.screenshot({ path: `${shots}/edited-${lang}.png` });
} catch (err) {
  failures += 1;
  console.log(`FAIL test script error: ${err?.stack ?? err}`);
} finally {
  await browser.close();
}
console.log(failures === 0 ? 'PASS code-server' : `FAIL code-server: ${failures} check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
