// Share links, hostile URL values, stop/cancel, keyboard, trace download, themes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { setup, guard, openPlayground, runAndWait, consoleLines } from './helpers.js';

let env;
before(async () => { env = await setup(); });
after(async () => { await env?.teardown(); });

async function newPage(opts = {}) {
  const ctx = await env.browser.newContext({ viewport: { width: 1280, height: 800 }, ...opts });
  const page = await ctx.newPage();
  const problems = [];
  guard(page, problems);
  return { ctx, page, problems };
}

test('editing the form updates a readable URL; a copied link restores the state', async () => {
  const { ctx, page, problems } = await newPage();
  await openPlayground(page, env.site.url, '?p=gather');
  await page.fill('#f-p-users', '8');
  await page.fill('#f-p-delay', '0.25');
  await page.fill('#f-scale', '0.5');
  await page.selectOption('#f-clock', 'virtual');
  await page.waitForFunction(() => location.search.includes('clock=virtual'));
  const search = await page.evaluate(() => location.search);
  assert.equal(search, '?p=gather&users=8&delay=0.25&scale=0.5&clock=virtual');
  const shared = await page.inputValue('#share-url');
  assert.ok(shared.endsWith(search), shared);

  const other = await newPage();
  await other.page.goto(shared);
  await other.page.locator('#pattern-title').waitFor();
  assert.equal(await other.page.locator('#nav a[aria-current="page"]').getAttribute('data-id'), 'gather');
  assert.equal(await other.page.inputValue('#f-p-users'), '8');
  assert.equal(await other.page.inputValue('#f-p-delay'), '0.25');
  assert.equal(await other.page.inputValue('#f-scale'), '0.5');
  assert.equal(await other.page.inputValue('#f-clock'), 'virtual');
  assert.equal(await other.page.locator('#messages').isHidden(), true, 'no notice for a clean link');
  const lines = await runAndWait(other.page);
  assert.ok(lines.includes('Fetched 8 users'), JSON.stringify(lines));
  // choosing another pattern puts it in the URL with its defaults left out
  await other.page.click('#nav a[data-id="wait"]');
  await other.page.waitForFunction(() => location.search.startsWith('?p=wait'));
  assert.equal(await other.page.evaluate(() => location.search), '?p=wait&scale=0.5&clock=virtual');
  assert.deepEqual(other.problems, []);
  await other.ctx.close();

  // the embed code points at embed.html with the same state
  await page.click('text=Copy embed code');
  const code = await page.inputValue('#embed-code');
  assert.match(code, /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/embed\.html\?p=gather&amp;users=8&amp;delay=0\.25&amp;scale=0\.5&amp;clock=virtual"/);
  assert.match(code, /sandbox="allow-scripts allow-same-origin"/);
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('unknown and old keys are ignored with a notice', async () => {
  const { ctx, page, problems } = await newPage();
  await openPlayground(page, env.site.url, '?p=gather&users=7&speed=fast&legacy=1');
  const text = await page.locator('#messages').innerText();
  assert.match(text, /Ignored unknown parameter 'speed'/);
  assert.match(text, /Ignored unknown parameter 'legacy'/);
  assert.equal(await page.inputValue('#f-p-users'), '7');
  assert.equal(await page.evaluate(() => location.search), '?p=gather&users=7');
  assert.deepEqual(problems, []);
  await ctx.close();
});

const HOSTILE = [
  ['huge', '?p=gather&users=1e308&delay=99999999999999999999999', ["gather parameter 'users': '1e308' is not a whole number", "gather parameter 'delay': 1e+23 is out of range [0.0, 30.0]"]],
  ['negative', '?p=gather&users=-5&delay=-0.5&scale=-1', ["gather parameter 'users': -5 is out of range", 'Time scale: -1.0 is out of range [0.001, 100.0]']],
  ['NaN', '?p=gather&users=NaN&delay=NaN&scale=NaN&clock=NaN', ["gather parameter 'users': 'NaN' is not a number", "Time scale: 'NaN' is not a number", "Clock: 'NaN'"]],
  ['script', '?p=gather&users=%3Cscript%3Ewindow.__pwned%3D1%3C%2Fscript%3E&clock=%3Cimg%20src%3Dx%20onerror%3D%22window.__pwned%3D1%22%3E', ['is not a number', 'Clock']],
  ['unknown id', '?p=%3Csvg%20onload%3D%22window.__pwned%3D1%22%3E&users=3', ['Unknown pattern']],
  ['long', `?p=gather&users=${'9'.repeat(5000)}`, ['too long']],
];

for (const [name, query, needles] of HOSTILE) {
  test(`hostile URL (${name}) is refused with a message and nothing executes`, async () => {
    const { ctx, page, problems } = await newPage();
    await openPlayground(page, env.site.url, query);
    const box = page.locator('#messages');
    await box.waitFor({ state: 'visible' });
    const text = await box.innerText();
    for (const n of needles) assert.ok(text.includes(n), `message mentions ${JSON.stringify(n)}: ${text}`);
    assert.equal(await page.evaluate(() => /** @type {any} */ (window).__pwned), undefined);
    assert.equal(await page.locator('body img, body script, body svg, body iframe').count(), 0, 'no injected elements');
    assert.equal(await page.locator('.console li').count(), 0, 'nothing ran');
    if (name !== 'unknown id' && name !== 'long') {
      assert.equal(await page.inputValue('#f-p-users'), '5', 'the default is used');
    }
    assert.equal(await page.inputValue('#f-scale'), '1');
    assert.deepEqual(problems, []);
    await ctx.close();
  });
}

test('an invalid form value blocks the run with a specific message', async () => {
  const { ctx, page, problems } = await newPage();
  await openPlayground(page, env.site.url, '?p=wait&clock=virtual');
  await page.fill('#f-p-delays', '1,2,abc');
  assert.match(await page.locator('#f-p-delays-err').innerText(), /^wait parameter 'delays': 'abc' is not a number$/);
  await page.click('button.primary');
  assert.match(await page.locator('.form-panel .messages').innerText(), /'abc' is not a number/);
  assert.equal(await page.locator('.console li').count(), 0);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'f-p-delays');
  await page.fill('#f-p-delays', '3,1,2');
  await page.selectOption('#f-p-return_when', 'ALL_COMPLETED');
  const lines = await runAndWait(page);
  assert.ok(lines.length > 0);
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('Stop (button and Esc) cancels a running pattern; Ctrl+Enter runs', async () => {
  const { ctx, page, problems } = await newPage();
  await openPlayground(page, env.site.url, '?p=gather&delay=30&users=3');
  await page.locator('#f-p-users').focus();
  await page.keyboard.press('Control+Enter');
  await page.locator('button', { hasText: 'Stop' }).and(page.locator(':enabled')).waitFor();
  await page.locator('.timeline[data-rows]').waitFor();
  await page.waitForFunction(() => Number(document.querySelector('.timeline')?.getAttribute('data-rows')) >= 2);
  await page.click('button:has-text("Stop")');
  await page.locator('.console li.sys', { hasText: 'Run cancelled' }).waitFor({ timeout: 30_000 });
  assert.match(await page.locator('.summary').innerText(), /cancelled/);
  // Esc
  await page.keyboard.press('Control+Enter');
  await page.locator('button:has-text("Stop"):enabled').waitFor();
  await page.waitForFunction(() => document.querySelectorAll('.console li.sys').length === 0 || document.body.dataset.running === 'true');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => document.body.dataset.running === 'false');
  assert.ok((await page.locator('.console li.sys').allTextContents()).some((t) => t.includes('Run cancelled')));
  assert.match(await page.locator('table.runs tbody').innerText(), /cancelled/);
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('a live run on the real clock redraws its timeline at most 30 times a second', async () => {
  const { ctx, page, problems } = await newPage();
  // Every redraw of the chart clears its canvas first: count those.
  await ctx.addInitScript(() => {
    window.timelineDraws = [];
    const clear = CanvasRenderingContext2D.prototype.clearRect;
    CanvasRenderingContext2D.prototype.clearRect = function (...args) {
      if (this.canvas.closest?.('.chart-panel .timeline')) window.timelineDraws.push(performance.now());
      return clear.apply(this, args);
    };
  });
  await openPlayground(page, env.site.url, '?p=timing&scale=0.5');
  const lines = await runAndWait(page);
  assert.ok(lines.length > 0);
  const { start, end, draws } = await page.evaluate(() => {
    const m = performance.getEntriesByType('measure').find((e) => e.name === 'aio:run timing');
    return { start: m.startTime, end: m.startTime + m.duration, draws: window.timelineDraws };
  });
  const during = draws.filter((t) => t > start && t < end).length;
  // One redraw when the run begins, then one every 33 ms at most; at every frame it would be twice that.
  const most = Math.ceil((end - start) / 33) + 2;
  assert.ok(during > 5, `the live chart was redrawn (${during} times in ${(end - start).toFixed(0)} ms)`);
  assert.ok(during <= most, `${during} redraws in ${(end - start).toFixed(0)} ms, at most ${most}`);
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('Download trace gives Chrome trace-event JSON', async () => {
  const { ctx, page, problems } = await newPage({ acceptDownloads: true });
  await openPlayground(page, env.site.url, '?p=create-task&clock=virtual');
  await runAndWait(page);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Download trace')]);
  assert.match(download.suggestedFilename(), /^create-task-trace\.json$/);
  const json = JSON.parse(readFileSync(await download.path(), 'utf8'));
  assert.ok(Array.isArray(json.traceEvents) && json.traceEvents.length > 3);
  const threads = json.traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name');
  assert.ok(threads.length >= 3, 'a thread per task');
  assert.ok(json.traceEvents.some((e) => e.ph === 'X' && e.dur > 0));
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('theme toggle overrides prefers-color-scheme and is remembered; output lines keep timestamps', async () => {
  const { ctx, page, problems } = await newPage({ colorScheme: 'light' });
  await openPlayground(page, env.site.url, '?p=task-group&clock=virtual');
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');
  await page.click('#theme'); // auto -> light
  await page.click('#theme'); // light -> dark
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  await page.reload();
  await page.locator('#pattern-title').waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  await runAndWait(page);
  const stamps = await page.locator('.console li.line:not(.sys) .t').allTextContents();
  assert.ok(stamps.length > 0 && stamps.every((s) => /^\d+\.\d{3}s$/.test(s)), JSON.stringify(stamps));
  assert.ok((await consoleLines(page)).includes('2 4 6'));
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('the executor\'s Web Workers start after the first paint, before anyone presses Run', async () => {
  const { ctx, page, problems } = await newPage();
  await openPlayground(page, env.site.url, '?p=executor&scale=0.1');
  // Nobody has pressed Run: the spare workers start on their own.
  await page.waitForFunction(() => performance.getEntriesByType('paint').length > 0, null, { timeout: 30_000 });
  const spares = () => page.workers().filter((w) => /executor-worker/.test(w.url())).length;
  for (let i = 0; i < 300 && spares() < 2; i++) await page.waitForTimeout(100);
  assert.ok(spares() >= 2, `spare workers started (${page.workers().map((w) => w.url()).join(', ')})`);
  assert.equal(await page.evaluate(() => performance.getEntriesByType('measure').filter((m) => m.name.startsWith('aio:run ')).length), 0,
    'no run was made');
  const lines = await runAndWait(page);
  assert.deepEqual(lines, ['Result', 'Result']);
  const run = await page.evaluate(() => performance.getEntriesByType('measure').filter((m) => m.name === 'aio:run executor').map((m) => m.detail));
  assert.equal(run.length, 1, 'the run is a User Timing measure');
  assert.equal(run[0].ideal, 2);
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('the loop runs in a worker of its own; where that worker cannot start, the page runs it', async () => {
  const { ctx, page, problems } = await newPage();
  await openPlayground(page, env.site.url, '?p=executor&clock=virtual');
  assert.deepEqual(await runAndWait(page), ['Result', 'Result']);
  assert.ok(page.workers().some((w) => /loop-worker/.test(w.url())), 'the loop has its worker');
  assert.deepEqual(problems, []);
  await ctx.close();

  const blocked = await newPage();
  await blocked.ctx.route(/loop-worker[^/]*\.js/, (route) => route.abort());
  const warnings = [];
  blocked.page.on('console', (m) => { if (m.type() === 'warning') warnings.push(m.text()); });
  await openPlayground(blocked.page, env.site.url, '?p=executor&clock=virtual');
  assert.deepEqual(await runAndWait(blocked.page), ['Result', 'Result']);
  assert.ok(!blocked.page.workers().some((w) => /loop-worker/.test(w.url())));
  assert.ok(warnings.some((w) => w.includes('the loop runs on the page')), JSON.stringify(warnings));
  assert.deepEqual(blocked.problems, []);
  await blocked.ctx.close();
});
