// The benchmark page (bench.html): every figure is produced on a small size, and bad query values
// are refused with a message and the default. The figures themselves are not asserted (time is not
// a test): scripts/bench prints them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, guard } from './helpers.js';

let env;
before(async () => { env = await setup(); });
after(async () => { await env?.teardown(); });

test('bench page: every benchmark gives a figure', async () => {
  const page = await env.browser.newPage();
  const problems = [];
  guard(page, problems);
  await page.goto(`${env.site.url}bench.html?n=2000&reps=1&scale=0.01&run=1`);
  await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state ?? ''), null, { timeout: 120_000 });
  const result = await page.evaluate(() => window.aioBench);
  assert.equal(result.error, undefined);
  const key = (r) => `${r.benchmark} ${r.peer}`;
  const keys = result.rows.map(key);
  for (const k of ['spawn_gather.time aio', 'spawn_gather.time aio (warm instance)', 'spawn_gather.time Promise.all (await null)', 'spawn_gather.time Promise.all (loop turn)',
    'spawn_gather.memory aio', 'timers.time aio', 'sleep0.time aio', 'fidelity.gather aio', 'fidelity.executor aio', 'page.ready playground', 'page.size playground']) {
    assert.ok(keys.includes(k), `missing row ${k} in ${keys.join(', ')}`);
  }
  const fidelity = result.rows.filter((r) => r.benchmark.startsWith('fidelity.'));
  assert.equal(new Set(fidelity.map((r) => r.benchmark)).size, fidelity.length, 'one fidelity row a pattern');
  assert.ok(fidelity.length >= 8, `a fidelity row for each pattern (${fidelity.length})`);
  for (const r of result.rows) assert.ok(Number.isFinite(r.figure) && r.figure > 0, `${key(r)}: ${r.figure}`);
  const aio = result.rows.find((r) => key(r) === 'spawn_gather.time aio');
  const promise = result.rows.find((r) => key(r) === 'spawn_gather.time Promise.all (await null)');
  assert.equal(promise.vsAio, promise.figure / aio.figure);
  assert.equal(await page.locator('#results tr').count(), result.rows.length);
  assert.deepEqual(problems, []);
  await page.close();
});

test('bench page: bad query values get a message and the default, and nothing runs', async () => {
  const page = await env.browser.newPage();
  const problems = [];
  guard(page, problems);
  await page.goto(`${env.site.url}bench.html?n=-5&reps=<b>x</b>&scale=1e9`);
  const messages = await page.locator('#messages .msg-error').allTextContents();
  assert.equal(messages.length, 3, messages.join(' | '));
  // The registry's rules and wording (Engine.checkValue), the page's own bounds.
  assert.deepEqual(messages, [
    'Tasks: -5 is out of range [1, 2000000]; using 200000',
    "Runs: '<b>x</b>' is not a number; using 3",
    'Time scale: 1000000000.0 is out of range [0.01, 1.0]; using 0.1',
  ]);
  assert.equal(await page.locator('#messages b').count(), 0, 'nothing from the URL is rendered as HTML');
  assert.equal(await page.inputValue('#b-n'), '200000');
  assert.equal(await page.evaluate(() => document.body.dataset.state ?? null), null);
  await page.fill('#b-n', '0');
  await page.click('#run');
  assert.match(await page.locator('#messages').textContent(), /Tasks: 0 is out of range \[1, 2000000\]/);
  assert.equal(await page.evaluate(() => document.body.dataset.state ?? null), null);
  assert.deepEqual(problems, []);
  await page.close();
});
