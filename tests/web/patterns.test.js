// Every pattern runs from the UI (virtual clock) and prints its lines; the timeline shows a row
// per task; screenshots of every pattern view in light/dark, desktop/phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setup, guard, openPlayground, runAndWait, EXPECTED, MIN_ROWS, inOrder, SHOTS } from './helpers.js';

let env;
before(async () => { env = await setup(); mkdirSync(SHOTS, { recursive: true }); });
after(async () => { await env?.teardown(); });

const VIEWS = [
  { name: 'desktop', viewport: { width: 1280, height: 800 } },
  { name: 'phone', viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true },
];

test('the pattern list comes from the engine, grouped under its headings, and holds the eight classic patterns', async () => {
  const page = await env.browser.newPage();
  const problems = [];
  guard(page, problems);
  await openPlayground(page, env.site.url);
  const ids = await page.locator('#nav a').evaluateAll((as) => as.map((a) => a.dataset.id));
  for (const id of Object.keys(EXPECTED)) assert.ok(ids.includes(id), `pattern ${id} listed (got ${ids.join(', ')})`);
  const groups = await page.locator('#nav .nav-group').evaluateAll((gs) => gs.map((g) => ({
    heading: g.querySelector('h2')?.textContent ?? '', ids: [...g.querySelectorAll('a')].map((a) => a.dataset.id) })));
  assert.equal(new Set(groups.map((g) => g.heading)).size, groups.length, 'each heading once');
  assert.ok(groups.every((g) => g.heading.trim() && g.ids.length), JSON.stringify(groups));
  assert.deepEqual(groups.flatMap((g) => g.ids), ids, 'every pattern under exactly one heading, in the registry\'s order');
  assert.ok(groups.some((g) => Object.keys(EXPECTED).every((id) => g.ids.includes(id))), 'the seed\'s eight under one heading');
  assert.deepEqual(problems, []);
  await page.close();
});

for (const scheme of /** @type {const} */ (['light', 'dark'])) {
  for (const view of VIEWS) {
    test(`every pattern runs and prints its lines (${scheme}, ${view.name})`, async () => {
      const { name, ...ctxOpts } = view;
      const ctx = await env.browser.newContext({ ...ctxOpts, colorScheme: scheme });
      const page = await ctx.newPage();
      const problems = [];
      guard(page, problems);
      for (const [id, expected] of Object.entries(EXPECTED)) {
        await openPlayground(page, env.site.url, `?p=${id}&clock=virtual`);
        assert.equal(await page.locator('#nav a[aria-current="page"]').getAttribute('data-id'), id);
        const lines = await runAndWait(page);
        assert.ok(inOrder(lines, expected), `${id}: expected ${JSON.stringify(expected)} in order, got ${JSON.stringify(lines)}`);
        assert.equal(await page.locator('.console li.sys-error').count(), 0, `${id}: no error`);
        // the timeline has a row per task (and per executor worker)
        const rows = page.locator('.timeline[data-rows]');
        await rows.waitFor();
        await page.waitForFunction(() => document.querySelector('.timeline canvas') !== null);
        const n = Number(await rows.getAttribute('data-rows'));
        assert.ok(n >= MIN_ROWS[id], `${id}: ${n} timeline rows, want at least ${MIN_ROWS[id]}`);
        if (id === 'executor') {
          const label = await rows.getAttribute('aria-label');
          assert.match(label ?? '', /worker|executor/i, 'executor shows a worker row');
        }
        if (id === 'timing') {
          await page.locator('.compare').waitFor();
          // From the trace (three 1 s tasks gathered), the same figures the pattern prints.
          assert.match(await page.locator('.compare').innerText(), /Sequential\s*3\.00 s[\s\S]*Concurrent\s*1\.00 s/);
        }
        assert.match(await page.locator('.summary').innerText(), /Elapsed[\s\S]*Ideal[\s\S]*Overhead/);
        assert.equal(await page.locator('#theme').count(), 1);
        const theme = await page.evaluate(() => document.documentElement.dataset.theme);
        assert.equal(theme, scheme);
        await page.screenshot({ path: join(SHOTS, `${id}-${scheme}-${name}.png`), fullPage: true });
      }
      // a phone-width page must not scroll sideways
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 1, `no horizontal overflow (${overflow}px)`);
      assert.deepEqual(problems, []);
      await ctx.close();
    });
  }
}
