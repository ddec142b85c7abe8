// Node peer for timers: N async functions, function i awaits a setTimeout that ends i/N seconds
// after the start (Node timers have 1 ms resolution), gathered with Promise.all. Figure: total
// wall time.
// Usage: node node_timers.mjs [N]
import { readFileSync, writeFileSync } from 'node:fs';

const peak = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;
try { writeFileSync('/proc/self/clear_refs', '5'); } catch { /* best effort */ }

const n = Number(process.argv[2] ?? 1_000_000);
async function sleeper(deadline, i) {
  await new Promise((r) => setTimeout(r, deadline - performance.now()));
  return i;
}
const rss0 = peak();
const t0 = process.hrtime.bigint();
const tasks = new Array(n);
const start = performance.now();
for (let i = 0; i < n; ++i) tasks[i] = sleeper(start + (1000 * i) / n, i);
let s = 0;
for (const v of await Promise.all(tasks)) s += v;
const t1 = process.hrtime.bigint();
if (s !== (n * (n - 1)) / 2) { console.error(`node timers: wrong sum ${s}`); process.exit(1); }
console.log(`RESULT timers node n=${n} wall_s=${(Number(t1 - t0) / 1e9).toFixed(3)} ` +
  `bytes_per_timer=${((peak() - rss0) / n).toFixed(1)}`);
