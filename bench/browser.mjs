// The browser benchmarks for scripts/bench: serves web/dist (npm run build), opens bench.html in
// headless Chromium with ?run=1, and prints the page's figures as rows of scripts/bench's table:
//   ROW <tab> benchmark <tab> peer <tab> figure <tab> unit <tab> better <tab> note
// plus page.ready.cold: the playground loaded in fresh browser contexts (empty cache), timed from
// the navigation until the Run button is enabled, median of R loads.
// Usage: node bench/browser.mjs [N] [REPS] [TIME_SCALE]
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DIST, launch, serve } from '../tests/web/helpers.js';

const [n = '1000000', reps = '3', scale = '0.1'] = process.argv.slice(2);
if (!existsSync(join(DIST, 'bench.html'))) {
  console.error('bench/browser.mjs: web/dist/bench.html is missing: run npm run build');
  process.exit(1);
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const out = (...cols) => console.log(['ROW', ...cols].join('\t'));

const site = await serve(DIST);
const browser = await launch();
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${site.url}bench.html?n=${n}&reps=${reps}&scale=${scale}&run=1`);
  await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state ?? ''), null, { timeout: 1_800_000, polling: 500 });
  const result = await page.evaluate(() => window.aioBench);
  // Every figure of the page is a cost (time, memory, size, measured/ideal): lower is better.
  for (const r of result.rows) out(`browser.${r.benchmark}`, r.peer, r.figure === null ? 'n/a' : String(r.figure), r.unit, 'lower', r.note);
  if (result.error || errors.length) throw new Error(result.error ?? errors.join('; '));
  await page.close();

  const ready = [];
  for (let i = 0; i < Number(reps); ++i) {
    const ctx = await browser.newContext();
    await ctx.addInitScript(() => {
      new MutationObserver((_, o) => {
        if (document.querySelector('#pattern:not([hidden]) button.primary:not([disabled])')) {
          window.aioReadyAt = performance.now();
          o.disconnect();
        }
      }).observe(document, { subtree: true, childList: true, attributes: true });
    });
    const p = await ctx.newPage();
    await p.goto(`${site.url}index.html`, { waitUntil: 'commit' });
    await p.waitForFunction(() => window.aioReadyAt !== undefined, null, { timeout: 60_000 });
    ready.push(await p.evaluate(() => window.aioReadyAt));
    await ctx.close();
  }
  out('browser.page.ready.cold', 'playground', median(ready).toFixed(0), 'ms', 'lower', `fresh browser context, median of ${ready.length}: ${ready.map((t) => t.toFixed(0)).join(', ')}`);
} catch (e) {
  console.error(`bench/browser.mjs: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
} finally {
  await browser.close();
  await site.close();
}
