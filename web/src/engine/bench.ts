// The browser half of the benchmarks (bench/README.md): spawn + gather on the WebAssembly scheduler
// next to Promise.all on the same page, the patterns' fidelity on the real clock, and the
// playground's time to ready and load size. The benchmark page runs them on the visitor's machine;
// scripts/bench runs that page in headless Chromium.
import { Channel, compileWasm, instantiate, replyText, takeReply } from './loader';

export interface SpawnGather {
  nsPerTask: number;
  /** Memory per pending task (aio only: JavaScript cannot see its own heap's peak). */
  bytesPerTask?: number;
}

/** aio: bench/spawn_gather.hpp, in a fresh instance of the module so that its memory growth is the run's;
 *  `warm`: the second run in that instance, whose heap the first has grown and touched. The first pays a
 *  page fault for every 4 KiB page of new memory (a native process gets huge pages for its frames), which
 *  JavaScript's peers on a page that has run before pay no more than the second. */
export async function spawnGatherWasm(n: number, warm = false): Promise<SpawnGather> {
  const M = await instantiate(await compileWasm());
  const once = () => {
    M._aio_bench_spawn_gather(n);
    const r = takeReply(M, Channel.Call);
    if (!r.ok) throw new Error(replyText(r));
    const j = JSON.parse(replyText(r)) as { ns_per_task: number; bytes_per_task: number };
    return { nsPerTask: j.ns_per_task, bytesPerTask: j.bytes_per_task };
  };
  const first = once();
  return warm ? { nsPerTask: once().nsPerTask } : first;
}

/** A fresh instance's real-clock benchmark export (it suspends: Asyncify), its JSON reply. */
async function realClockBench<T>(name: string, arg: number): Promise<T> {
  const M = await instantiate(await compileWasm());
  await M.ccall(name, null, ['number'], [arg], { async: true });
  const r = takeReply(M, Channel.Run);
  if (!r.ok) throw new Error(replyText(r));
  return JSON.parse(replyText(r)) as T;
}

/** aio: n timers with deadlines spread over one second on the real clock (bench/aio_timers.cpp's
 *  workload); the whole run's wall time in seconds (ideal: 1). */
export async function timersWasm(n: number): Promise<number> {
  return (await realClockBench<{ seconds: number }>('aio_bench_timers', n)).seconds;
}

/** aio: one task awaiting sleep(0) `turns` times on the real clock; those turns' time in ms. */
export async function sleep0Wasm(turns: number): Promise<number> {
  return (await realClockBench<{ ms: number }>('aio_bench_sleep0', turns)).ms;
}

/**
 * How each JavaScript task yields once:
 * - 'microtask': `await null`, one microtask hop; it never returns to the event loop, so it is the
 *   cheaper, weaker peer (what the WebAssembly run on the virtual clock also never does);
 * - 'turn': one message through a MessageChannel, a turn of the event loop: what sleep(0) means.
 */
export type JsYield = 'microtask' | 'turn';

/** Promise.all over n async functions that each yield once and return their index. */
export async function spawnGatherPromiseAll(n: number, how: JsYield): Promise<SpawnGather> {
  const channel = new MessageChannel();
  const waiting: Array<() => void> = [];
  let next = 0;
  channel.port1.onmessage = () => waiting[next++]();
  const turn = () => new Promise<void>((resolve) => { waiting.push(resolve); channel.port2.postMessage(null); });
  const child = how === 'turn'
    ? async (i: number) => { await turn(); return i; }
    : async (i: number) => { await null; return i; };
  try {
    const t0 = performance.now();
    const tasks = new Array<Promise<number>>(n);
    for (let i = 0; i < n; ++i) tasks[i] = child(i);
    const r = await Promise.all(tasks);
    const t1 = performance.now();
    let sum = 0;
    for (const v of r) sum += v;
    if (sum !== (n * (n - 1)) / 2) throw new Error(`Promise.all: wrong sum ${sum}`);
    return { nsPerTask: ((t1 - t0) * 1e6) / n };
  } finally {
    channel.port1.close();
  }
}

export interface PageLoad {
  /** From the start of the navigation until the Run button is enabled. */
  readyMs: number;
  /** Every file the page fetched, gzipped (what a static host that compresses sends). */
  gzipBytes: number;
  rawBytes: number;
  files: number;
}

async function gzipSize(bytes: ArrayBuffer): Promise<number> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream('gzip'));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

/** Loads the playground in an off-screen frame and times it until it can run a pattern; its size is
 *  every file it fetched by then and in the second after (the chart library comes after the first paint). */
export function playgroundLoad(url: string, timeoutMs = 30_000): Promise<PageLoad> {
  return new Promise<PageLoad>((resolve, reject) => {
    const frame = document.createElement('iframe');
    frame.className = 'offscreen-frame';
    frame.setAttribute('aria-hidden', 'true');
    frame.tabIndex = -1;
    const started = performance.now();
    const fail = (e: unknown) => { frame.remove(); reject(e instanceof Error ? e : new Error(String(e))); };
    // Polled from here: the frame's own scripts are what is being timed.
    const poll = setInterval(() => {
      const w = frame.contentWindow;
      if (!w?.document.querySelector('#pattern:not([hidden]) button.primary:not([disabled])')) {
        if (performance.now() - started > timeoutMs) {
          clearInterval(poll);
          fail(new Error(`the playground was not ready after ${timeoutMs} ms`));
        }
        return;
      }
      clearInterval(poll);
      const readyMs = w.performance.now();
      setTimeout(() => {
        // Each file once: the module is both preloaded and fetched, and each warm worker asks for its script.
        const urls = [...new Set([w.location.href, ...w.performance.getEntriesByType('resource').map((e) => e.name)])];
        Promise.all(urls.map(async (u) => {
          const body = await (await fetch(u)).arrayBuffer();
          return { raw: body.byteLength, gz: await gzipSize(body) };
        })).then((sizes) => {
          frame.remove();
          resolve({
            readyMs,
            gzipBytes: sizes.reduce((a, s) => a + s.gz, 0),
            rawBytes: sizes.reduce((a, s) => a + s.raw, 0),
            files: sizes.length,
          });
        }, fail);
      }, 1000);
    }, 4);
    frame.src = url;
    document.body.append(frame);
  });
}
