// The CPython engine of the page: Pyodide in a Web Worker (./worker.ts), loaded on first use from the
// page's own host, then kept for every later run. A run streams the same Line and TraceEvent shapes as
// the C++ engine (recorded by native/patterns/python/_trace.py from CPython's own tasks).
// This module is imported only when a visitor asks for a CPython run (a dynamic import), so none of it,
// nor Pyodide, is part of the playground's first load.
import { files, pyodideSizes } from 'virtual:pattern-python';
import type { Clock, Line, StepRun, TraceEvent } from '../engine/types';

export interface PyRunOptions {
  /** The program's text: a pattern's original (pythonSource) or an edited copy. */
  source: string;
  /** The name tracebacks show, e.g. "gather.py". */
  filename: string;
  /** The parameters, passed as the originals read them: key=value arguments. */
  params: Record<string, string>;
  clock: Clock;
  scale?: number;
  onLine?(line: Line): void;
  onTrace?(event: TraceEvent): void;
}

export interface PyRunResult {
  lines: Line[];
  trace: TraceEvent[];
  /** Seconds of the run on its clock (pattern seconds). */
  elapsed: number;
  cancelled: boolean;
  /** Python's traceback when the program raised (or why it could not run). */
  error?: string;
}

/** CPython's stepped run: its records, in the shape of the C++ engine's (engine.steps). */
export interface PyStepRun extends StepRun {
  /** Why the program cannot be stepped in CPython here (the executor's jobs need threads). */
  unsupported?: string;
  /** The interpreter's version ("3.14.2"): the port mirrors CPython 3.11, and a few behaviours moved since. */
  version?: string;
}

export interface LoadProgress {
  loaded: number;
  total: number;
}

/** Bytes Pyodide's runtime files weigh (uncompressed), as the build copied them. */
export const pyodideBytes = Object.values(pyodideSizes).reduce((a, b) => a + b, 0);

/** The Python original of a pattern, exactly as native/patterns/python/<id>.py holds it. */
export function pythonSource(id: string): string | undefined {
  return files[`${id}.py`];
}

/** A stop waits this long for the run to end by cancellation before the worker is terminated. */
const STOP_GRACE_MS = 1000;

type WorkerMessage =
  | { type: 'progress'; loaded: number; total: number }
  | { type: 'ready'; ms: number }
  | { type: 'failed'; message: string }
  | { type: 'events'; events: string[] }
  | { type: 'done'; elapsed: number; cancelled: boolean; error?: string }
  | { type: 'stepped'; json: string };

export class PythonEngine {
  private worker: Worker | null = null;
  private loading: Promise<number> | null = null;
  private progress = new Set<(p: LoadProgress) => void>();
  private active: {
    finish(r: { elapsed: number; cancelled: boolean; error?: string }): void;
    events(e: string[]): void;
    stepped?(json: string): void;
  } | null = null;
  /** Milliseconds the latest load took, from creating the worker to the interpreter being ready. */
  loadMs: number | null = null;

  get ready(): boolean {
    return this.worker !== null && this.loadMs !== null && this.loading === null;
  }

  get running(): boolean {
    return this.active !== null;
  }

  /** Loads the interpreter (once; later calls share the load). Resolves with the load's milliseconds. */
  load(onProgress?: (p: LoadProgress) => void): Promise<number> {
    if (onProgress) this.progress.add(onProgress);
    if (this.ready) return Promise.resolve(this.loadMs ?? 0);
    this.loading ??= this.start().finally(() => { this.loading = null; this.progress.clear(); });
    return this.loading;
  }

  private start(): Promise<number> {
    const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'cpython' });
    this.worker = worker;
    this.loadMs = null;
    return new Promise((resolve, reject) => {
      worker.onmessage = (ev: MessageEvent<WorkerMessage>) => {
        const m = ev.data;
        if (m.type === 'progress') for (const f of this.progress) f(m);
        else if (m.type === 'ready') { this.loadMs = m.ms; resolve(m.ms); }
        else if (m.type === 'failed') { this.discard(); reject(new Error(`CPython could not be loaded: ${m.message}`)); }
        else if (m.type === 'events') this.active?.events(m.events);
        else if (m.type === 'done') this.active?.finish(m);
        else if (m.type === 'stepped') this.active?.stepped?.(m.json);
      };
      worker.onerror = (e) => {
        e.preventDefault();
        if (this.loadMs === null) { this.discard(); reject(new Error(`CPython could not be loaded: ${e.message || 'the worker failed'}`)); }
        else this.active?.finish({ elapsed: 0, cancelled: false, error: e.message || 'the CPython worker failed' });
      };
      const harness = Object.fromEntries(Object.entries(files).filter(([name]) => name.startsWith('_')));
      worker.postMessage({ type: 'init', base: new URL('pyodide/', document.baseURI).href, sizes: pyodideSizes, files: harness });
    });
  }

  private discard(): void {
    this.worker?.terminate();
    this.worker = null;
    this.loadMs = null;
  }

  /** Runs one program; loads the interpreter first if needed. One run at a time. */
  async run(opts: PyRunOptions): Promise<PyRunResult> {
    if (this.active) throw new Error('a CPython run is already in progress');
    await this.load();
    const worker = this.worker;
    if (!worker) throw new Error('CPython is not loaded');
    const lines: Line[] = [];
    const trace: TraceEvent[] = [];
    return new Promise<PyRunResult>((resolve) => {
      this.active = {
        events: (batch) => {
          for (const text of batch) {
            const ev = JSON.parse(text) as TraceEvent;
            trace.push(ev);
            opts.onTrace?.(ev);
            if (ev.kind === 'line') {
              const line = { t: ev.t, text: ev.text };
              lines.push(line);
              opts.onLine?.(line);
            }
          }
        },
        finish: (r) => {
          this.active = null;
          resolve({ lines, trace, elapsed: r.elapsed, cancelled: r.cancelled, ...(r.error ? { error: r.error } : {}) });
        },
      };
      worker.postMessage({
        type: 'run', source: opts.source, filename: opts.filename, clock: opts.clock, scale: opts.scale ?? 1,
        argv: Object.entries(opts.params).map(([k, v]) => `${k}=${v}`),
      });
    });
  }

  /** Runs a pattern's Python original (or `source`, an edited copy) on the virtual clock, recording
   *  every loop iteration (native/patterns/python/_steps.py): the records Step mode shows beside the C++
   *  engine's, in the same shape. `params`: key=value as the originals read them. Loads the interpreter
   *  first if needed; shares run()'s one-at-a-time. A stop terminates the worker (the run never yields). */
  async steps(pattern: string, params: Record<string, string>, source?: string): Promise<PyStepRun> {
    if (this.active) throw new Error('a CPython run is already in progress');
    const text = source ?? pythonSource(pattern);
    if (text === undefined) throw new Error(`${pattern} has no Python original`);
    await this.load();
    const worker = this.worker;
    if (!worker) throw new Error('CPython is not loaded');
    return new Promise<PyStepRun>((resolve) => {
      this.active = {
        events: () => undefined,
        stepped: (json) => {
          this.active = null;
          resolve(JSON.parse(json) as PyStepRun);
        },
        finish: (r) => {
          this.active = null;
          resolve({ records: [], ...(r.cancelled ? { error: 'stopped' } : { error: r.error ?? 'the CPython worker failed' }) });
        },
      };
      worker.postMessage({ type: 'steps', source: text, filename: `${pattern}.py`, argv: Object.entries(params).map(([k, v]) => `${k}=${v}`) });
    });
  }

  /** Stops the running program: its main task is cancelled, or, when the program does not give the
   *  worker a moment (a virtual-clock run, a busy loop), the worker is terminated and the next run
   *  loads the interpreter again (from the browser's cache). */
  stop(): void {
    const active = this.active;
    if (!active || !this.worker) return;
    this.worker.postMessage({ type: 'stop' });
    setTimeout(() => {
      if (this.active !== active) return;
      this.discard();
      active.finish({ elapsed: 0, cancelled: true });
    }, STOP_GRACE_MS);
  }
}

/** The page's one CPython engine. */
export const python = new PythonEngine();
