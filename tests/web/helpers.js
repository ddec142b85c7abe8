// Shared helpers of the browser tests: build web/dist when it is missing, serve it (and a second
// origin for the embed host page) on free localhost ports, launch the system Chromium.
import { createServer } from 'node:http';
import { existsSync, mkdirSync, readFileSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
export const DIST = join(ROOT, 'web/dist');
export const SHOTS = join(ROOT, 'test-artifacts/screenshots');

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.wasm': 'application/wasm', '.json': 'application/json', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.ico': 'image/x-icon', '.map': 'application/json', '.data': 'application/octet-stream',
};

function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }

/**
 * Makes sure web/dist exists. AIO_TEST_BUILD=1 forces a fresh build (once, guarded by a lock
 * directory because node --test runs the files in parallel); otherwise an existing dist is used.
 */
export async function ensureDist() {
  const index = join(DIST, 'index.html');
  const force = process.env.AIO_TEST_BUILD === '1';
  const lock = join(ROOT, 'test-artifacts/.build-lock');
  const stamp = join(ROOT, 'test-artifacts/.build-stamp');
  mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
  const fresh = () => existsSync(index) && (!force || (existsSync(stamp) && Date.now() - statSync(stamp).mtimeMs < 10 * 60_000 && readFileSync(stamp, 'utf8') === String(process.ppid)));
  for (let i = 0; i < 600; i++) {
    if (fresh()) return;
    try {
      mkdirSync(lock);
    } catch {
      await sleep(250);
      continue;
    }
    try {
      if (!fresh()) {
        const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
        if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stdout}\n${r.stderr}`);
        writeFileSync(stamp, String(process.ppid));
      }
    } finally {
      rmdirSync(lock);
    }
    return;
  }
  throw new Error('timed out waiting for the build lock (remove test-artifacts/.build-lock)');
}

/** Serves `dir` (or a map of path -> [type, body] when `pages` is given) on 127.0.0.1:free port. */
export function serve(dir, pages = null, host = '127.0.0.1') {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    let path = decodeURIComponent(url.pathname);
    if (pages) {
      const page = pages[path];
      if (!page) { res.writeHead(404).end('not found'); return; }
      res.writeHead(200, { 'content-type': page[0], 'cache-control': 'no-store' }).end(page[1]);
      return;
    }
    if (path.endsWith('/')) path += 'index.html';
    const file = normalize(join(dir, path));
    if (!file.startsWith(dir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
      'access-control-allow-origin': '*',
    });
    res.end(readFileSync(file));
  });
  return new Promise((resolveP) => {
    server.listen(0, host, () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      resolveP({ server, port, url: `http://${host}:${port}/`, close: () => new Promise((r) => server.close(() => r(undefined))) });
    });
  });
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
}

/** Builds (if needed), serves web/dist and launches the browser. */
export async function setup() {
  await ensureDist();
  const site = await serve(DIST);
  const browser = await launch();
  return {
    site, browser,
    async teardown() { await browser.close(); await site.close(); },
  };
}

/**
 * The README's tutorial page (web/examples/tutorial.html) as an author publishes it: its placeholder
 * host replaced by `siteUrl`, where the test serves the embed.
 */
export function tutorialPage(siteUrl) {
  const page = readFileSync(join(ROOT, 'web/examples/tutorial.html'), 'utf8');
  const placeholder = 'https://YOUR-HOST/aio/';
  if (!page.includes(placeholder)) throw new Error(`tutorial.html no longer embeds ${placeholder}`);
  return page.replaceAll(placeholder, siteUrl);
}

/**
 * A tutorial author's site, on another origin than the embed (localhost vs 127.0.0.1): /host.html?src=<embed
 * URL> frames the embed (width x height), keeps every message it posts in `window.msgs` as
 * {origin, data}, and `window.send(m)` posts to it; /tutorial.html is the README's example page.
 */
export function serveHost(siteUrl, { width = 900, height = 700 } = {}) {
  const page = `<!doctype html><meta charset="utf-8"><title>host</title><link rel="icon" href="data:,">
<iframe id="f" width="${width}" height="${height}" sandbox="allow-scripts allow-same-origin"></iframe>
<script>
  window.msgs = [];
  const f = document.getElementById('f');
  addEventListener('message', (e) => { if (e.source === f.contentWindow) window.msgs.push({ origin: e.origin, data: e.data }); });
  f.src = new URLSearchParams(location.search).get('src');
  window.send = (m) => f.contentWindow.postMessage(m, new URL(f.src).origin);
</script>`;
  return serve(null, {
    '/host.html': ['text/html; charset=utf-8', page],
    '/tutorial.html': ['text/html; charset=utf-8', tutorialPage(siteUrl)],
  }, 'localhost');
}

/** Fails the test on page errors and dialogs (an executed payload would open one). */
export function guard(page, problems) {
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('dialog', (d) => { problems.push(`dialog: ${d.message()}`); void d.dismiss(); });
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
}

/** Opens the playground at `query` and waits until the engine has loaded and the page is built. */
export async function openPlayground(page, siteUrl, query = '') {
  await page.goto(siteUrl + 'index.html' + query);
  await page.locator('#pattern-title').waitFor({ state: 'visible', timeout: 30_000 });
}

/** Clicks Run and waits for the run to end; returns the console's output lines (text only). */
export async function runAndWait(page, timeout = 60_000) {
  await page.locator('button.primary', { hasText: 'Run' }).click();
  await page.locator('.console li.sys', { hasText: /Finished in|Run cancelled|Error:/ }).waitFor({ timeout });
  return consoleLines(page);
}

export async function consoleLines(page) {
  return page.locator('.console li.line:not(.sys) .text').allTextContents();
}

export const EXPECTED = {
  'create-task': ['Main: doing other work', 'Task 1 started', 'Task 2 started', 'Task 2 completed', 'Task 1 completed', 'Results: Result from Task 1, Result from Task 2'],
  gather: ['Fetched 5 users'],
  timing: ['Sequential: 3.00s', 'Concurrent: 1.00s'],
  'as-completed': ['Task 5 completed (delay: 0s)', 'Task 4 completed (delay: 1s)', 'Task 3 completed (delay: 2s)', 'Task 2 completed (delay: 3s)', 'Task 1 completed (delay: 4s)'],
  wait: ['First completed: Task 1'],
  'task-group': ['2 4 6'],
  chaining: ['{"id": 1, "name": "User 1", "orders": [{"id": 0, "item": "Item 0"}, {"id": 1, "item": "Item 1"}, {"id": 2, "item": "Item 2"}], "profile": {"bio": "User bio", "location": "Earth"}}'],
  executor: ['Result', 'Result'],
  'producer-consumer': ['P1: put item 1 (1 queued)', 'P2: put item 2 (2 queued)', 'C1: got item 1', 'C2: got item 2', 'P1: put item 3 (1 queued)', 'P2: put item 4 (2 queued)', 'P1: queue full, waiting to put item 5', 'P2: queue full, waiting to put item 6', 'C1: got item 3', 'C2: got item 4', 'P1: put item 5 (1 queued)', 'P2: put item 6 (2 queued)', 'main: all items produced', 'C1: got item 5', 'C2: got item 6', 'main: all items consumed', 'main: consumers cancelled'],
  semaphore: ['Request 1: started (1 in flight)', 'Request 2: started (2 in flight)', 'Request 3: waiting', 'Request 4: waiting', 'Request 5: waiting', 'Request 1: done', 'Request 2: done', 'Request 3: started (1 in flight)', 'Request 4: started (2 in flight)', 'Request 3: done', 'Request 4: done', 'Request 5: started (1 in flight)', 'Request 5: done', 'All 5 requests done'],
  timeout: ['A: started, needs 2s', 'A: cleanup', 'A: timed out after 1s', 'B: started, needs 2s', 'B: cleanup', 'B: timed out after 1s'],
  cancel: ['worker: working', 'save: started', 'main: cancel() returned True', 'worker: cancelled, cleaning up', 'main: the worker was cancelled', 'save: done', 'main: the save was completed'],
  'task-group-error': ['task 1 done', 'task 3 cancelled', "caught ExceptionGroup('unhandled errors in a TaskGroup', [ValueError('task 2 failed')])"],
  event: ['worker 1 waiting', 'worker 2 waiting', 'worker 3 waiting', 'setting the event', 'worker 1 released', 'worker 2 released', 'worker 3 released'],
  lock: ['without a lock: counter = 3, expected 9', 'with a lock: counter = 9, expected 9'],
  retry: ['attempt 1 failed: service unavailable; retrying in 0.1s', 'attempt 2 failed: service unavailable; retrying in 0.2s', 'ok after 3 attempt(s)'],
};

/** Fewest timeline rows each pattern must show with its default parameters (main + its tasks). */
export const MIN_ROWS = {
  'create-task': 3, gather: 6, timing: 4, 'as-completed': 6, wait: 4, 'task-group': 4, chaining: 2, executor: 2,
  'producer-consumer': 5, semaphore: 6, timeout: 2, cancel: 3, 'task-group-error': 4, event: 4, lock: 7, retry: 1,
};

/** The seed's eight, listed first by the registry under one heading. */
export const SEED = Object.keys(EXPECTED).slice(0, 8);

/** Checks that `expected` appear in `lines` in this order (other lines may sit between). */
export function inOrder(lines, expected) {
  let i = 0;
  for (const l of lines) if (i < expected.length && l.trim() === expected[i]) i++;
  return i === expected.length;
}
