// The browser benchmarks for scripts/bench: serves web/dist (npm run build), opens bench.html in
// headless Chromium with ?run=1, and prints the page's figures as rows of scripts/bench's table:
//   ROW <tab> benchmark <tab> peer <tab> figure <tab> unit <tab> better <tab> note
// plus page.ready.cold: the playground loaded in fresh browser contexts (empty cache), timed from
// the navigation until the Run button is enabled, median of R loads.
// and on_time.<pattern>: every pattern on the real clock at time scales 1 and 0.1, in the playground
// (the page's own User Timing measure of the run, from Run to the console's last line) and in a
// cross-origin embed as its host page measures it (from posting aio:run to receiving aio:done), on
// the first run after a fresh load (sent the moment the page is ready: no pause for warming up) and
// on REPS - 1 later runs; the figure is the worst of them, measured/ideal; embed.round_trip, the
// host's round trip to the embed with no run, the floor under every embed figure; and embed.path, what
// the embed's runs spent outside the loop, hop by hop (pathRow). Below TIME_SCALE 0.1
// (scripts/bench --smoke) it runs only gather, at that scale: a check that the machinery works.
// Usage: node bench/browser.mjs [N] [REPS] [TIME_SCALE] [--only page|fidelity] [--patterns ID,ID...]
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { DIST, launch, serve } from '../tests/web/helpers.js';

const args = process.argv.slice(2);
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? args.splice(onlyAt, 2)[1] : null;
const patternsAt = args.indexOf('--patterns');
const chosen = patternsAt >= 0 ? args.splice(patternsAt, 2)[1].split(',') : null;
const [n = '1000000', reps = '3', scale = '0.1'] = args;
if (!existsSync(join(DIST, 'bench.html'))) {
  console.error('bench/browser.mjs: web/dist/bench.html is missing: run npm run build');
  process.exit(1);
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const out = (...cols) => console.log(['ROW', ...cols].join('\t'));

const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');

// The host page of the embed, on another origin (localhost vs 127.0.0.1): it times each run from
// posting aio:run until aio:done arrives, as a tutorial page would.
const HOST = `<!doctype html><meta charset="utf-8"><title>host</title><link rel="icon" href="data:,">
<iframe id="f" width="800" height="400" sandbox="allow-scripts allow-same-origin"></iframe>
<script>
  const f = document.getElementById('f');
  let next = 1, sent = 0, sentAt = 0;
  // On the clock all of the browser's processes share (for the path's hops, EMBED_PATH).
  const shared = () => performance.timeOrigin + performance.now();
  addEventListener('message', (e) => {
    if (e.source !== f.contentWindow) return;
    const m = e.data;
    if (m.type === 'aio:ready') { window.ready = m.patterns; window.readyAt = performance.now(); }
    else if (m.type === 'aio:done' || m.type === 'aio:error') window.aioReport?.({ wall: performance.now() - sent, sentAt, at: shared(), ...m });
  });
  // The round trip with no run: a request the embed refuses at once (an unknown pattern), answered by
  // aio:error. What the message path alone adds to every run the host times.
  window.roundTrip = () => new Promise((resolve) => {
    const t0 = performance.now();
    const on = (e) => {
      if (e.source !== f.contentWindow || e.data.type !== 'aio:error' || e.data.id !== 'ping') return;
      removeEventListener('message', on);
      resolve(performance.now() - t0);
    };
    addEventListener('message', on);
    f.contentWindow.postMessage({ type: 'aio:run', pattern: 'no-such-pattern', params: {}, id: 'ping' }, new URL(f.src).origin);
  });
  f.src = new URLSearchParams(location.search).get('src');
  window.run = (pattern, scale) => {
    const m = { type: 'aio:run', pattern, params: { scale: String(scale) }, id: next++ };
    sentAt = shared();
    sent = performance.now();
    f.contentWindow.postMessage(m, new URL(f.src).origin);
  };
</script>`;

/** In the embed's frame: when each aio:run arrived, when the run was posted to the loop's worker and
 *  when its result came back, on the clock the browser's processes share (performance.timeOrigin +
 *  now()), so that the host's figure can be cut into the hops of its path. A capture listener and a
 *  Worker that notes two of its messages: microseconds added to a run. */
const EMBED_PATH = () => {
  if (!location.pathname.endsWith('/embed.html')) return;
  const shared = () => performance.timeOrigin + performance.now();
  const runs = (window.aioPath = []);
  addEventListener('message', (e) => {
    if (e.data?.type === 'aio:run' && e.data.id !== 'ping') runs.push({ arrived: shared() });
  }, true);
  const Base = window.Worker;
  window.Worker = class extends Base {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        if (e.data?.type === 'done' && e.data.value?.elapsed !== undefined && runs.length) runs.at(-1).returned = shared();
      });
    }
    postMessage(m, ...rest) {
      if (m?.type === 'run' && runs.length) runs.at(-1).posted = shared();
      return super.postMessage(m, ...rest);
    }
  };
};

/** The runs a page reports as they end (through a binding it calls): waiting for one polls nothing, so
 *  the harness gives the page no work while a run is timed. */
async function reports(page) {
  const queue = [];
  let wake = null;
  await page.exposeFunction('aioReport', (r) => { queue.push(r); wake?.(); });
  return async (what) => {
    const deadline = Date.now() + 120_000;
    while (!queue.length) {
      if (Date.now() > deadline) throw new Error(`${what}: no report in 120 s`);
      await new Promise((resolve) => { wake = resolve; setTimeout(resolve, 1000); });
    }
    return queue.shift();
  };
}

/** One pattern, one surface, one scale: the first run after a fresh load and `later` more runs.
 *  Returns the runs' measured/ideal (wall time over the scaled ideal) and the pattern's ideal. */
async function fidelityOf(browser, site, host, surface, id, s, later) {
  const ctx = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  try {
    const page = await ctx.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const next = await reports(page);
    const ratios = [];
    const loops = [];  // the loop's own elapsed/ideal: the rest of a ratio is the page's share
    let ideal = 0;
    let readyMs = null;
    const path = [];  // the embed's runs, hop by hop (ms)
    if (surface === 'playground') {
      // The page's User Timing measure of each run, reported as it is made.
      await page.addInitScript(() => new PerformanceObserver((list) => {
        for (const e of list.getEntries()) if (e.name.startsWith('aio:run ')) window.aioReport({ duration: e.duration, ...e.detail });
      }).observe({ type: 'measure' }));
      await page.goto(`${site.url}index.html?p=${id}&scale=${s}`);
      const run = page.locator('#pattern button.primary', { hasText: 'Run' });
      for (let i = 0; i <= later; ++i) {
        await run.waitFor({ state: 'visible', timeout: 60_000 });
        await page.waitForFunction(() => !document.querySelector('#pattern button.primary')?.disabled, null, { timeout: 60_000, polling: 'raf' });
        await run.click();
        const m = await next(`${id} in the playground`);
        ideal = m.ideal;
        ratios.push(m.duration / 1000 / (m.ideal * s));
        loops.push(m.elapsed / m.ideal);
      }
    } else {
      const src = `${site.url}embed.html?p=${id}`;
      await ctx.addInitScript(EMBED_PATH);
      await page.goto(`${host.url}host.html?src=${encodeURIComponent(src)}`);
      await page.waitForFunction(() => window.ready !== undefined, null, { timeout: 60_000, polling: 'raf' });
      readyMs = await page.evaluate(() => window.readyAt);
      for (let i = 0; i <= later; ++i) {
        await page.evaluate(([p, sc]) => window.run(p, sc), [id, s]);
        const r = await next(`${id} in the embed`);
        if (r.type !== 'aio:done') throw new Error(`${id} in the embed: ${r.message}`);
        const frame = page.frames().find((f) => f !== page.mainFrame());
        const e = await frame.evaluate((k) => {
          const m = performance.getEntriesByType('measure').filter((x) => x.name.startsWith('aio:run '))[k];
          return { ...window.aioPath[k], measured: performance.timeOrigin + m.startTime + m.duration };
        }, i);
        path.push({
          toEmbed: e.arrived - r.sentAt, handling: e.posted - e.arrived,
          worker: e.returned - e.posted - r.timings.elapsed * s * 1000, toDone: e.measured - e.returned, toHost: r.at - e.measured,
          total: r.wall - r.timings.elapsed * s * 1000,
        });
        ideal = r.timings.ideal;
        ratios.push(r.wall / 1000 / (ideal * s));
        loops.push(r.timings.elapsed / ideal);
      }
    }
    if (errors.length) throw new Error(`${id} (${surface}): ${errors.join('; ')}`);
    return { ratios, loops, ideal, readyMs, path };
  } finally {
    await ctx.close();
  }
}

/** What the host's figure holds besides the loop's own time, hop by hop: the host's message to the
 *  embed, the embed's handling until it posts the run to the loop's worker, the worker's round trip
 *  without the loop's time (two hops, the run's setup and its result), the result's way to aio:done
 *  (the events dispatched, the measure made), and aio:done's way to the host. The hops between
 *  processes are told apart by the clocks of two processes, the total by the host's clock alone. */
function pathRow(paths, s) {
  const span = (k) => {
    const xs = paths.map((p) => p[k]);
    return `${median(xs).toFixed(1)} (${Math.min(...xs).toFixed(1)} - ${Math.max(...xs).toFixed(1)})`;
  };
  out('browser.embed.path', `scale ${s}`, median(paths.map((p) => p.total)).toFixed(1), 'ms', 'lower',
    `the host's figure less the loop's time, median (range) of ${paths.length} runs: host to embed ${span('toEmbed')}, the embed's handling ${span('handling')}, the loop's worker and back without the loop ${span('worker')}, result to aio:done ${span('toDone')}, aio:done to the host ${span('toHost')}; total ${span('total')}`);
}

async function fidelity(browser, site, later) {
  const host = await serve(null, { '/host.html': ['text/html; charset=utf-8', HOST] }, 'localhost');
  try {
    const probe = await browser.newPage();
    await probe.goto(`${host.url}host.html?src=${encodeURIComponent(`${site.url}embed.html`)}`);
    await probe.waitForFunction(() => window.ready !== undefined, null, { timeout: 60_000 });
    const smoke = Number(scale) < 0.1;
    const ids = (await probe.evaluate(() => window.ready)).filter((id) => (smoke ? id === 'gather' : !chosen || chosen.includes(id)));
    const trips = [];
    for (let i = 0; i < 21; ++i) {
      trips.push(await probe.evaluate(() => window.roundTrip()));
      await probe.waitForTimeout(20);  // one at a time, the page idle in between, as before a run
    }
    await probe.close();
    trips.sort((a, b) => a - b);
    out('browser.embed.round_trip', 'embed', median(trips).toFixed(1), 'ms', 'lower',
      `host -> embed -> host with no run (aio:run of an unknown pattern, answered by aio:error), the floor of what a host measures; median of ${trips.length}, ${trips[0].toFixed(1)} - ${trips[trips.length - 1].toFixed(1)}; 1% of a pattern of 0.3 s is 3 ms`);
    const readies = [];
    for (const s of smoke ? [Number(scale)] : [1, 0.1]) {
      for (const surface of ['playground', 'embed']) {
        let worst = { ratio: 0, id: '' };
        const paths = [];
        for (const id of ids) {
          const load0 = load();
          const { ratios, loops, ideal, readyMs, path } = await fidelityOf(browser, site, host, surface, id, s, later);
          if (readyMs !== null) readies.push(readyMs);
          paths.push(...path);
          const max = Math.max(...ratios);
          if (max > worst.ratio) worst = { ratio: max, id };
          const each = (i) => `${ratios[i].toFixed(4)} (loop ${loops[i].toFixed(4)})`;
          const laterRatios = ratios.slice(1).map((_, i) => each(i + 1)).join(', ');
          out(`browser.on_time.${id}`, `${surface}, scale ${s}`, max.toFixed(4), 'measured/ideal', 'lower',
            `worst of: first run ${each(0)}, later ${laterRatios}; ideal ${(ideal * s).toFixed(3)} s; load ${load0}`);
        }
        out('browser.on_time.worst', `${surface}, scale ${s}`, worst.ratio.toFixed(4), 'measured/ideal', 'lower', `${worst.id}; ${ids.length} patterns, first run and ${later} later`);
        if (paths.length) pathRow(paths, s);
      }
    }
    out('browser.embed.ready', 'embed', median(readies).toFixed(0), 'ms', 'lower',
      `host page's navigation until aio:ready (engine loaded and warm), fresh browser context, median of ${readies.length}`);
  } finally {
    await host.close();
  }
}

const site = await serve(DIST);
const browser = await launch();
try {
  if (only !== 'page') await fidelity(browser, site, Math.max(1, Number(reps) - 1));
  if (only !== 'fidelity') await pageFigures(browser, site);
} catch (e) {
  console.error(`bench/browser.mjs: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
} finally {
  await browser.close();
  await site.close();
}

/** bench.html's figures, and the playground's load in fresh browser contexts. */
async function pageFigures(browser, site) {
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
}
