// Accessibility by measurement: axe-core (Deque's engine, its default rules: WCAG A/AA and best
// practices) over the playground, the embed (full and output-only) and the benchmark page, in the
// light and the dark theme, at desktop and phone width, before and after a run. Any violation fails,
// and the message lists each one with the elements it names.
//
// axe-core is a test-only dependency: it is injected into the page here (the context bypasses the
// pages' CSP for that alone), never bundled.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setup, guard, ROOT } from './helpers.js';

const AXE = join(ROOT, 'node_modules/axe-core/axe.min.js');
const VIEWS = [
  { name: 'desktop', viewport: { width: 1280, height: 800 } },
  { name: 'phone', viewport: { width: 375, height: 740 } },
];
const SCHEMES = /** @type {const} */ (['light', 'dark']);

let env;
before(async () => { env = await setup(); });
after(async () => { await env?.teardown(); });

/** axe's violations on the page as it is now, one readable line per failing element. */
async function violations(page) {
  await page.addScriptTag({ path: AXE });
  const found = await page.evaluate(async () => {
    const r = await /** @type {any} */ (window).axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g, ' ')}`) }));
  });
  return found.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}) ${n}`));
}

/** Every theme and width on the same page, as it stands. */
async function checkAll(page, what) {
  const problems = [];
  for (const scheme of SCHEMES) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.waitForFunction((s) => document.documentElement.dataset.theme === s, scheme);
    for (const view of VIEWS) {
      await page.setViewportSize(view.viewport);
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      for (const v of await violations(page)) problems.push(`${what}, ${scheme}, ${view.name}: ${v}`);
    }
  }
  return problems;
}

async function open(url) {
  const ctx = await env.browser.newContext({ bypassCSP: true, viewport: VIEWS[0].viewport });
  const page = await ctx.newPage();
  const errors = [];
  guard(page, errors);
  await page.goto(url);
  return { ctx, page, errors };
}

test('the playground has no accessibility violation, before and after a run', async () => {
  const { ctx, page, errors } = await open(`${env.site.url}index.html?p=timing&clock=virtual`);
  await page.locator('#pattern-title').waitFor({ state: 'visible', timeout: 30_000 });
  const problems = await checkAll(page, 'playground before a run');
  await page.locator('button.primary').click();
  await page.locator('.console li.sys', { hasText: 'Finished in' }).waitFor({ timeout: 30_000 });
  await page.locator('.compare').waitFor();
  problems.push(...await checkAll(page, 'playground after a run'));
  assert.deepEqual(problems, []);
  assert.deepEqual(errors, []);
  await ctx.close();
});

for (const view of ['full', 'output']) {
  test(`the embed (${view} view) has no accessibility violation, before and after a run`, async () => {
    const { ctx, page, errors } = await open(`${env.site.url}embed.html?p=gather&clock=virtual${view === 'output' ? '&view=output' : ''}`);
    await page.locator('#run').waitFor({ state: 'visible', timeout: 30_000 });
    const problems = await checkAll(page, `embed (${view}) before a run`);
    await page.locator('#run').click();
    await page.locator('.console li.sys', { hasText: 'Finished in' }).waitFor({ timeout: 30_000 });
    problems.push(...await checkAll(page, `embed (${view}) after a run`));
    assert.deepEqual(problems, []);
    assert.deepEqual(errors, []);
    await ctx.close();
  });
}

test('the benchmark page has no accessibility violation, before and after a run', async () => {
  const { ctx, page, errors } = await open(`${env.site.url}bench.html?n=2000&reps=1&scale=0.01`);
  await page.locator('#run:enabled').waitFor({ timeout: 30_000 });
  const problems = await checkAll(page, 'bench before a run');
  await page.locator('#run').click();
  await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state ?? ''), null, { timeout: 120_000 });
  assert.equal(await page.evaluate(() => document.body.dataset.state), 'done');
  problems.push(...await checkAll(page, 'bench after a run'));
  assert.deepEqual(problems, []);
  assert.deepEqual(errors, []);
  await ctx.close();
});
