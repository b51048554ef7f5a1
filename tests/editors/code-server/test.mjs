// Drives the qalam extension inside code-server (VS Code in the browser) with headless Chromium.
//
// Environment: QALAM_CS_URL (http://127.0.0.1:PORT/?folder=WORKSPACE), QALAM_CS_FILE (the fixture's file name in
// the workspace), QALAM_CS_SHOTS (directory for screenshots), QALAM_TEST_LANG ('en' | 'ar', the qalam.lang setting
// the workspace was given), QALAM_CS_SETTINGS (the settings.json files to edit for the settings check, separated
// by ':'), QALAM_CS_SERVER_SOURCE (how the extension should have found the server: 'bundled' |
// 'qalam.server.path'), QALAM_CS_SCENARIO ('full', default, or 'missing': no server can start, and
// QALAM_CS_MISSING_PATH is the qalam.server.path that names no file). Prints one ok/FAIL line per check; exits 1
// when one fails.
//
// The fixture (tests/editors/fixtures/khabar-vscode.txt): line 2 holds «وقال شكري: "…"», line 3 a stray closing
// mark after المياه (Ln 3, Col 53 in VS Code's 1-based UTF-16 columns), line 4 a quotation by أيمن الصفدي.

import * as fs from 'node:fs';
import { chromium } from 'playwright-core';

const url = process.env.QALAM_CS_URL;
const file = process.env.QALAM_CS_FILE ?? 'khabar-vscode.txt';
const shots = process.env.QALAM_CS_SHOTS ?? '.';
const lang = process.env.QALAM_TEST_LANG ?? 'en';
const settingsFiles = (process.env.QALAM_CS_SETTINGS ?? '').split(':').filter(Boolean);
const serverSource = process.env.QALAM_CS_SERVER_SOURCE ?? 'bundled';
const scenario = process.env.QALAM_CS_SCENARIO ?? 'full';
const TIMEOUT = 90_000;
const CODE = 'unmatched-closing-quote';

let failures = 0;
const t0 = Date.now();
/** Seconds since the start, for the log (a slow step shows in the CI output). */
const elapsed = () => `[${((Date.now() - t0) / 1000).toFixed(1)} s]`;
function check(cond, what, detail) {
  if (cond) {
    console.log(`ok   ${what} ${elapsed()}`);
  } else {
    failures += 1;
    console.log(`FAIL ${what} ${elapsed()}${detail === undefined ? '' : `: ${String(detail).replace(/\s+/g, ' ').slice(0, 800)}`}`);
  }
  return cond;
}

const log = (what) => console.log(`     ${elapsed()} ${what}`);

/**
 * Runs `step` until it returns a truthy value, at most `tries` times (Escape and a pause between tries: a quick
 * input that lost a keystroke or a panel that rendered late is the usual flake). Returns the last value.
 */
async function retry(page, what, step, tries = 3) {
  let value;
  for (let i = 1; i <= tries; i++) {
    try {
      value = await step();
    } catch (err) {
      value = undefined;
      log(`${what}: try ${i} failed: ${String(err).split('\n')[0]}`);
    }
    if (value) {
      return value;
    }
    if (i < tries) {
      await page.keyboard.press('Escape').catch(() => {});
      await page.waitForTimeout(1000 * i);
    }
  }
  return value;
}

/** Runs a command through the command palette (F1), e.g. `>Show or Focus Hover` or `:2:7` or `@`. */
async function quickInput(page, text, { enter = true } = {}) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(text);
  if (enter) {
    // Wait until the list shows a match for a command (the palette filters asynchronously).
    if (text.startsWith('>')) {
      await page.locator('.quick-input-list .monaco-list-row').first().waitFor({ timeout: 10_000 });
    }
    await page.waitForTimeout(300);
    await page.keyboard.press('Enter');
  }
}

/** Focuses the editor's text (clicking its lines). */
async function focusEditor(page) {
  await page.locator('.monaco-editor .view-lines').first().click();
}

/** The Problems panel's text, after focusing it. */
async function problemsText(page) {
  await quickInput(page, '>View: Focus Problems');
  const markers = page.locator('.markers-panel');
  await markers.waitFor({ state: 'visible', timeout: 15_000 });
  await page.waitForTimeout(500);
  return (await markers.innerText().catch(() => '')) ?? '';
}

/** Waits until `pred(text of the Problems panel)` holds (it re-renders a moment after the squiggles change). */
async function waitForProblems(page, pred, timeout = TIMEOUT) {
  return page
    .waitForFunction((src) => new Function('t', `return ${src}`)(document.querySelector('.markers-panel')?.textContent ?? ''), pred, {
      timeout,
    })
    .then(() => true)
    .catch(() => false);
}

/** Sets (or, with `undefined`, removes) `key` in every settings file given to the test. */
function setSetting(key, value) {
  for (const path of settingsFiles) {
    const settings = JSON.parse(fs.readFileSync(path, 'utf8'));
    if (value === undefined) {
      delete settings[key];
    } else {
      settings[key] = value;
    }
    fs.writeFileSync(path, `${JSON.stringify(settings, null, 2)}\n`);
  }
}

const squiggle = (page, kind, state = 'attached', timeout = TIMEOUT) =>
  page
    .waitForSelector(`.monaco-editor .squiggly-${kind}`, { state, timeout })
    .then(() => true)
    .catch(() => false);

/**
 * Writes settings with `write()` and waits until `done(timeout)` holds, writing them again (the same content, a
 * new modification time) every 15 s: code-server's watcher of the settings files has been seen to notice a write
 * only 30 s later on a loaded machine, and a lost event would otherwise fail the check. Gives up after TIMEOUT.
 */
async function settingsTakeEffect(write, done) {
  const until = Date.now() + TIMEOUT;
  for (let attempt = 1; ; attempt++) {
    write();
    const left = until - Date.now();
    if (await done(Math.min(15_000, Math.max(left, 1)))) {
      return true;
    }
    if (Date.now() >= until) {
      return false;
    }
    log(`settings not applied yet; writing them again (attempt ${attempt + 1})`);
  }
}

/** Every check of a session whose extension finds a server (see the header). */
async function fullRun(page) {
  // Diagnostics: a squiggle, and the Problems panel lists the code at the exact column (VS Code: UTF-16, 1-based).
  check(await squiggle(page, 'warning'), 'a warning squiggle appears (the extension started qalam serve)');
  log('squiggle');
  await page.screenshot({ path: `${shots}/editor-${lang}.png` });
  const problems = await retry(page, 'Problems panel', async () => {
    const text = await problemsText(page);
    return text.includes(CODE) ? text : undefined;
  });
  check((problems ?? '').includes(CODE), `Problems panel shows ${CODE}`, problems);
  check(/Ln 3, Col 53/.test(problems ?? ''), 'the problem is at Ln 3, Col 53 (the stray mark after المياه)', problems);
  check((problems ?? '').includes('qalam'), 'the problem comes from qalam', problems);
  const message = lang === 'ar' ? 'علامة' : 'Closing quotation mark';
  check((problems ?? '').includes(message), `the message is in ${lang} (${message}…)`, problems);
  await page.screenshot({ path: `${shots}/problems-${lang}.png` });

  // "Qalam: Show server output": the output channel says which server started, found where.
  const output = await retry(page, 'server output', async () => {
    await quickInput(page, '>Qalam: Show server output');
    // The output channel is a read-only editor in the panel; Monaco renders spaces as no-break spaces.
    const view = page.locator('.part.panel .monaco-editor .view-lines').first();
    await view.waitFor({ state: 'visible', timeout: 15_000 });
    await page.waitForTimeout(500);
    const text = (await view.innerText()).replace(/\u00a0/g, ' ');
    return text.includes('qalam: started') ? text : undefined;
  });
  check(
    (output ?? '').includes(`(${serverSource})`),
    `"Qalam: Show server output" shows the server found as ${serverSource}`,
    output,
  );

  // Hover on the surname in «وقال شكري» (line 2, column 7 is inside the word).
  const hoverText = await retry(page, 'hover', async () => {
    await focusEditor(page);
    await quickInput(page, ':2:7');
    await quickInput(page, '>Show or Focus Hover');
    const hover = page.locator('.monaco-hover-content').first();
    await hover.waitFor({ state: 'visible', timeout: 20_000 });
    const text = await hover.innerText();
    return text.includes('سامح شكري') ? text : undefined;
  });
  check((hoverText ?? '').includes('شكري'), 'hover over شكري answers', hoverText);
  check((hoverText ?? '').includes('سامح شكري'), 'hover names the canonical name سامح شكري', hoverText);
  check((hoverText ?? '').includes('وزير الخارجية المصري'), 'hover gives the role taken from the text', hoverText);
  await page.screenshot({ path: `${shots}/hover-${lang}.png` });
  await page.keyboard.press('Escape');

  // Outline through "Go to Symbol in Editor" (@): the Quotations group and the quotations themselves.
  const group = lang === 'ar' ? 'الاقتباسات' : 'Quotations';
  const symbols = await retry(page, 'go to symbol', async () => {
    await focusEditor(page);
    await quickInput(page, '@', { enter: false });
    await page.waitForSelector('.quick-input-list .monaco-list-row', { timeout: 20_000 });
    await page.waitForTimeout(500);
    const names = (await page.locator('.quick-input-list .monaco-list-row .label-name').allInnerTexts()).map((s) => s.trim());
    return names.includes(group) ? names : undefined;
  });
  const names = symbols ?? [];
  check(names.includes(group), `Go to Symbol has the ${group} group`, names.join(' | '));
  check(names.some((s) => s.includes('إن التنسيق')), 'Go to Symbol lists the quotation by its first words', names.join(' | '));
  check(names.includes('سامح شكري'), 'Go to Symbol lists the person سامح شكري', names.join(' | '));
  await page.screenshot({ path: `${shots}/goto-symbol-${lang}.png` });
  await page.keyboard.press('Escape');

  // The Outline view (Explorer side bar): each quotation with its speaker as the description.
  // The tree renders only the rows in view: read them at the top (Home) and at the bottom (End) of the list.
  const outlineRows = () =>
    page.evaluate(() =>
      [...document.querySelectorAll('.outline-pane .monaco-list-row')].map((row) => ({
        name: (row.querySelector('.label-name')?.textContent ?? '').trim(),
        description: (row.querySelector('.label-description')?.textContent ?? '').trim(),
      })),
    );
  const outline = await retry(page, 'Outline view', async () => {
    await focusEditor(page);
    await quickInput(page, '>Explorer: Focus on Outline View');
    await page.locator('.outline-pane .monaco-list-row').first().waitFor({ timeout: 20_000 });
    // More room for the outline: collapse the folder section above it (harmless when it does not match).
    await page
      .locator('.pane-header[aria-expanded="true"]')
      .filter({ has: page.locator('h3.title', { hasText: /^workspace$/i }) })
      .first()
      .click({ timeout: 2_000 })
      .catch(() => {});
    await page.locator('.outline-pane .monaco-list').first().focus();
    await page.keyboard.press('Home');
    await page.waitForTimeout(500);
    const entries = await outlineRows();
    await page.keyboard.press('End');
    await page.waitForTimeout(500);
    for (const entry of await outlineRows()) {
      if (!entries.some((e) => e.name === entry.name && e.description === entry.description)) {
        entries.push(entry);
      }
    }
    return entries.some((e) => e.name.includes('نعمل معا')) ? entries : undefined;
  });
  const rows = outline ?? [];
  const shown = rows.map((e) => `${e.name}${e.description ? ` (${e.description})` : ''}`).join(' | ');
  check(rows.some((e) => e.name === group), `the Outline view has the ${group} group`, shown);
  check(
    rows.some((e) => e.name.includes('إن التنسيق') && e.description === 'سامح شكري'),
    'the Outline view lists «إن التنسيق…» by سامح شكري',
    shown,
  );
  check(
    rows.some((e) => e.name.includes('نعمل معا') && e.description === 'أيمن الصفدي'),
    'the Outline view lists «نعمل معا…» by أيمن الصفدي',
    shown,
  );

  // The README's picture: Outline in the side bar, the Problems panel below, the hover over شكري.
  await quickInput(page, '>View: Focus Problems').catch(() => {});
  await focusEditor(page);
  await quickInput(page, ':2:7').catch(() => {});
  await quickInput(page, '>Show or Focus Hover').catch(() => {});
  await page.locator('.monaco-hover-content').first().waitFor({ state: 'visible', timeout: 20_000 }).catch(() => {});
  await page.waitForTimeout(500);
  await page.screenshot({ path: `${shots}/showcase-${lang}.png` });
  await page.keyboard.press('Escape');

  // "Qalam: Show quotations": a quick pick of both quotations with their speakers; picking one selects it.
  const picks = await retry(page, 'Show quotations', async () => {
    await focusEditor(page);
    await quickInput(page, '>Qalam: Show quotations');
    const list = page.locator('.quick-input-list .monaco-list-row');
    await page.waitForFunction(
      () => [...document.querySelectorAll('.quick-input-list .monaco-list-row')].some((r) => r.textContent.includes('نعمل معا')),
      null,
      { timeout: 20_000 },
    );
    return (await list.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
  });
  const pickList = picks ?? [];
  check(pickList.length === 2, 'Show quotations lists two quotations', pickList.join(' | '));
  check(
    pickList[0]?.includes('إن التنسيق') && pickList[0]?.includes('سامح شكري'),
    'the first pick is «إن التنسيق…» with سامح شكري',
    pickList.join(' | '),
  );
  check(
    pickList[1]?.includes('نعمل معا') && pickList[1]?.includes('أيمن الصفدي'),
    'the second pick is «نعمل معا…» with أيمن الصفدي',
    pickList.join(' | '),
  );
  await page.screenshot({ path: `${shots}/quotations-${lang}.png` });
  // Filter by the speaker (matchOnDescription) and pick: the cursor selects that quotation on line 4.
  await page.locator('.quick-input-widget input').fill('الصفدي').catch(() => {});
  await page.waitForTimeout(500);
  await page.keyboard.press('Enter');
  const selection = page.locator('[id="status.editor.selection"]');
  const jumped = await page
    .waitForFunction(() => /Ln 4,/.test(document.getElementById('status.editor.selection')?.textContent ?? ''), null, {
      timeout: 20_000,
    })
    .then(() => true)
    .catch(() => false);
  check(jumped, 'picking it moves the cursor to line 4', await selection.innerText().catch(() => ''));

  // Settings reach the running server (workspace/didChangeConfiguration): a severity override turns the warning
  // into an error, disabling the code removes it, and the defaults bring it back.
  await quickInput(page, '>View: Focus Problems').catch(() => {});
  const error = await settingsTakeEffect(
    () => setSetting('qalam.diagnostics.severity', { [CODE]: 'error' }),
    (timeout) => squiggle(page, 'error', 'attached', timeout),
  );
  check(error, `qalam.diagnostics.severity {"${CODE}": "error"} turns the squiggle into an error`);
  await page.screenshot({ path: `${shots}/severity-${lang}.png` });
  const gone = await settingsTakeEffect(
    () => setSetting('qalam.diagnostics.enabled', { [CODE]: false }),
    async (timeout) =>
      (await squiggle(page, 'error', 'detached', timeout)) &&
      (await waitForProblems(page, `!t.includes(${JSON.stringify(CODE)})`, timeout)),
  );
  check(gone, `qalam.diagnostics.enabled {"${CODE}": false} removes the squiggle and the problem`);
  await page.screenshot({ path: `${shots}/disabled-${lang}.png` });
  const back = await settingsTakeEffect(
    () => {
      setSetting('qalam.diagnostics.enabled', undefined);
      setSetting('qalam.diagnostics.severity', undefined);
    },
    async (timeout) =>
      (await squiggle(page, 'warning', 'attached', timeout)) &&
      (await waitForProblems(page, `t.includes(${JSON.stringify(CODE)})`, timeout)),
  );
  check(back, 'back to the defaults: the warning returns');

  // Typing: delete the stray mark (Ln 3, Col 53) in the editor; the squiggle and the problem go away.
  await focusEditor(page);
  await quickInput(page, ':3:53');
  await page.keyboard.press('Delete');
  const cleared =
    (await squiggle(page, 'warning', 'detached')) && (await waitForProblems(page, `!t.includes(${JSON.stringify(CODE)})`));
  const after = (await page.locator('.markers-panel').innerText().catch(() => '')) ?? '';
  check(cleared, 'deleting the stray mark clears the squiggle and the problem', after);
  await page.screenshot({ path: `${shots}/edited-${lang}.png` });
}

/**
 * No server anywhere (qalam.server.path names a missing file, the bundled server was removed, none on PATH): the
 * extension says in a notification what it tried, one reason per place.
 */
async function missingServer(page) {
  const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'no language server could be started' });
  const text = await toast
    .first()
    .waitFor({ timeout: TIMEOUT })
    .then(() => toast.first().innerText())
    .catch(() => '');
  check(text !== '', 'a notification says that no language server could be started', text);
  const setting = process.env.QALAM_CS_MISSING_PATH ?? '';
  check(text.includes(`qalam.server.path = "${setting}": no executable found`), 'it names qalam.server.path and why', text);
  check(/server bundled in the extension \(.*server\/linux-x64\/qalam\): not in this package/.test(text), 'it names the bundled server and why', text);
  check(text.includes('qalam on PATH: no executable found'), 'it names PATH and why', text);
  check(text.includes('Open Settings') && text.includes('Show Output'), 'it offers Open Settings and Show Output', text);
  // The notification does not hold up activation: the extension's commands are there.
  const activated = await page
    .waitForFunction(() => !(document.querySelector('.statusbar')?.textContent ?? '').includes('Activating Extensions'), null, {
      timeout: 30_000,
    })
    .then(() => true)
    .catch(() => false);
  check(activated, 'the extension finished activating while the notification is shown');
  await page.screenshot({ path: `${shots}/missing-server.png` });
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(30_000);
  await page.goto(url);
  await page.waitForSelector('.monaco-workbench', { timeout: TIMEOUT });
  log('workbench loaded');

  // Open the fixture from the Explorer (double-click: a single click opens a preview that quick-open replaces).
  const opened = await retry(page, 'open the fixture', async () => {
    const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: file });
    await row.first().waitFor({ timeout: TIMEOUT });
    await row.first().dblclick();
    await page.waitForSelector('.monaco-editor .view-lines', { timeout: 30_000 });
    return true;
  });
  check(opened, `the Explorer opens ${file}`);

  if (scenario === 'missing') {
    await missingServer(page);
  } else {
    await fullRun(page);
  }
} catch (err) {
  failures += 1;
  console.log(`FAIL test script error: ${err?.stack ?? err}`);
} finally {
  await browser.close();
}
log('done');
const label = scenario === 'missing' ? 'no server' : lang;
console.log(failures === 0 ? `PASS code-server (${label})` : `FAIL code-server (${label}): ${failures} check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
