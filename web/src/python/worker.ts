// CPython (Pyodide) in a Web Worker: loads the interpreter once, then runs Python programs through the
// harness native/patterns/python/_trace.py, streaming its trace events.
//
// page -> worker: {type: 'init', base, sizes, files}: load Pyodide from `base` (the page's own host;
//                   `sizes` are the bytes expected of each runtime file, for the progress), and write
//                   `files` (the harness modules) beside the programs;
//                 {type: 'run', source, filename, argv, clock, scale}: run one program (one at a time);
//                 {type: 'stop'}: cancel the running program's main task (real clock: the worker is
//                   free between the loop's steps; a virtual-clock run never yields, the page then
//                   terminates the worker).
// worker -> page: {type: 'progress', loaded, total} while downloading, {type: 'ready', ms},
//                 {type: 'failed', message} when loading failed; per run {type: 'events', events} (JSON
//                 strings, batched) and {type: 'done', elapsed, cancelled, error?}.
import type { PyodideAPI } from 'pyodide';

type Incoming =
  | { type: 'init'; base: string; sizes: Record<string, number>; files: Record<string, string> }
  | { type: 'run'; source: string; filename: string; argv: string[]; clock: 'real' | 'virtual'; scale: number }
  | { type: 'stop' };

const scope = self as unknown as {
  postMessage(m: unknown): void;
  onmessage: ((ev: MessageEvent<Incoming>) => void) | null;
  fetch: typeof fetch;
};

/** Where the programs and the harness live inside the interpreter's file system. */
const HOME = '/home/pyodide/aio';

let py: PyodideAPI | null = null;
let stopRun: (() => boolean) | null = null;

/** Counts the bytes of every response as the interpreter's loader reads it, for the progress bar. */
function countingFetch(total: number): typeof fetch {
  const plain = scope.fetch.bind(self);
  let loaded = 0;
  return async (input, init) => {
    const res = await plain(input, init);
    if (!res.body) return res;
    const reader = res.body.getReader();
    const body = new ReadableStream<Uint8Array>({
      async pull(ctl) {
        const { done, value } = await reader.read();
        if (done) { ctl.close(); return; }
        loaded += value.byteLength;
        scope.postMessage({ type: 'progress', loaded: Math.min(loaded, total), total });
        ctl.enqueue(value);
      },
      cancel(reason) { return reader.cancel(reason); },
    });
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}

async function init(msg: Extract<Incoming, { type: 'init' }>): Promise<void> {
  const t0 = performance.now();
  const total = Object.values(msg.sizes).reduce((a, b) => a + b, 0);
  const plain = scope.fetch;
  scope.fetch = countingFetch(total);
  try {
    const mod = (await import(/* @vite-ignore */ `${msg.base}pyodide.mjs`)) as typeof import('pyodide');
    py = await mod.loadPyodide({ indexURL: msg.base, stdout: () => undefined, stderr: () => undefined });
  } finally {
    scope.fetch = plain;
  }
  py.FS.mkdirTree(HOME);
  for (const [name, text] of Object.entries(msg.files)) py.FS.writeFile(`${HOME}/${name}`, text);
  py.runPython(`import os, sys\nos.chdir(${JSON.stringify(HOME)})\nsys.path.insert(0, ${JSON.stringify(HOME)})`);
  stopRun = py.pyimport('_trace').stop as () => boolean;
  scope.postMessage({ type: 'ready', ms: performance.now() - t0 });
}

const RUN = `import json, _trace
_r = _trace.run(_source, _filename, list(_argv), lambda ev: _emit(json.dumps(ev, separators=(",", ":"))), _clock, _scale)
(_r.elapsed, _r.error, _r.cancelled)`;

async function run(msg: Extract<Incoming, { type: 'run' }>): Promise<void> {
  if (!py) throw new Error('the interpreter is not loaded');
  // Events go out in batches: one message per event would cost more than a virtual-clock run itself.
  let batch: string[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (batch.length) scope.postMessage({ type: 'events', events: batch });
    batch = [];
  };
  const emit = (ev: string) => {
    batch.push(ev);
    if (msg.clock === 'real') flush(); else timer ??= setTimeout(flush, 50);
  };
  const globals = py.toPy({ _source: msg.source, _filename: msg.filename, _argv: msg.argv, _emit: emit, _clock: msg.clock, _scale: msg.scale });
  try {
    // runPythonAsync, so that on the real clock asyncio.run can suspend the WebAssembly stack (JSPI)
    // while the browser's event loop waits for the timers.
    const r = await py.runPythonAsync(RUN, { globals });
    const [elapsed, error, cancelled] = (r as { toJs(): [number, string | null, boolean] }).toJs();
    (r as { destroy(): void }).destroy();
    flush();
    scope.postMessage({ type: 'done', elapsed, cancelled, ...(error ? { error } : {}) });
  } finally {
    globals.destroy();
  }
}

scope.onmessage = (ev) => {
  const msg = ev.data;
  if (msg.type === 'init') {
    init(msg).catch((e: unknown) => scope.postMessage({ type: 'failed', message: e instanceof Error ? e.message : String(e) }));
  } else if (msg.type === 'run') {
    run(msg).catch((e: unknown) => scope.postMessage({ type: 'done', elapsed: 0, cancelled: false, error: e instanceof Error ? e.message : String(e) }));
  } else if (msg.type === 'stop') {
    stopRun?.();
  }
};
