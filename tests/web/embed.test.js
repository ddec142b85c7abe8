// embed.html inside a cross-origin iframe: postMessage protocol, output-only view, blocked storage.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setup, serveHost, guard, ROOT } from './helpers.js';

const TUTORIAL = readFileSync(join(ROOT, 'web/examples/tutorial.html'), 'utf8');

let env;
let host;
before(async () => {
  env = await setup();
  host = await serveHost(env.site.url, { width: 800, height: 400 });
});
after(async () => { await host?.close(); await env?.teardown(); });

async function openHost(embedQuery, ctxOpts = {}) {
  const ctx = await env.browser.newContext({ viewport: { width: 1000, height: 700 }, ...ctxOpts });
  const page = await ctx.newPage();
  const problems = [];
  guard(page, problems);
  const src = `${env.site.url}embed.html${embedQuery}`;
  await page.goto(`${host.url}host.html?src=${encodeURIComponent(src)}`);
  await page.waitForFunction(() => window.msgs.some((m) => m.data && m.data.type === 'aio:ready'), null, { timeout: 30_000 });
  const frame = page.frames().find((f) => f.url().startsWith(env.site.url));
  assert.ok(frame, 'embed frame');
  return { ctx, page, frame, problems };
}

const byId = (page, id, type) => page.waitForFunction(([i, t]) => window.msgs.find((m) => m.data && m.data.id === i && m.data.type === t)?.data ?? null, [id, type], { timeout: 30_000 }).then((h) => h.jsonValue());

test('cross-origin embed: ready, run -> lines and done, errors, stop', async () => {
  const { ctx, page, frame, problems } = await openHost('?p=gather&clock=virtual');
  const ready = await page.evaluate(() => window.msgs.find((m) => m.data.type === 'aio:ready'));
  assert.ok(Array.isArray(ready.data.patterns) && ready.data.patterns.includes('gather') && ready.data.patterns.includes('executor'));
  assert.equal(ready.origin, new URL(env.site.url).origin);

  await page.evaluate(() => window.send({ type: 'aio:run', pattern: 'gather', params: { users: '3', delay: 0.25, clock: 'virtual' }, id: 7 }));
  const done = await byId(page, 7, 'aio:done');
  assert.ok(done.lines.some((l) => l.text === 'Fetched 3 users'), JSON.stringify(done.lines));
  assert.equal(typeof done.timings.elapsed, 'number');
  assert.equal(done.timings.ideal, 0.25);
  const lineMsgs = await page.evaluate(() => window.msgs.filter((m) => m.data.type === 'aio:line' && m.data.id === 7).map((m) => m.data));
  assert.ok(lineMsgs.some((m) => m.text === 'Fetched 3 users' && typeof m.t === 'number'));
  assert.ok(await page.evaluate(() => window.msgs.some((m) => m.data.type === 'aio:resize' && m.data.height > 0)));
  // the embed shows the output too
  assert.ok((await frame.locator('.console .text').allTextContents()).includes('Fetched 3 users'));

  // a bad value is an aio:error with a specific message
  await page.evaluate(() => window.send({ type: 'aio:run', pattern: 'gather', params: { users: '-1' }, id: 8 }));
  assert.match((await byId(page, 8, 'aio:error')).message, /^gather parameter 'users': -1 is out of range \[0, 100000\]$/);
  await page.evaluate(() => window.send({ type: 'aio:run', pattern: 'no-such-pattern', id: 9 }));
  assert.match((await byId(page, 9, 'aio:error')).message, /unknown pattern/);
  // malformed shapes are ignored (no reply at all)
  await page.evaluate(() => {
    window.send({ type: 'aio:run', pattern: 'gather', extra: true, id: 10 });
    window.send({ type: 'aio:run', pattern: '<script>', id: 11 });
    window.send({ type: 'aio:run', pattern: 'gather', params: { users: { n: 1 } }, id: 12 });
    window.send('aio:run');
    window.send({ type: 'aio:run', pattern: 'task-group', params: { clock: 'virtual' }, id: 13 });
  });
  const tg = await byId(page, 13, 'aio:done');
  assert.ok(tg.lines.some((l) => l.text === '2 4 6'));
  assert.equal(await page.evaluate(() => window.msgs.filter((m) => [10, 11, 12].includes(m.data.id)).length), 0);

  // stop: a long real-clock run is cancelled
  await page.evaluate(() => window.send({ type: 'aio:run', pattern: 'gather', params: { delay: '30', clock: 'real' }, id: 14 }));
  await frame.locator('#stop:enabled').waitFor();
  await page.evaluate(() => window.send({ type: 'aio:stop', id: 15 }));
  const stopped = await byId(page, 14, 'aio:done');
  assert.equal(stopped.cancelled, true);
  // every reply went to the host and carried only plain data
  assert.ok(await page.evaluate((o) => window.msgs.every((m) => m.origin === o), new URL(env.site.url).origin));
  // the embed never rewrites its URL
  assert.equal(new URL(frame.url()).search, '?p=gather&clock=virtual');
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('messages from other windows than the parent are ignored', async () => {
  const { ctx, page, frame, problems } = await openHost('?p=gather&clock=virtual');
  // the frame posting to itself is not the parent
  await frame.evaluate(() => window.postMessage({ type: 'aio:run', pattern: 'gather', id: 1 }, '*'));
  await page.evaluate(() => window.send({ type: 'aio:run', pattern: 'wait', params: { clock: 'virtual' }, id: 2 }));
  await byId(page, 2, 'aio:done');
  assert.equal(await page.evaluate(() => window.msgs.filter((m) => m.data.id === 1).length), 0);
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('output-only view, Open in playground link, blocked storage', async () => {
  const { ctx, page, frame, problems } = await openHost('?p=task-group&values=4,5&clock=virtual&view=output');
  // block storage in the frame's later accesses too
  await frame.evaluate(() => Object.defineProperty(window, 'localStorage', { get() { throw new DOMException('blocked', 'SecurityError'); } }));
  assert.equal(await frame.locator('#chart').count(), 0, 'no timeline in output view');
  const href = await frame.locator('#open').getAttribute('href');
  assert.match(href ?? '', /\/index\.html\?p=task-group&values=4,5&clock=virtual$/);
  assert.equal(await frame.locator('#open').getAttribute('target'), '_blank');
  await frame.click('#run');
  await frame.locator('.console li.sys', { hasText: 'Finished' }).waitFor({ timeout: 30_000 }).catch(() => undefined);
  await frame.locator('.console .text', { hasText: '8 10' }).waitFor({ timeout: 30_000 });
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('embed works when storage is blocked from the start', async () => {
  const ctx = await env.browser.newContext();
  await ctx.addInitScript(() => {
    Object.defineProperty(window, 'localStorage', { get() { throw new DOMException('blocked', 'SecurityError'); } });
  });
  const page = await ctx.newPage();
  const problems = [];
  guard(page, problems);
  await page.goto(`${env.site.url}embed.html?p=chaining&clock=virtual&orders=1`);
  await page.locator('#run').click();
  await page.locator('.console .text', { hasText: '"orders": [{"id": 0, "item": "Item 0"}]' }).waitFor({ timeout: 30_000 });
  assert.equal(await page.evaluate(() => location.search), '?p=chaining&clock=virtual&orders=1');
  // the playground too
  await page.goto(`${env.site.url}index.html?p=gather&clock=virtual`);
  await page.locator('#pattern-title').waitFor();
  await page.click('#theme');
  await page.locator('button.primary').click();
  await page.locator('.console .text', { hasText: 'Fetched 5 users' }).waitFor({ timeout: 30_000 });
  assert.deepEqual(problems, []);
  await ctx.close();
});

test("the README's example tutorial page drives the embed from another origin", async () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  assert.ok(readme.includes(TUTORIAL.trim()), 'README.md shows web/examples/tutorial.html verbatim');
  const ctx = await env.browser.newContext();
  const page = await ctx.newPage();
  const problems = [];
  guard(page, problems);
  await page.goto(`${host.url}tutorial.html`);
  await page.locator('#run:enabled').waitFor({ timeout: 30_000 });
  await page.fill('#users', '4');
  await page.click('#run');
  await page.locator('#log', { hasText: 'done in 0.500 s (ideal 0.5 s)' }).waitFor({ timeout: 30_000 });
  const log = await page.locator('#log').textContent();
  assert.match(log ?? '', /^0\.500s {2}Fetched 4 users$/m);
  assert.ok(Number(await page.locator('#aio').getAttribute('height')) > 0);
  assert.deepEqual(problems, []);
  await ctx.close();
});
