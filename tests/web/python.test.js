// CPython beside the C++: the playground's "Run in CPython too" (Pyodide from the build, loaded once
// for this file and the page reused), every pattern on both engines with identical lines, the embed's
// engine: "python" from another origin, and nothing fetched from outside localhost.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setup, serve, guard, openPlayground } from './helpers.js';

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

/** Clicks "Run in CPython too" and waits for the verdict; returns it with both columns of lines. */
async function runBoth(timeout = 180_000) {
  await page.locator('#run-python').click();
  await page.locator('.py-verdict[data-verdict]').waitFor({ timeout });
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

test('a cold load fetches nothing of Pyodide; the first CPython run loads it from the build', async () => {
  await openPlayground(page, env.site.url, '?p=gather&clock=virtual');
  await page.waitForTimeout(1000);
  assert.deepEqual(requests.filter((u) => u.includes('/pyodide/') || /pyodide|python_stdlib/.test(u)), [], 'no Pyodide file before it is asked for');
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

test('nothing was fetched from outside localhost, and the page reported no errors', () => {
  assert.deepEqual(outside(), []);
  assert.deepEqual(problems, []);
});
