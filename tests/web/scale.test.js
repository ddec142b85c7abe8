// The page at scale: gather of 100,000 users (the registry's most) keeps the main thread free during the
// run on either clock (the loop gives the page a turn every 10 ms, the virtual clock included, and the
// page takes the events in as they stream), the timeline is drawn soon after the end in a canvas of
// bounded size — density bands per group of tasks over a window of rows that scrolls — and it zooms; the
// trace download and Step mode work at that size. Screenshots go to test-artifacts/screenshots/ (and to
// $AIO_SHOTS when set).
//
// Long tasks are seen as the browser reports them (PerformanceObserver, 'longtask': every main-thread
// task over 50 ms). On a machine loaded by other work a turn can still stretch past 50 ms; the test then
// prints the figures and holds the page to what it controls: no more than a few such tasks, none over
// 250 ms, where before a 100,000-user run was one task of 2.6 s.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setup, guard, openPlayground, SHOTS } from './helpers.js';

let env;
const shotDirs = [SHOTS, process.env.AIO_SHOTS].filter(Boolean);
before(async () => { env = await setup(); for (const d of shotDirs) mkdirSync(d, { recursive: true }); });
after(async () => { await env?.teardown(); });

async function shot(locator, name) {
  for (const d of shotDirs) await locator.screenshot({ path: join(d, name) });
}

const USERS = 100_000;

async function newPage(opts = {}) {
  const ctx = await env.browser.newContext({ viewport: { width: 1280, height: 900 }, ...opts });
  const page = await ctx.newPage();
  const problems = [];
  guard(page, problems);
  return { ctx, page, problems };
}

/** Starts watching long tasks (from now on). */
function watchLongTasks(page) {
  return page.evaluate(() => {
    const w = /** @type {any} */ (window);
    w.__long = [];
    new PerformanceObserver((list) => { for (const e of list.getEntries()) w.__long.push({ start: e.startTime, ms: e.duration }); })
      .observe({ type: 'longtask' });
  });
}

/** Runs the form's pattern; returns the long tasks during the run and how long the timeline took after. */
async function runWatched(page, timeout = 180_000) {
  await watchLongTasks(page);
  const t0 = await page.evaluate(() => performance.now());
  await page.click('button.primary');
  await page.locator('.console li.sys', { hasText: /Finished in|Run cancelled|Error:/ }).waitFor({ timeout });
  const ended = await page.evaluate(() => performance.now());
  // The timeline is readable once its chart shows every row's count and a canvas.
  await page.waitForFunction((n) => Number(document.querySelector('.timeline')?.getAttribute('data-rows')) >= n && document.querySelector('.timeline canvas'), USERS);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const drawn = await page.evaluate(() => performance.now());
  const long = await page.evaluate(() => /** @type {any} */ (window).__long);
  return { run: ended - t0, timelineAfter: drawn - ended, long: long.filter((e) => e.start >= t0 && e.start <= ended), after: long.filter((e) => e.start > ended) };
}

function judge(what, r) {
  const max = Math.max(0, ...r.long.map((e) => e.ms));
  console.log(`# ${what}: run ${r.run.toFixed(0)} ms, ${r.long.length} long tasks during it (longest ${max.toFixed(0)} ms), ` +
    `timeline drawn ${r.timelineAfter.toFixed(0)} ms after the end, long tasks after: ${r.after.map((e) => e.ms.toFixed(0)).join(', ') || 'none'}`);
  // Idle machine: none. Loaded: a few stretched turns, never the whole run in one task.
  assert.ok(r.long.length <= 3 && max <= 250, `${what}: ${r.long.length} long tasks, longest ${max.toFixed(0)} ms`);
  assert.ok(r.timelineAfter < 1000, `${what}: the timeline took ${r.timelineAfter.toFixed(0)} ms after the end`);
}

/** The chart's canvas: drawn (not blank) and of bounded size whatever the row count. */
async function canvasInfo(page) {
  return page.evaluate(() => {
    const c = /** @type {HTMLCanvasElement} */ (document.querySelector('.timeline canvas'));
    const ctx = c.getContext('2d');
    const d = ctx?.getImageData(0, 0, c.width, c.height).data ?? new Uint8ClampedArray();
    let painted = 0;
    for (let i = 3; i < d.length; i += 4 * 7) if (d[i] > 0) painted++;
    return { width: c.width, height: c.height, cssHeight: c.getBoundingClientRect().height, painted };
  });
}

test('gather of 100,000 users on the virtual clock: the page keeps its turns, the timeline is drawn, bounded, scrolls and zooms', async () => {
  const { ctx, page, problems } = await newPage();
  await openPlayground(page, env.site.url, `?p=gather&users=${USERS}&clock=virtual`);
  const r = await runWatched(page);
  judge('gather 100k, virtual clock', r);
  assert.ok((await page.locator('.console .text').allTextContents()).includes(`Fetched ${USERS} users`));

  const c = await canvasInfo(page);
  assert.ok(c.cssHeight > 100 && c.cssHeight < 900, `canvas ${c.cssHeight}px tall`);
  assert.ok(c.painted > 500, `the canvas is drawn (${c.painted} painted samples)`);
  const label = await page.locator('.timeline').getAttribute('aria-label');
  assert.match(label ?? '', /100,00\d rows; density bands for .*×100,000; rows 1 to 12 shown/);
  assert.ok((label ?? '').length < 300, 'the label stays a sentence');
  await shot(page.locator('.chart-panel'), 'scale-virtual.png');

  // Scroll into the rows: the frame scrolls, the window follows.
  const scroller = page.locator('.timeline-scroll');
  assert.equal(await scroller.getAttribute('role'), 'region');
  await scroller.evaluate((el) => { el.scrollTop = el.scrollHeight / 2; });
  await page.waitForFunction(() => /rows 50,0\d\d to/.test(document.querySelector('.timeline')?.getAttribute('aria-label') ?? ''));
  assert.match(await page.locator('.timeline-note').innerText(), /scroll for more/);
  await shot(page.locator('.chart-panel'), 'scale-virtual-scrolled.png');
  // Keyboard: the frame is focusable and End reaches the last rows (the executor-less run's last task).
  await scroller.focus();
  await page.keyboard.press('End');
  await page.waitForFunction(() => /to 100,00\d shown/.test(document.querySelector('.timeline')?.getAttribute('aria-label') ?? ''));

  // Zoom: the buttons, a drag across the chart, a double click back to the whole run.
  const view = () => page.locator('.timeline').getAttribute('data-view');
  await page.click('.timeline-tools button:has-text("Zoom in")');
  const [a, b] = (await view() ?? '').split(',').map(Number);
  assert.ok(b - a > 0 && b - a < 0.6, `zoomed to ${a}–${b}`);
  await page.click('.timeline-tools button:has-text("Whole run")');
  assert.equal(await view(), '');
  const over = await page.locator('.timeline .u-over').boundingBox();
  assert.ok(over);
  await page.mouse.move(over.x + over.width * 0.1, over.y + 20);
  await page.mouse.down();
  await page.mouse.move(over.x + over.width * 0.3, over.y + 20, { steps: 4 });
  await page.mouse.up();
  const [c0, c1] = (await view() ?? '').split(',').map(Number);
  assert.ok(c1 > c0 && c1 - c0 < 0.3, `dragged to ${c0}–${c1}`);
  await shot(page.locator('.chart-panel'), 'scale-virtual-zoomed.png');
  await page.locator('.timeline .u-over').dblclick();
  assert.equal(await view(), '');
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('gather of 100,000 users on the real clock keeps the page responsive too', async () => {
  const { ctx, page, problems } = await newPage();
  await openPlayground(page, env.site.url, `?p=gather&users=${USERS}&delay=0.5`);
  const r = await runWatched(page);
  judge('gather 100k, real clock', r);
  const c = await canvasInfo(page);
  assert.ok(c.cssHeight > 100 && c.cssHeight < 900 && c.painted > 500, JSON.stringify(c));
  await shot(page.locator('.chart-panel'), 'scale-real.png');
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('a small run keeps its look: every row drawn, no zoom bar, no scrolling frame', async () => {
  const { ctx, page, problems } = await newPage();
  await openPlayground(page, env.site.url, '?p=gather&users=5&clock=virtual');
  await page.click('button.primary');
  await page.locator('.console li.sys', { hasText: 'Finished' }).waitFor({ timeout: 30_000 });
  await page.waitForFunction(() => document.querySelector('.timeline')?.getAttribute('data-rows') === '7' && document.querySelector('.timeline canvas'));
  assert.match(await page.locator('.timeline').getAttribute('aria-label') ?? '', /^Task timeline: 7 rows \(/);
  assert.equal(await page.locator('.timeline-tools').isHidden(), true);
  assert.equal(await page.locator('.timeline-scroll').getAttribute('role'), null);
  await shot(page.locator('.chart-panel'), 'scale-small.png');
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('at 100,000 users the trace downloads without blocking the page', async () => {
  const { ctx, page, problems } = await newPage({ acceptDownloads: true });
  await openPlayground(page, env.site.url, `?p=gather&users=${USERS}&clock=virtual`);
  await page.click('button.primary');
  await page.locator('.console li.sys', { hasText: 'Finished' }).waitFor({ timeout: 180_000 });
  await watchLongTasks(page);
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.click('text=Download trace')]);
  const long = await page.evaluate(() => /** @type {any} */ (window).__long);
  const path = await download.path();
  const json = JSON.parse(readFileSync(path, 'utf8'));
  const threads = json.traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name');
  console.log(`# trace download, 100k users: ${(statSync(path).size / 1e6).toFixed(1)} MB, ${json.traceEvents.length} events, long tasks: ${long.map((e) => e.ms.toFixed(0)).join(', ') || 'none'}`);
  assert.ok(threads.length > USERS, `${threads.length} threads`);
  assert.ok(long.length <= 3 && long.every((e) => e.ms < 250), JSON.stringify(long));
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('Step mode at 100,000 users: the stepped run shows, steps move, the page keeps its turns', async () => {
  const { ctx, page, problems } = await newPage();
  await openPlayground(page, env.site.url, `?p=gather&users=${USERS}&clock=virtual`);
  await watchLongTasks(page);
  const t0 = await page.evaluate(() => performance.now());
  await page.click('button.step-btn');
  await page.locator('.step-panel .step-pos').waitFor({ timeout: 300_000 });
  const shown = await page.evaluate(() => performance.now());
  await page.click('.step-panel button.step-end');
  await page.waitForFunction(() => /^Step (\d+) of \1 /.test(document.querySelector('.step-pos')?.textContent ?? ''));
  const pos = await page.locator('.step-pos').innerText();
  const long = await page.evaluate(() => /** @type {any} */ (window).__long);
  console.log(`# Step mode, 100k users: shown after ${(shown - t0).toFixed(0)} ms; ${pos}; long tasks: ${long.map((e) => e.ms.toFixed(0)).join(', ') || 'none'}`);
  await shot(page.locator('.step-panel'), 'scale-steps.png');
  assert.ok(long.length <= 3 && long.every((e) => e.ms < 250), JSON.stringify(long));
  assert.deepEqual(problems, []);
  await ctx.close();
});
