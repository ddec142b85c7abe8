// Step mode with "CPython too" in Chromium: CPython (Pyodide, from the build, loaded when the switch is
// turned on and not before) steps the Python original beside the C++ engine's records. gather and wait
// agree at every step, forward, back and by jumps; an edited program (a changed delay) shows the
// differing fields marked in words; axe-core finds nothing in the lockstep view; screenshots of a step
// where both agree go to /tmp/shots (AIO_LOCKSTEP_SHOTS).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setup, serveHost, guard, openPlayground, ROOT } from './helpers.js';

const AXE = join(ROOT, 'node_modules/axe-core/axe.min.js');
const SHOTS = process.env.AIO_LOCKSTEP_SHOTS || '/tmp/shots';
const LOAD_MS = 180_000;

let env;
let ctx;
let page;
const problems = [];
const requests = [];
before(async () => {
  env = await setup();
  mkdirSync(SHOTS, { recursive: true });
  // bypassCSP: axe-core is injected as a script tag (a11y.test.js does the same); nothing else needs it.
  ctx = await env.browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  page = await ctx.newPage();
  guard(page, problems);
  ctx.on('request', (r) => requests.push(r.url()));
});
after(async () => { await env?.teardown(); });

const pyodideFetched = () => requests.some((u) => u.includes('/pyodide/'));

/** The step on screen: its position, the C++ task rows, and what the CPython box shows. */
async function shown() {
  return page.evaluate(() => {
    const text = (sel) => document.querySelector(sel)?.textContent ?? '';
    return {
      pos: text('.step-pos'),
      verdict: text('.ls-verdict'),
      verdictKind: document.querySelector('.ls-verdict')?.getAttribute('data-verdict') ?? null,
      cppTasks: [...document.querySelectorAll('.step-tasks .step-rows .tr')].map((tr) => [tr.children[0].textContent, tr.children[1].textContent]),
      pyTasks: [...document.querySelectorAll('.ls-tasks tbody tr')].map((tr) => [tr.children[0].textContent, tr.children[1].textContent]),
      pyRan: text('.ls-field[data-field="ran"] .ls-py'),
      marked: [...document.querySelectorAll('.step-beside .ls-diff')].map((e) => e.textContent),
      pythonMarks: [...document.querySelectorAll('#panel-python .line.step-at')].map((l) => l.dataset.tasks),
    };
  });
}

async function startSteps() {
  await page.locator('button.step-btn').click();
  await page.locator('.step-panel .step-pos', { hasText: /^Step \d+ of \d+/ }).waitFor({ timeout: 30_000 });
}

/** Turns "CPython too" on and waits until CPython's records are beside; returns the status line. */
async function cpythonToo() {
  await page.locator('#step-python').check();
  await page.locator('.step-py-status', { hasText: /agrees|could not|cannot|in progress/ }).waitFor({ timeout: LOAD_MS });
  return page.locator('.step-py-status').textContent();
}

/** Clicks a step control and waits until the step shown changes. */
async function move(selector) {
  const before = await page.locator('.step-pos').textContent();
  await page.locator(selector).click();
  await page.waitForFunction((b) => document.querySelector('.step-pos')?.textContent !== b, before);
  return shown();
}

const stepOf = (s) => Number(/^Step (\d+)/.exec(s.pos)[1]);
const countOf = (s) => Number(/of (\d+)/.exec(s.pos)[1]);

/** Every step, forward, then back from the end, then by jumps: each must say identical, and the CPython
 *  box must list the same tasks in the same states (CPython's "pending" is the port's "ready"). */
async function everyStepAgrees(what) {
  const first = await shown();
  const count = countOf(first);
  const seen = [];
  const check = (s) => {
    assert.match(s.verdict.trim(), new RegExp(`^= Step ${stepOf(s)}: identical( but for the order of ran \\(a set’s order\\))?$`), `${what}, ${s.pos}: ${JSON.stringify(s)}`);
    assert.equal(s.verdictKind, 'identical');
    assert.deepEqual(s.marked, [], `${what}, ${s.pos}: nothing marked`);
    const norm = (rows) => rows.map(([n, st]) => [n, st === 'pending' ? 'ready' : st]);
    assert.deepEqual(norm(s.pyTasks), norm(s.cppTasks.filter(([n]) => !n.includes(' (job '))), `${what}, ${s.pos}: the same tasks`);
  };
  check(first);
  seen.push(first);
  for (let k = 2; k <= count; k++) {
    const s = await move('.step-next');
    assert.equal(stepOf(s), k);
    check(s);
    seen.push(s);
  }
  for (let k = count - 1; k >= 1; k--) {
    const s = await move('.step-prev');
    assert.equal(stepOf(s), k);
    check(s);
    assert.deepEqual(s, seen[k - 1], `${what}: step ${k} going back is what it was going forward`);
  }
  const end = await move('.step-end');
  assert.equal(stepOf(end), count);
  check(end);
  await page.locator('#step-scrub').evaluate((el, v) => { el.value = v; el.dispatchEvent(new Event('input', { bubbles: true })); }, String(Math.ceil(count / 2)));
  await page.waitForFunction((k) => document.querySelector('.step-pos')?.textContent.startsWith(`Step ${k} `), Math.ceil(count / 2));
  check(await shown());
  return { count, seen };
}

test('gather stepped in lockstep: CPython is loaded only when asked, then agrees at every step, forward, back and by jumps', async () => {
  await openPlayground(page, env.site.url, '?p=gather&users=3');
  await startSteps();
  assert.equal(await page.locator('.step-beside').isHidden(), true);
  assert.equal(pyodideFetched(), false, 'no Pyodide file before "CPython too"');
  const status = await cpythonToo();
  assert.ok(pyodideFetched(), 'CPython came from the build');
  const { count, seen } = await everyStepAgrees('gather');
  assert.match(status, new RegExp(`^CPython 3\\.\\d+\\.\\d+ agrees with the C\\+\\+ port at every one of the ${count} steps\\.$`));
  // The Python pane marks where CPython's tasks are: step 2 has the three fetches at their sleep.
  assert.ok(seen[1].pythonMarks.includes('Task-2 +2'), JSON.stringify(seen[1]));
  assert.equal(seen[1].pyRan, 'Task-2, Task-3, Task-4');

  // Screenshots of a step where both agree (step 2): desktop light, phone dark.
  await page.locator('.step-start').click();
  await move('.step-next');
  await page.locator('.step-panel').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, 'lockstep-desktop-light.png') });
  await page.locator('.step-panel').screenshot({ path: join(SHOTS, 'lockstep-panel-desktop-light.png') });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
  await page.setViewportSize({ width: 375, height: 740 });
  await page.locator('.step-beside').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, 'lockstep-phone-dark.png') });
  await page.locator('.step-panel').screenshot({ path: join(SHOTS, 'lockstep-panel-phone-dark.png') });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1280, height: 900 });

  // Off: CPython's record goes; on again: back at once (CPython stays loaded).
  await page.locator('#step-python').uncheck();
  assert.equal(await page.locator('.step-beside').isHidden(), true);
  const t0 = Date.now();
  await cpythonToo();
  console.log(`# gather users=3: ${count} steps agree; "CPython too" again took ${Date.now() - t0} ms`);
});

test('wait stepped in lockstep agrees at every step, at the defaults and at other parameters', async () => {
  for (const query of ['?p=wait', '?p=wait&delays=0.1,0.05,0.15&return_when=ALL_COMPLETED']) {
    await openPlayground(page, env.site.url, query);
    await startSteps();
    const status = await cpythonToo();
    const { count } = await everyStepAgrees(`wait ${query}`);
    assert.match(status, new RegExp(`^CPython 3\\.\\d+\\.\\d+ agrees with the C\\+\\+ port at every one of the ${count} steps\\.$`));
  }
});

test('the executor is not stepped in CPython (its jobs need threads), and the page says why', async () => {
  await openPlayground(page, env.site.url, '?p=executor');
  await startSteps();
  const status = await cpythonToo();
  assert.match(status, /run_in_executor: the executor's jobs need threads, which CPython in the page \(Pyodide\) cannot start/);
  assert.equal(await page.locator('#step-python').isChecked(), false);
  assert.equal(await page.locator('.step-beside').isHidden(), true);
});

/** The Python pane's editor, with `from` replaced by `to` in its program (pasted: one edit). */
async function editProgram(from, to) {
  if (await page.locator('.py-editor').count() === 0) await page.locator('#edit-python').click();
  await page.locator('.py-editor .cm-content').waitFor({ timeout: LOAD_MS });
  const text = readFileSync(join(ROOT, 'native/patterns/python/gather.py'), 'utf8');
  assert.ok(text.includes(from));
  await page.locator('.py-editor .cm-content').click();
  await page.keyboard.press('Control+A');
  await page.locator('.py-editor .cm-content').evaluate((el, t) => {
    const data = new DataTransfer();
    data.setData('text/plain', t);
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, text.replace(from, to));
}

/** axe's violations on the page as it is now, every theme and width. */
async function axeAll(what) {
  const found = [];
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.waitForFunction((s) => document.documentElement.dataset.theme === s, scheme);
    for (const viewport of [{ width: 1280, height: 900 }, { width: 375, height: 740 }]) {
      await page.setViewportSize(viewport);
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const v = await page.evaluate(async () => {
        const r = await /** @type {any} */ (window).axe.run(document, { resultTypes: ['violations'] });
        return r.violations.flatMap((x) => x.nodes.map((n) => `${x.id} (${x.impact}) ${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g, ' ')}`));
      });
      found.push(...v.map((x) => `${what}, ${scheme}, ${viewport.width}px: ${x}`));
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1280, height: 900 });
  return found;
}

test('an edited program (a changed delay) steps too: the differing fields are marked, in words, and the verdict names them', async () => {
  await openPlayground(page, env.site.url, '?p=gather&users=3');
  await editProgram('await asyncio.sleep(P["delay"])', 'await asyncio.sleep(P["delay"] * 2)');
  await startSteps();
  const status = await cpythonToo();
  assert.match(status, /^CPython 3\.\d+\.\d+ agrees with the C\+\+ port at \d+ of \d+ steps/);
  assert.match(await page.locator('.ls-note').first().textContent(), /edited Python program against the unedited C\+\+ port/);
  const first = await shown();
  assert.equal(first.verdictKind, 'identical', 'step 1: main started gather in both');
  // Step 2: the fetches sleep until 1.0 s in CPython, 0.5 s in C++.
  const second = await move('.step-next');
  assert.equal(second.verdictKind, 'different');
  assert.equal(second.verdict.trim(), '≠ Step 2: differs in: Task-2.until, Task-3.until, Task-4.until');
  const cell = page.locator('.ls-tasks td.ls-diff[data-field="Task-2.until"]');
  assert.equal((await cell.textContent()).replace(/\s+/g, ' '), '1.0 s ≠ — differs; C++: 0.5 s');
  assert.equal(await page.locator('.ls-tasks td.ls-diff').count(), 3);
  await page.locator('.step-panel').screenshot({ path: join(SHOTS, 'lockstep-edited-differs-desktop-light.png') });
  // Step 3: the timers fire at 1.0 s in CPython.
  const third = await move('.step-next');
  assert.match(third.verdict, /differs in: time\b/);
  assert.match(await page.locator('.ls-field.ls-diff[data-field="time"]').textContent(), /1\.0 s \(iteration 3\).*C\+\+: 0\.5 s \(iteration 3\)/);
  const violations = await axeAll('lockstep, a step that differs');
  await page.locator('.step-start').click();
  await page.waitForFunction(() => document.querySelector('.step-pos')?.textContent.startsWith('Step 1 '));
  violations.push(...await axeAll('lockstep, a step that agrees'));
  assert.deepEqual(violations, []);
});

test('a program that never ends: turning "CPython too" off stops its stepped run; on again, CPython is loaded again and agrees', async () => {
  await openPlayground(page, env.site.url, '?p=gather&users=3');
  await editProgram('    users = await fetch_all_users(user_ids)\n', '    while True:\n        await asyncio.sleep(1)\n    users = await fetch_all_users(user_ids)\n');
  await startSteps();
  await page.locator('#step-python').check();
  await page.locator('.step-py-status', { hasText: 'Stepping the Python program' }).waitFor({ timeout: LOAD_MS });
  await page.waitForTimeout(500);
  await page.locator('#step-python').uncheck();
  assert.equal(await page.locator('.step-py-status').textContent(), '');
  await page.locator('#revert-python').click(); // the original again (this leaves Step mode)
  await startSteps();
  const status = await cpythonToo();
  assert.match(status, /^CPython 3\.\d+\.\d+ agrees with the C\+\+ port at every one of the \d+ steps\.$/);
});

test('the embed: aio:step with engine "python" from another origin answers with CPython\'s record beside, identical at every step', async () => {
  const host = await serveHost(env.site.url);
  try {
    const p = await ctx.newPage();
    guard(p, problems);
    await p.goto(`${host.url}host.html?src=${encodeURIComponent(env.site.url + 'embed.html?p=gather')}`);
    await p.waitForFunction(() => window.msgs.some((m) => m.data.type === 'aio:ready'), null, { timeout: 30_000 });
    const answer = (id) => p.waitForFunction((i) => window.msgs.find((m) => m.data.id === i && (m.data.type === 'aio:state' || m.data.type === 'aio:error'))?.data ?? null, id, { timeout: LOAD_MS }).then((h) => h.jsonValue());
    await p.evaluate(() => window.send({ type: 'aio:step', pattern: 'gather', params: { users: '3' }, engine: 'python', id: 'ls1' }));
    const first = await answer('ls1');
    assert.equal(first.type, 'aio:state', JSON.stringify(first));
    assert.equal(first.step, 1);
    assert.deepEqual(first.python.differs, []);
    assert.equal(first.python.record.iteration, 1);
    assert.deepEqual(first.python.record.ran, first.ran);
    assert.equal(await p.evaluate(() => window.msgs.filter((m) => m.data.id === 'ls1').length), 1, 'one answer');
    for (let k = 2; k <= first.count; k++) {
      await p.evaluate((id) => window.send({ type: 'aio:step', to: 'next', id }), `ls${k}`);
      const s = await answer(`ls${k}`);
      assert.equal(s.step, k);
      assert.deepEqual(s.python.differs, [], JSON.stringify(s));
      assert.equal(s.python.record.iteration, s.iteration);
    }
    await p.evaluate(() => window.send({ type: 'aio:step', to: 'start', engine: 'cpp', id: 'off' }));
    const off = await answer('off');
    assert.equal(off.step, 1);
    assert.equal(off.python, undefined, 'CPython off: no record beside');
    await p.close();
  } finally {
    await host.close();
  }
});

test('the page reported no errors, and nothing came from outside localhost', () => {
  assert.deepEqual(requests.filter((u) => !/^https?:\/\/(127\.0\.0\.1|localhost)(:\d+)?\//.test(u) && !u.startsWith('data:') && !u.startsWith('blob:')), []);
  assert.deepEqual(problems, []);
});
