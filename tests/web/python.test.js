// CPython beside the C++: the playground's "Run in CPython too" (Pyodide from the build, loaded once
// for this file and the page reused; only the stop of a virtual-clock run loads it again, by design),
// every pattern on both engines with identical lines, the embed's engine: "python" from another
// origin, the Python pane's editor (an edited program's output, its traceback, the share link, the
// stop of a program that never ends), axe over the CPython panel, and nothing fetched from outside
// localhost.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { setup, serve, guard, openPlayground, DIST, ROOT } from './helpers.js';

/** The playground's first load (every file it fetches before anything is clicked), gzipped. */
// The target of the playground: under 250 KB.
const FIRST_LOAD_BUDGET = 250 * 1024;
const AXE = join(ROOT, 'node_modules/axe-core/axe.min.js');

const SHOTS = process.env.AIO_PYODIDE_SHOTS || '/tmp/pyodide-shots';

let env;
let page;
let ctx;
const problems = [];
const requests = [];
before(async () => {
  env = await setup();
  mkdirSync(SHOTS, { recursive: true });
  ctx = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await ctx.newPage();
  guard(page, problems);
  ctx.on('request', (r) => requests.push(r.url()));
});
after(async () => { await env?.teardown(); });

const outside = () => requests.filter((u) => !/^https?:\/\/(127\.0\.0\.1|localhost)(:\d+)?\//.test(u) && !u.startsWith('data:') && !u.startsWith('blob:'));

/** Clicks `button` and waits for the panel to count one more finished run. */
async function clickAndWait(button, timeout) {
  const runs = Number(await page.locator('.python-panel').getAttribute('data-runs') ?? 0);
  await page.locator(button).click();
  await page.waitForFunction((n) => Number(document.querySelector('.python-panel')?.getAttribute('data-runs') ?? 0) > n, runs, { timeout });
}

/** Clicks "Run in CPython too" and waits for the verdict; returns it with both columns of lines. */
async function runBoth(timeout = 180_000) {
  await clickAndWait('#run-python', timeout);
  await page.locator('.py-verdict[data-verdict]').waitFor({ timeout: 1000 });
  return page.evaluate(() => {
    const rows = [...document.querySelectorAll('.py-table tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent));
    return {
      verdict: document.querySelector('.py-verdict')?.getAttribute('data-verdict'),
      text: document.querySelector('.py-verdict')?.textContent,
      cpp: rows.map((r) => r[1]), py: rows.map((r) => r[3]),
      pyTimes: rows.map((r) => r[2]), cppTimes: rows.map((r) => r[0]),
      pyRows: Number(document.querySelector('.python-panel .timeline')?.getAttribute('data-rows') ?? 0),
    };
  });
}

/** The pattern `id` selected from the list, on `clock`, with `params` typed into the form. */
async function choose(id, clock, params = {}) {
  await page.locator(`#nav a[data-id="${id}"]`).click();
  await page.locator('select[name="clock"]').selectOption(clock);
  for (const [k, v] of Object.entries(params)) await page.locator(`#pattern form [name="${k}"]`).fill(v);
}

/** Another value for every parameter of the form: lists reversed, counts one less (or more), reals halved. */
async function otherParams() {
  const fields = await page.locator('#pattern form input[name]:not([name="scale"])').evaluateAll((is) => is.map((i) => [i.name, i.value]));
  const out = {};
  for (const [k, v] of fields) {
    if (v.includes(',')) out[k] = v.split(',').reverse().join(',');
    else if (/^\d+$/.test(v)) out[k] = String(Number(v) > 1 ? Number(v) - 1 : Number(v) + 1);
    else if (/^\d*\.?\d+$/.test(v)) out[k] = String(Number(v) / 2);
  }
  return out;
}

test('a cold load fetches nothing of Pyodide nor of the editor, within its budget; the first CPython run loads it from the build', async () => {
  await openPlayground(page, env.site.url, '?p=gather&clock=virtual');
  await page.waitForTimeout(1000);
  assert.deepEqual(requests.filter((u) => u.includes('/pyodide/') || /pyodide|python_stdlib/.test(u)), [], 'no Pyodide file before it is asked for');
  const first = [...new Set(requests.filter((u) => u.startsWith(env.site.url)).map((u) => new URL(u).pathname))];
  assert.deepEqual(first.filter((p) => /editor|codemirror/i.test(p)), [], 'no editor code before the editor is opened');
  const sizes = first.map((p) => [p, gzipSync(readFileSync(join(DIST, p)), { level: 9 }).length]);
  const total = sizes.reduce((a, [, n]) => a + n, 0);
  console.log(`# first load: ${first.length} files, ${(total / 1024).toFixed(1)} KB gzipped (${sizes.map(([p, n]) => `${p.split('/').pop()} ${(n / 1024).toFixed(1)}`).join(', ')})`);
  assert.ok(total < FIRST_LOAD_BUDGET, `the first load is ${total} bytes gzipped, over ${FIRST_LOAD_BUDGET}`);
  const t0 = Date.now();
  const r = await runBoth();
  const firstMs = Date.now() - t0;
  const loadMs = Number(await page.locator('.python-panel').getAttribute('data-load-ms'));
  assert.equal(r.verdict, 'identical', JSON.stringify(r));
  assert.deepEqual(r.py, ['Fetched 5 users']);
  await page.waitForFunction(() => Number(document.querySelector('.python-panel .timeline')?.getAttribute('data-rows')) >= 6, null, { timeout: 10_000 });
  assert.ok(requests.some((u) => u.endsWith('/pyodide/pyodide.asm.wasm')), 'the interpreter came from the build');
  await page.screenshot({ path: join(SHOTS, 'gather-both.png'), fullPage: true });
  const t1 = Date.now();
  const again = await runBoth();
  const secondMs = Date.now() - t1;
  assert.equal(again.verdict, 'identical');
  console.log(`# CPython: first run ${firstMs} ms (interpreter ready in ${loadMs} ms), second run ${secondMs} ms`);
});

test('every pattern prints the same lines in CPython as in C++, at the defaults and at other parameters (virtual clock)', async () => {
  const ids = await page.locator('#nav a').evaluateAll((as) => as.map((a) => a.dataset.id));
  assert.ok(ids.length >= 8);
  for (const id of ids) {
    await choose(id, 'virtual');
    const d = await runBoth();
    assert.equal(d.verdict, 'identical', `${id} at the defaults: ${JSON.stringify(d)}`);
    assert.ok(d.cpp.length > 0, `${id} printed`);
    const other = await otherParams();
    await choose(id, 'virtual', other);
    assert.equal(await page.locator('#pattern form [aria-invalid="true"]').count(), 0, `${id}: ${JSON.stringify(other)} accepted`);
    const o = await runBoth();
    assert.equal(o.verdict, 'identical', `${id} with ${JSON.stringify(other)}: ${JSON.stringify(o)}`);
    if (id === 'executor') assert.ok(await page.locator('.py-note').isVisible(), 'the inline executor is said');
  }
  await choose('timing', 'virtual');
  const t = await runBoth();
  assert.deepEqual(t.py, ['Sequential: 3.00s', 'Concurrent: 1.00s'], 'time.time() reads the virtual clock');
});

test('real clock: the same lines, the times side by side', async () => {
  for (const [id, params] of [['as-completed', { tasks: '3', scale: '0.25' }], ['gather', { delay: '0.2', scale: '1' }]]) {
    await choose(id, 'real', params);
    const r = await runBoth();
    assert.equal(r.verdict, 'identical', `${id}: ${JSON.stringify(r)}`);
    assert.ok(r.pyTimes.every((t) => t && t.trim()) && r.cppTimes.every((t) => t && t.trim()), 'both times shown');
  }
});

test('Stop during a real-clock CPython run ends it', async () => {
  await choose('gather', 'real', { delay: '30' });
  await page.locator('#run-python').click();
  await page.locator('.python-panel .console li.line').first().waitFor({ state: 'attached', timeout: 10_000 }).catch(() => undefined);
  await page.waitForTimeout(500);
  await page.locator('#stop-python').click();
  await page.locator('.python-panel .console li.sys', { hasText: /stopped|Finished|Error/ }).waitFor({ timeout: 10_000 });
  assert.ok(await page.locator('.python-panel .console li.sys', { hasText: 'CPython run stopped.' }).count() === 1);
  await page.locator('.py-verdict[data-verdict]').waitFor({ timeout: 10_000 });
  assert.equal(await page.locator('.python-panel .console li.line:not(.sys)').count(), 0, 'stopped before it printed');
});

test('the embed answers aio:run with engine "python" from another origin with CPython\'s lines', async () => {
  const host = await serve(null, { '/host.html': ['text/html; charset=utf-8', `<!doctype html><meta charset="utf-8"><title>host</title><link rel="icon" href="data:,">
<iframe id="f" width="800" height="400" sandbox="allow-scripts allow-same-origin"></iframe>
<script>
  window.msgs = [];
  const f = document.getElementById('f');
  addEventListener('message', (e) => { if (e.source === f.contentWindow) window.msgs.push(e.data); });
  f.src = new URLSearchParams(location.search).get('src');
  window.send = (m) => f.contentWindow.postMessage(m, new URL(f.src).origin);
</script>`] }, 'localhost');
  try {
    const p = await ctx.newPage();
    guard(p, problems);
    await p.goto(`${host.url}host.html?src=${encodeURIComponent(env.site.url + 'embed.html?p=gather&clock=virtual')}`);
    await p.waitForFunction(() => window.msgs.some((m) => m.type === 'aio:ready'), null, { timeout: 30_000 });
    await p.evaluate(() => window.send({ type: 'aio:run', pattern: 'gather', params: { users: 3, delay: '0.5', clock: 'virtual' }, engine: 'python', id: 'py1' }));
    const done = await p.waitForFunction(() => window.msgs.find((m) => m.id === 'py1' && (m.type === 'aio:done' || m.type === 'aio:error')) ?? null, null, { timeout: 180_000 }).then((h) => h.jsonValue());
    assert.equal(done.type, 'aio:done', JSON.stringify(done));
    assert.equal(done.engine, 'python');
    assert.deepEqual(done.lines.map((l) => l.text), ['Fetched 3 users']);
    assert.equal(done.timings.elapsed, 0.5);
    const lines = await p.evaluate(() => window.msgs.filter((m) => m.type === 'aio:line' && m.id === 'py1'));
    assert.ok(lines.length === 1 && lines[0].engine === 'python');
    await p.evaluate(() => window.send({ type: 'aio:run', pattern: 'gather', params: { users: 3, clock: 'virtual' }, id: 'c1' }));
    const cpp = await p.waitForFunction(() => window.msgs.find((m) => m.id === 'c1' && m.type === 'aio:done') ?? null, null, { timeout: 30_000 }).then((h) => h.jsonValue());
    assert.equal(cpp.engine, 'cpp');
    assert.deepEqual(cpp.lines.map((l) => l.text), done.lines.map((l) => l.text));
    await p.close();
  } finally {
    await host.close();
  }
});

/** The editor's text, as its lines show it (the editor draws only the lines near the window: it is
 *  scrolled into view first, and the programs here are shorter than the window). */
async function editorText(p = page) {
  await p.locator('.py-editor').scrollIntoViewIfNeeded();
  await p.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return p.locator('.py-editor .cm-line').allTextContents().then((ls) => ls.join('\n'));
}

/** Replaces the whole program in the open editor with `text`, pasted (a paste is one edit, as typed
 *  text is not: the editor would indent typed lines). */
async function setEditor(text, check = true) {
  await page.locator('.py-editor .cm-content').click();
  await page.keyboard.press('Control+A');
  await page.locator('.py-editor .cm-content').evaluate((el, t) => {
    const data = new DataTransfer();
    data.setData('text/plain', t);
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, text);
  if (check) assert.equal(await editorText(), text);
}

/** Opens the Python pane's editor on the current pattern. */
async function openEditor() {
  if (await page.locator('.py-editor').count() === 0) await page.locator('#edit-python').click();
  await page.locator('.py-editor .cm-content').waitFor({ timeout: 30_000 });
}

/** Runs the editor's program (and the C++ port) and waits for the verdict. */
async function runEdited(timeout = 180_000) {
  await clickAndWait('#run-edited', timeout);
  await page.locator('.py-verdict[data-verdict]').waitFor({ timeout: 1000 });
}

/** axe's violations on the page as it is now, one readable line per failing element (axe is evaluated
 *  through the debugging protocol, so the page's CSP stays as it is). */
async function axeViolations() {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(readFileSync(AXE, 'utf8'));
  const found = await page.evaluate(async () => {
    const r = await /** @type {any} */ (window).axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g, ' ')}`) }));
  });
  return found.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}) ${n}`));
}

test('an edited program: CPython runs the edit, the C++ the unedited port, and the page says so; axe finds nothing, light and dark', async () => {
  await choose('gather', 'virtual');
  await openEditor();
  assert.ok(requests.some((u) => /\/assets\/editor-[^/]*\.js$/.test(u)), 'the editor came as its own chunk');
  const original = await editorText();
  assert.equal(original, readFileSync(join(ROOT, 'native/patterns/python/gather.py'), 'utf8'), 'the editor holds the original');
  await setEditor(original.replace('print(f"Fetched {len(users)} users")', 'print(f"Got {len(users)} users, edited")'));
  await expectNote(/The C\+\+ port is not edited/);
  await runEdited();
  const r = await page.evaluate(() => ({
    verdict: document.querySelector('.py-verdict')?.textContent,
    program: document.querySelector('.python-panel')?.getAttribute('data-program'),
    py: [...document.querySelectorAll('.python-panel .console li.line:not(.sys) .text')].map((e) => e.textContent),
    cpp: [...document.querySelectorAll('.output-panel .console li.line:not(.sys) .text')].map((e) => e.textContent),
  }));
  assert.deepEqual(r.py, ['Got 5 users, edited'], await page.locator('.python-panel').innerText());
  assert.deepEqual(r.cpp, ['Fetched 5 users'], 'the C++ ran the unedited port');
  assert.equal(r.program, 'edited');
  assert.match(r.verdict ?? '', /edited Python against the unedited C\+\+ port/);
  await page.waitForFunction(() => Number(document.querySelector('.python-panel .timeline')?.getAttribute('data-rows')) >= 6, null, { timeout: 10_000 });
  await page.locator('#panel-python').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, 'edited.png'), fullPage: true });
  const problemsAxe = [];
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.waitForFunction((s) => document.documentElement.dataset.theme === s, scheme);
    for (const v of await axeViolations()) problemsAxe.push(`${scheme}: ${v}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  assert.deepEqual(problemsAxe, []);
});

async function expectNote(re) {
  assert.match(await page.locator('.py-edit-note').textContent(), re);
}

test("an edited program's exception shows as Python's traceback, from the program's own frames", async () => {
  const text = await editorText();
  await setEditor(text.replace('    await asyncio.sleep(P["delay"])\n', '    await asyncio.sleep(P["delay"])\n    raise LookupError(f"no user {user_id}")\n'));
  await runEdited();
  const tb = await page.locator('.python-panel .console li.sys-error').textContent();
  assert.match(tb, /^Traceback \(most recent call last\):\n  File "gather\.py", line \d+, in <module>\n/, tb);
  assert.match(tb, /File "gather\.py", line 12, in fetch_user\n    raise LookupError\(f"no user \{user_id\}"\)/);
  assert.match(tb, /\nLookupError: no user 1$/);
  assert.doesNotMatch(tb, /_trace\.py|_steps\.py/, 'no frame of the harness');
  assert.match(await page.locator('.py-edit .py-status').textContent(), /traceback/);
});

test('the share link carries a short edited program and opens it in the editor; a long one is refused with a message', async () => {
  const text = (await editorText()).replace(/\n    raise LookupError[^\n]*/, '').replace('users, edited', 'users, shared');
  await setEditor(text);
  await page.locator('#share-python', { hasText: 'The link holds your edited Python program.' }).waitFor({ timeout: 5_000 });
  const link = await page.locator('#share-url').inputValue();
  const py = new URL(link).searchParams.get('py');
  assert.ok(py && py.length <= 2048 && /^[A-Za-z0-9_-]+$/.test(py), link);
  // Opened elsewhere: the editor holds the program (CPython is not loaded a second time here).
  const other = await ctx.newPage();
  const otherProblems = [];
  other.on('pageerror', (e) => otherProblems.push(e.message));
  await other.route('**/pyodide/**', (r) => r.abort());
  await other.goto(link);
  await other.locator('.py-editor .cm-content').waitFor({ timeout: 30_000 });
  assert.equal(await editorText(other), text);
  assert.match(await other.locator('#messages').textContent(), /edited Python program/);
  assert.equal(new URL(await other.locator('#share-url').inputValue()).searchParams.get('py'), py, 'the link survives the round trip');
  await other.close();
  assert.deepEqual(otherProblems, []);
  // A damaged value: a message, and the original.
  const bad = await ctx.newPage();
  await bad.goto(link.replace(/py=[^&]*/, 'py=AAAA-not*base64'));
  await bad.locator('#messages', { hasText: "The link's edited Python program was not used" }).waitFor({ timeout: 30_000 });
  assert.equal(await bad.locator('.py-editor').count(), 0);
  await bad.close();
  // Too long for a link.
  let noise = '';
  for (let i = 0; noise.length < 6000; i++) noise += ((i * 2654435761) >>> 0).toString(36);
  await setEditor(`${text}\n# ${noise}\n`, false); // (the editor draws such a line only in part)
  await page.locator('#share-python', { hasText: 'too long for a link' }).waitFor({ timeout: 5_000 });
  assert.equal(new URL(await page.locator('#share-url').inputValue()).searchParams.get('py'), null);
  await page.locator('#revert-python').click();
  assert.equal(await page.locator('.py-editor').count(), 0);
  assert.equal(new URL(await page.locator('#share-url').inputValue()).searchParams.get('py'), null);
  assert.equal(await page.locator('#share-python').textContent(), '');
});

test('Stop during a virtual-clock CPython run that never ends stops it; the next run loads CPython again', async () => {
  await choose('gather', 'virtual');
  await openEditor();
  const text = await editorText();
  await setEditor(text.replace('    users = await fetch_all_users(user_ids)\n', '    while True:\n        await asyncio.sleep(1)\n    users = await fetch_all_users(user_ids)\n'));
  await page.locator('#run-edited').click();
  await page.waitForFunction(() => document.querySelector('.python-panel')?.getAttribute('data-state') === 'running', null, { timeout: 30_000 });
  await page.waitForTimeout(500);
  assert.equal(await page.locator('.python-panel').getAttribute('data-state'), 'running', await page.locator('.python-panel .console').textContent());
  await page.locator('#stop-edited').click();
  await page.locator('.python-panel .console li.sys', { hasText: 'CPython run stopped.' }).waitFor({ timeout: 10_000 });
  assert.equal(await page.locator('.python-panel').getAttribute('data-state'), 'done');
  await page.locator('#revert-python').click();
  const again = await runBoth();
  assert.equal(again.verdict, 'identical', JSON.stringify(again));
  assert.deepEqual(again.py, ['Fetched 5 users']);
});

test('nothing was fetched from outside localhost, and the page reported no errors', () => {
  assert.deepEqual(outside(), []);
  assert.deepEqual(problems, []);
});
