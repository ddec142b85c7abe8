// Step mode in Chromium: gather and wait stepped forward and back (the event loop panel, the lines
// marked in both source panes, the narration, the timeline's cursor), a shared &step= link, the cost of
// a step with a hundred tasks (printed, not asserted), the embed's aio:step from another origin, axe-core
// over the Step panel, and screenshots of it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setup, serveHost, guard, openPlayground, ROOT, SHOTS } from './helpers.js';

const AXE = join(ROOT, 'node_modules/axe-core/axe.min.js');

let env;
let host;
before(async () => {
  env = await setup();
  mkdirSync(SHOTS, { recursive: true });
  host = await serveHost(env.site.url);
});
after(async () => { await host?.close(); await env?.teardown(); });

async function open(query, opts = {}) {
  const ctx = await env.browser.newContext({ viewport: { width: 1280, height: 900 }, ...opts });
  const page = await ctx.newPage();
  const problems = [];
  guard(page, problems);
  await openPlayground(page, env.site.url, query);
  return { ctx, page, problems };
}

/** Everything Step mode shows for the step on screen. */
async function shown(page) {
  return page.evaluate(() => {
    const text = (sel) => document.querySelector(sel)?.textContent ?? '';
    const marks = (lang) => [...document.querySelectorAll(`#panel-${lang} .line.step-at`)].map((l) => ({
      tasks: l.dataset.tasks, ran: l.classList.contains('step-ran'), code: l.textContent.trim(),
    }));
    return {
      pos: text('.step-pos'),
      narration: text('.step-narration'),
      ready: [...document.querySelectorAll('.step-chips .chip')].map((c) => c.textContent),
      timers: [...document.querySelectorAll('.step-timers li')].map((c) => c.textContent),
      tasks: [...document.querySelectorAll('.step-tasks .step-rows .tr')].map((tr) => [...tr.children].map((c) => c.textContent)),
      cpp: marks('cpp'),
      python: marks('python'),
      output: [...document.querySelectorAll('.console li.line .text')].map((t) => t.textContent),
      cursor: document.querySelector('.timeline')?.dataset.cursor,
      url: location.search,
    };
  });
}

async function startSteps(page) {
  await page.locator('button.step-btn').click();
  await page.locator('.step-panel .step-pos', { hasText: /^Step \d+ of \d+/ }).waitFor({ timeout: 30_000 });
}

/** Presses a key on the page (not in a field) and waits until the step shown changes. */
async function press(page, key) {
  const before = await page.locator('.step-pos').textContent();
  await page.locator('.step-narration').click();
  await page.keyboard.press(key);
  await page.waitForFunction((b) => document.querySelector('.step-pos')?.textContent !== b, before);
  return shown(page);
}

test('gather, stepped forward and back: the panel, both panes, the narration, the cursor, the URL', async () => {
  const { ctx, page, problems } = await open('?p=gather&users=3');
  await startSteps(page);
  const first = await shown(page);
  const count = Number(/of (\d+)/.exec(first.pos)[1]);
  assert.ok(count >= 6, first.pos);
  assert.match(first.pos, /^Step 1 of \d+ · iteration 1 · loop time 0\.0 s$/);
  // main ran: gather started the three fetches, main waits for it
  assert.equal(first.narration, 'Task-1 ran and waits for gather');
  assert.deepEqual(first.ready.map((c) => c.trim()), ['Task-2', 'Task-3', 'Task-4']);
  assert.deepEqual(first.tasks.map((r) => r.slice(0, 3)), [
    ['Task-1', 'waiting', 'gather'], ['Task-2', 'ready', ''], ['Task-3', 'ready', ''], ['Task-4', 'ready', '']]);
  // Task-1 suspended at the gather line in C++ and in Python at once
  const gatherCpp = first.cpp.find((m) => m.tasks === 'Task-1');
  const gatherPy = first.python.find((m) => m.tasks === 'Task-1');
  assert.match(gatherCpp.code, /co_await aio::gather/);
  assert.match(gatherPy.code, /await asyncio\.gather/);
  assert.ok(gatherCpp.ran && gatherPy.ran);
  assert.equal(first.cursor, '0');
  assert.match(first.url, /[?&]step=1(&|$)/);

  // → : the fetches run and sleep
  const second = await press(page, 'ArrowRight');
  assert.match(second.pos, /^Step 2 of/);
  assert.equal(second.narration, 'Task-2, Task-3 and Task-4 ran and each sleeps until 0.5 s');
  assert.deepEqual(second.timers, ['0.5 s Task-2', '0.5 s Task-3', '0.5 s Task-4']);
  const sleepCpp = second.cpp.find((m) => m.tasks === 'Task-2 +2');
  const sleepPy = second.python.find((m) => m.tasks === 'Task-2 +2');
  assert.match(sleepCpp.code, /co_await aio::sleep\(delay\)/);
  assert.match(sleepPy.code, /await asyncio\.sleep/);
  assert.ok(sleepCpp.ran);
  assert.ok(!second.cpp.find((m) => m.tasks === 'Task-1').ran, 'main did not run in step 2');
  // the URL follows (at most every 200 ms)
  await page.waitForFunction(() => /[?&]step=2(&|$)/.test(location.search));

  const third = await press(page, 'ArrowRight');
  assert.equal(third.narration, 'the timers for Task-2, Task-3 and Task-4 fired; they run next iteration');
  assert.equal(third.cursor, '0.5');
  const canvas = await page.locator('.timeline canvas').first().screenshot();
  assert.ok(canvas.length > 0);

  // forward to gather's completion, then to the end
  let s = third;
  const narrations = [];
  for (let k = 4; k <= count; k++) {
    s = await press(page, 'ArrowRight');
    narrations.push(s.narration);
  }
  assert.ok(narrations.includes('gather has all results; Task-1 resumes'), narrations.join('\n'));
  assert.ok(narrations.some((n) => n.startsWith("Task-1 ran: it printed 'Fetched 3 users' and finished")), narrations.join('\n'));
  assert.deepEqual(s.output, ['Fetched 3 users']);
  assert.equal(s.tasks[0][1], 'done');
  assert.deepEqual(s.cpp, [], 'no live task once the run is over');
  assert.ok(await page.locator('.step-next').isDisabled());

  // ← back to step 2 is exactly what step 2 showed going forward (only the URL's step differs)
  await page.keyboard.press('Home');
  await page.waitForFunction(() => document.querySelector('.step-pos')?.textContent.startsWith('Step 1 '));
  assert.deepEqual({ ...(await shown(page)), url: '' }, { ...first, url: '' });
  await page.keyboard.press('End');
  await page.waitForFunction((c) => document.querySelector('.step-pos')?.textContent.startsWith(`Step ${c} `), count);
  for (let k = count; k > 2; k--) await press(page, 'ArrowLeft');
  assert.deepEqual({ ...(await shown(page)), url: '' }, { ...second, url: '' });
  assert.deepEqual((await shown(page)).output, [], 'nothing printed by step 2');

  // the scrubber and "Next print"
  await page.locator('#step-scrub').fill(String(count));
  await page.waitForFunction((c) => document.querySelector('.step-pos')?.textContent.startsWith(`Step ${c} `), count);
  await page.locator('.step-start').click();
  await page.locator('.step-print').click();
  assert.deepEqual((await shown(page)).output, ['Fetched 3 users']);

  // a parameter change leaves Step mode and the URL its step
  await page.locator('.step-close').click();
  assert.equal(await page.locator('.step-panel').count(), 0);
  assert.doesNotMatch(await page.evaluate(() => location.search), /step=/);
  assert.equal(await page.locator('#panel-cpp .line.step-at').count(), 0);
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('wait, stepped: timers, the first completed, stepping back; Play plays to the end', async () => {
  const { ctx, page, problems } = await open('?p=wait');
  await startSteps(page);
  const seen = [await shown(page)];
  const count = Number(/of (\d+)/.exec(seen[0].pos)[1]);
  for (let k = 1; k < count; k++) seen.push(await press(page, 'ArrowRight'));
  const all = seen.map((s) => s.narration);
  assert.ok(all.some((n) => /^the timer for Task-\d+ fired; Task-\d+ runs next iteration$/.test(n)), all.join('\n'));
  assert.ok(seen.at(-1).output.includes('First completed: Task 1'), JSON.stringify(seen.at(-1).output));
  // every step has both panes marked while a task lives, and the marks agree on the tasks
  for (const s of seen.slice(0, -1)) {
    assert.ok(s.cpp.length > 0 && s.python.length > 0, s.pos);
    assert.deepEqual(s.cpp.map((m) => m.tasks).sort(), s.python.map((m) => m.tasks).sort(), s.pos);
  }
  for (let k = count - 1; k >= 1; k--) {
    const back = await press(page, 'ArrowLeft');
    assert.deepEqual({ ...back, url: '' }, { ...seen[k - 1], url: '' }, `back at step ${k}`);
  }
  await page.selectOption('#step-speed', '8');
  await page.locator('.step-play').click();
  await page.waitForFunction((c) => document.querySelector('.step-pos')?.textContent.startsWith(`Step ${c} `), count, { timeout: 30_000 });
  await page.locator('.step-play', { hasText: 'Play' }).waitFor();
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('a shared &step= link opens Step mode at that iteration', async () => {
  const { ctx, page, problems } = await open('?p=gather&users=3&step=4');
  await page.locator('.step-pos', { hasText: /^Step 4 of/ }).waitFor({ timeout: 30_000 });
  const s = await shown(page);
  assert.match(s.url, /[?&]step=4(&|$)/);
  assert.match(await page.locator('#share-url').inputValue(), /[?&]users=3&step=4$/);
  assert.ok(s.tasks.length === 4);
  // a step beyond the run: the last one, and a notice that says so
  await page.goto(`${env.site.url}index.html?p=gather&users=3&step=999`);
  await page.locator('.step-pos', { hasText: /^Step (\d+) of \1 ·/ }).waitFor({ timeout: 30_000 });
  assert.match(await page.locator('.messages .msg-notice').first().textContent(), /^Step 999 is out of range \[1, \d+\]; showing the last step$/);
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('a step of gather with 100 tasks (figure printed, not asserted)', async (t) => {
  const { ctx, page, problems } = await open('?p=gather&users=100');
  await startSteps(page);
  // 101 tasks in the table, of which only the rows in view are in the document
  assert.equal(await page.locator('.step-tasks').getAttribute('aria-rowcount'), '102');
  assert.ok(await page.locator('.step-tasks .step-rows .tr').count() < 30);
  await page.locator('.step-table-wrap').evaluate((el) => { el.scrollTop = el.scrollHeight; });
  await page.locator('.step-rows .tr[aria-rowindex="102"] .name', { hasText: 'Task-101' }).waitFor();
  // The synchronous work of a step: the key's handler and the style and layout it leaves for the next
  // frame, with the Step panel in view and then with the source panes in view (where the marked lines
  // are scrolled to). Median of 40 steps after 8 to warm up.
  const measure = () => page.evaluate(async () => {
    const times = [];
    for (let i = 0; i < 48; i++) {
      const t0 = performance.now();
      document.dispatchEvent(new KeyboardEvent('keydown', { key: i % 8 < 4 ? 'ArrowRight' : 'ArrowLeft', bubbles: true }));
      void document.body.offsetHeight;
      if (i >= 8) times.push(performance.now() - t0);
      await new Promise((r) => requestAnimationFrame(() => r(undefined)));
    }
    times.sort((a, b) => a - b);
    return { median: times[times.length >> 1], max: times[times.length - 1], n: times.length };
  });
  const figures = [];
  for (const [where, sel] of [['Step panel in view', '.step-panel'], ['source panes in view', '.code-panel']]) {
    await page.locator(sel).scrollIntoViewIfNeeded();
    const f = await measure();
    figures.push(`${where}: ${f.median.toFixed(2)} ms a step (median of ${f.n}), slowest ${f.max.toFixed(2)} ms`);
  }
  for (const f of figures) {
    t.diagnostic(`Step mode, gather users=100 (101 tasks), ${f}`);
    console.log(`# step cost, gather users=100, ${f}`);
  }
  assert.deepEqual(problems, []);
  await ctx.close();
});

const byId = (page, id, type) => page.waitForFunction(([i, ty]) => window.msgs.find((m) => m.data && m.data.id === i && m.data.type === ty)?.data ?? null,
  [id, type], { timeout: 30_000 }).then((h) => h.jsonValue());

test('the embed steps on aio:step from another origin and answers aio:state', async () => {
  const ctx = await env.browser.newContext();
  const page = await ctx.newPage();
  const problems = [];
  guard(page, problems);
  await page.goto(`${host.url}host.html?src=${encodeURIComponent(`${env.site.url}embed.html?p=wait`)}`);
  await page.waitForFunction(() => window.msgs.some((m) => m.data && m.data.type === 'aio:ready'), null, { timeout: 30_000 });
  const frame = page.frames().find((f) => f.url().startsWith(env.site.url));

  await page.evaluate(() => window.send({ type: 'aio:step', pattern: 'gather', params: { users: '3' }, id: 1 }));
  const s1 = await byId(page, 1, 'aio:state');
  assert.deepEqual(Object.keys(s1), ['type', 'iteration', 'time', 'ran', 'callbacks', 'printed', 'ready', 'timers', 'tasks', 'step', 'count', 'id']);
  assert.equal(s1.step, 1);
  assert.deepEqual(s1.ran, ['Task-1']);
  assert.deepEqual(s1.ready, ['Task-2', 'Task-3', 'Task-4']);
  assert.deepEqual(Object.keys(s1.tasks[0]), ['name', 'state', 'cpp_line', 'py_line', 'awaiting', 'until', 'result']);
  assert.deepEqual([s1.tasks[0].state, s1.tasks[0].awaiting], ['waiting', 'gather']);
  assert.equal(typeof s1.tasks[0].cpp_line, 'number');
  assert.equal(typeof s1.tasks[0].py_line, 'number');
  const count = s1.count;
  assert.ok(count >= 6);
  assert.match(await frame.locator('.step-pos').textContent(), /^Step 1 of/);

  await page.evaluate(() => window.send({ type: 'aio:step', to: 'next', id: 2 }));
  const s2 = await byId(page, 2, 'aio:state');
  assert.equal(s2.step, 2);
  assert.deepEqual(s2.timers, [{ task: 'Task-2', at: 0.5 }, { task: 'Task-3', at: 0.5 }, { task: 'Task-4', at: 0.5 }]);
  await page.evaluate(() => window.send({ type: 'aio:step', id: 3 })); // no `to`: the next step
  assert.equal((await byId(page, 3, 'aio:state')).step, 3);
  await page.evaluate(() => window.send({ type: 'aio:step', to: 'end', id: 4 }));
  const end = await byId(page, 4, 'aio:state');
  assert.equal(end.step, count);
  assert.equal(end.tasks[0].state, 'done');
  await page.evaluate(() => window.send({ type: 'aio:step', to: 'next', id: 41 })); // at the end: stays, still answers
  assert.equal((await byId(page, 41, 'aio:state')).step, count);
  await page.evaluate(() => window.send({ type: 'aio:step', to: 'prev', id: 5 }));
  assert.equal((await byId(page, 5, 'aio:state')).step, count - 1);
  await page.evaluate(() => window.send({ type: 'aio:step', to: 2, id: 6 }));
  assert.deepEqual({ ...(await byId(page, 6, 'aio:state')), id: 2 }, s2, 'step 2 again is the same record');
  // refused: out of range, bad values, clock or scale; malformed shapes get no answer at all
  await page.evaluate(() => window.send({ type: 'aio:step', to: 999, id: 7 }));
  assert.match((await byId(page, 7, 'aio:error')).message, /^step 999 is out of range \[1, \d+\]$/);
  await page.evaluate(() => window.send({ type: 'aio:step', pattern: 'gather', params: { users: '-1' }, id: 8 }));
  assert.match((await byId(page, 8, 'aio:error')).message, /^gather parameter 'users': -1 is out of range/);
  await page.evaluate(() => window.send({ type: 'aio:step', params: { clock: 'real' }, id: 9 }));
  assert.match((await byId(page, 9, 'aio:error')).message, /virtual clock/);
  await page.evaluate(() => window.send({ type: 'aio:step', pattern: 'nope', id: 10 }));
  assert.match((await byId(page, 10, 'aio:error')).message, /unknown pattern/);
  await page.evaluate(() => { window.send({ type: 'aio:step', to: 'later', id: 11 }); window.send({ type: 'aio:step', to: 0, id: 12 }); });
  // params alone restart the pattern shown
  await page.evaluate(() => window.send({ type: 'aio:step', params: { users: '2' }, to: 2, id: 13 }));
  const s13 = await byId(page, 13, 'aio:state');
  assert.equal(s13.step, 2);
  assert.equal(s13.tasks.length, 3);
  assert.equal(await page.evaluate(() => window.msgs.filter((m) => [11, 12].includes(m.data.id)).length), 0);
  // while a run goes, stepping is refused; a run leaves Step mode
  await page.evaluate(() => window.send({ type: 'aio:run', pattern: 'gather', params: { delay: '30', clock: 'real' }, id: 14 }));
  await frame.locator('#stop:enabled').waitFor();
  assert.equal(await frame.locator('.step-panel').count(), 0);
  await page.evaluate(() => window.send({ type: 'aio:step', to: 'next', id: 15 }));
  assert.match((await byId(page, 15, 'aio:error')).message, /a run is already in progress/);
  await page.evaluate(() => window.send({ type: 'aio:stop', id: 16 }));
  assert.equal((await byId(page, 14, 'aio:done')).cancelled, true);
  assert.ok(await page.evaluate((o) => window.msgs.every((m) => m.origin === o), new URL(env.site.url).origin));
  assert.deepEqual(problems, []);
  await ctx.close();
});

test("the README's tutorial page steps the embed forward and back", async () => {
  const ctx = await env.browser.newContext();
  const page = await ctx.newPage();
  const problems = [];
  guard(page, problems);
  await page.goto(`${host.url}tutorial.html`);
  await page.locator('#step:enabled').waitFor({ timeout: 30_000 });
  await page.fill('#users', '2');
  await page.click('#step');
  await page.locator('#log', { hasText: /^step 1\/\d+ at 0s: ran Task-1; ready next: Task-2, Task-3$/m }).waitFor({ timeout: 30_000 });
  await page.click('#step');
  await page.locator('#log', { hasText: /^step 2\/\d+ at 0s: ran Task-2, Task-3; ready next: nothing$/m }).waitFor();
  await page.locator('#back:enabled').click();
  await page.waitForFunction(() => document.getElementById('log').textContent.trim().split('\n').length === 3);
  assert.match((await page.locator('#log').textContent()).trim().split('\n')[2], /^step 1\//);
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('the embed opens at &step=', async () => {
  const ctx = await env.browser.newContext();
  const page = await ctx.newPage();
  const problems = [];
  guard(page, problems);
  await page.goto(`${env.site.url}embed.html?p=gather&users=3&step=3`);
  await page.locator('.step-pos', { hasText: /^Step 3 of/ }).waitFor({ timeout: 30_000 });
  assert.equal(await page.locator('.step-narration').textContent(), 'the timers for Task-2, Task-3 and Task-4 fired; they run next iteration');
  await page.locator('.step-narration').click();
  await page.keyboard.press('ArrowLeft');
  await page.locator('.step-pos', { hasText: /^Step 2 of/ }).waitFor();
  assert.equal(new URL(page.url()).search, '?p=gather&users=3&step=3', 'the embed never rewrites its URL');
  assert.deepEqual(problems, []);
  await ctx.close();
});

async function axe(page) {
  await page.addScriptTag({ path: AXE });
  const found = await page.evaluate(async () => {
    const r = await /** @type {any} */ (window).axe.run(document, { resultTypes: ['violations'] });
    return r.violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}) ${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g, ' ')}`));
  });
  return found;
}

test('Step mode has no accessibility violation (light and dark, desktop and phone); screenshots', async () => {
  const views = [{ name: 'desktop', viewport: { width: 1280, height: 900 } }, { name: 'phone', viewport: { width: 375, height: 740 } }];
  const problems = [];
  for (const where of ['index.html?p=gather&users=3&step=2', 'embed.html?p=gather&users=3&step=2']) {
    const ctx = await env.browser.newContext({ bypassCSP: true, viewport: views[0].viewport });
    const page = await ctx.newPage();
    guard(page, problems);
    await page.goto(env.site.url + where);
    await page.locator('.step-pos', { hasText: /^Step 2 of/ }).waitFor({ timeout: 30_000 });
    for (const scheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.waitForFunction((s) => document.documentElement.dataset.theme === s, scheme);
      for (const view of views) {
        await page.setViewportSize(view.viewport);
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
        for (const v of await axe(page)) problems.push(`${where}, ${scheme}, ${view.name}: ${v}`);
        if (where.startsWith('index')) {
          await page.locator('.step-panel').scrollIntoViewIfNeeded();
          await page.screenshot({ path: join(SHOTS, `step-gather-${scheme}-${view.name}.png`), fullPage: true });
        }
      }
    }
    await ctx.close();
  }
  assert.deepEqual(problems, []);
});
