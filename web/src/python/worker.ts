// CPython (Pyodide) in a Web Worker: loads the interpreter once, then runs Python programs through the
// harness native/patterns/python/_trace.py, streaming its trace events.
//
// page -> worker: {type: 'init', base, sizes, files}: load Pyodide from `base` (the page's own host;
//                   `sizes` are the bytes expected of each runtime file, for the progress), and write
//                   `files` (the harness modules) beside the programs;
//                 {type: 'run', source, filename, argv, clock, scale}: run one program (one at a time);
//                 {type: 'steps', source, filename, argv}: run one program on the virtual clock through
//                   native/patterns/python/_steps.py, recording every loop iteration (Step mode's
//                   "CPython too");
//                 {type: 'stop'}: cancel the running program's main task (real clock: the worker is
//                   free between the loop's steps; a virtual-clock run never yields, the page then
//                   terminates the worker).
// worker -> page: {type: 'progress', loaded, total} while downloading, {type: 'ready', ms},
//                 {type: 'failed', message} when loading failed; per run {type: 'events', events} (JSON
//                 strings, batched) and {type: 'done', elapsed, cancelled, error?}; per stepped run {type: 'stepped',
//                 json}: {records, version, error?, truncated?, unsupported?} as one JSON text.
import type { PyodideAPI } from 'pyodide';

type Incoming =
  | { type: 'init'; base: string; sizes: Record<string, number>; files: Record<string, string> }
  | { type: 'run'; source: string; filename: string; argv: string[]; clock: 'real' | 'virtual'; scale: number }
  | { type: 'steps'; source: string; filename: string; argv: string[] }
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

// The records as one JSON text: {records, version (CPython's), error?, truncated?, unsupported?}. Past MAX_STEP_CHARS of
// records the loop is stopped and what was recorded is kept, marked truncated (the C++ engine's limit,
// native/bindings/bindings.cpp). The executor's jobs would need threads, which Pyodide cannot start:
// run_in_executor is refused, and the page says so (the native comparison leaves the executor out too).
const STEPS = `import asyncio, json, linecache, sys, _steps, _trace
class _Unsteppable(Exception):
    pass
def _refuse(self, *args, **kwargs):
    raise _Unsteppable("run_in_executor: the executor's jobs need threads, which CPython in the page (Pyodide) cannot start, so this program is not stepped here")
def _steps_run():
    out = {"records": [], "version": sys.version.split()[0]}
    size = [0]
    def emit(rec):
        if out.get("truncated"):
            return
        text = json.dumps(rec, separators=(",", ":"))
        if size[0] + len(text) > ${48 << 20}:
            out["truncated"] = True
            try:
                asyncio.get_running_loop().stop()
            except RuntimeError:  # the last record, held until the run ended
                pass
            return
        size[0] += len(text)
        out["records"].append(text)
    saved = _steps.StepLoop.run_in_executor
    _steps.StepLoop.run_in_executor = _refuse
    linecache.cache[_filename] = (len(_source), None, _source.splitlines(True), _filename)
    try:
        _steps.run_steps(_source, _filename, list(_argv), emit)
    except _Unsteppable as e:
        out["unsupported"] = str(e)
    except BaseException as e:
        if not out.get("truncated") and not (isinstance(e, SystemExit) and e.code in (None, 0)):
            out["error"] = _trace._traceback(e, _filename)
    finally:
        _steps.StepLoop.run_in_executor = saved
        linecache.cache.pop(_filename, None)
    records = out.pop("records")
    return '{"records":[' + ",".join(records) + "]" + "".join("," + json.dumps(k) + ":" + json.dumps(v) for k, v in out.items()) + "}"
_steps_run()`;

function steps(msg: Extract<Incoming, { type: 'steps' }>): void {
  if (!py) throw new Error('the interpreter is not loaded');
  const globals = py.toPy({ _source: msg.source, _filename: msg.filename, _argv: msg.argv });
  try {
    const json = py.runPython(STEPS, { globals }) as string;
    scope.postMessage({ type: 'stepped', json });
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
  } else if (msg.type === 'steps') {
    try {
      steps(msg);
    } catch (e) {
      scope.postMessage({ type: 'stepped', json: JSON.stringify({ records: [], error: e instanceof Error ? e.message : String(e) }) });
    }
  } else if (msg.type === 'stop') {
    stopRun?.();
  }
};
