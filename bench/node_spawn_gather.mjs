// Node peer for spawn + gather: Promise.all over N async functions that each yield once and
// return their index. Two ways to yield, chosen by the second argument:
//   immediate (default): `await new Promise(r => setImmediate(r))` - one turn of the event
//       loop, the faithful equivalent of asyncio.sleep(0) / aio::sleep(0), which put the task
//       back on the loop's ready queue behind everything already queued.
//   microtask: `await null` - one microtask hop; cheaper, but it never returns to the event
//       loop (I/O and timers cannot run in between), so it is not a loop turn.
// Usage: node node_spawn_gather.mjs [N] [immediate|microtask]
import { readFileSync, writeFileSync } from 'node:fs';

function peakRssBytes() {
  const m = /VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : process.resourceUsage().maxRSS * 1024;
}
function resetPeakRss() {
  try { writeFileSync('/proc/self/clear_refs', '5'); } catch { /* best effort */ }
}

const n = Number(process.argv[2] ?? 1_000_000);
const mode = process.argv[3] ?? 'immediate';

async function childImmediate(i) {
  await new Promise((r) => setImmediate(r));
  return i;
}
async function childMicrotask(i) {
  await null;
  return i;
}

async function parent(n) {
  const child = mode === 'microtask' ? childMicrotask : childImmediate;
  const tasks = new Array(n);
  for (let i = 0; i < n; ++i) tasks[i] = child(i);
  const r = await Promise.all(tasks);
  let s = 0;
  for (const v of r) s += v;
  return s;
}

resetPeakRss();
const rss0 = peakRssBytes();
const t0 = process.hrtime.bigint();
const s = await parent(n);
const t1 = process.hrtime.bigint();
const rss1 = peakRssBytes();
if (s !== (n * (n - 1)) / 2) {
  console.error(`node: wrong sum ${s}`);
  process.exit(1);
}
const peer = mode === 'microtask' ? 'node-microtask' : 'node';
console.log(`RESULT spawn_gather ${peer} n=${n} ns_per_task=${(Number(t1 - t0) / n).toFixed(1)} ` +
  `bytes_per_task=${((rss1 - rss0) / n).toFixed(1)}`);
