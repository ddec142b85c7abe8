// The scheduler in the browser: the C++ aio loop compiled to WebAssembly, implementing `Engine`.
//
// - patterns() / ideal(): the C++ registry (patterns::patterns_json, Pattern::ideal with parse_params).
// - run(): patterns::run_pattern on the main thread. The loop's idle wait suspends through Asyncify on
//   a Promise (setTimeout at the next deadline, or earlier when a worker reports or stop() is called),
//   and a busy loop yields to the page every 10 ms, so the page stays responsive during a run. Lines
//   and trace events stream to onLine/onTrace each time the loop gives the page a turn (in the order
//   the loop produced them); the result is the CLI's `--json` object plus `trace` and `throttled`.
// - Executor jobs (loop.run_in_executor) run in module Web Workers (./worker.ts), each with its own
//   instance of the same module.
// - stop(): EventLoop::request_stop, i.e. cancels the main task; the result says `cancelled: true`.
// Bad ids, parameters and options reject with an Error carrying the C++ message (patterns::ParamError).
import type { Clock, Engine, PatternInfo, RunOptions, RunResult, TraceEvent } from './types';
import {
  Channel,
  compileWasm,
  cString,
  encodeParams,
  instantiate,
  replyText,
  takeReply,
  toHeap,
  type AioModule,
} from './loader';

export type { Engine, PatternInfo, RunOptions, RunResult, TraceEvent } from './types';

/** Counters of the executor's Web Workers (for tests and diagnostics). */
export interface WorkerStats {
  /** Messages the page received from workers. */
  messages: number;
  spawned: number;
  died: number;
  jobs: number;
}

function spawnWorker(wasm: WebAssembly.Module): Worker {
  // This exact form lets Vite bundle worker.ts as a module worker.
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  worker.postMessage({ type: 'init', module: wasm });
  return worker;
}

function report(where: string, e: unknown): void {
  console.error(`aio: the ${where} callback threw`, e);
}

export class WasmEngine implements Engine {
  private busy = false;
  private broken: Error | null = null;

  constructor(
    private readonly M: AioModule,
    private readonly registry: string,
  ) {}

  patterns(): PatternInfo[] {
    return JSON.parse(this.registry) as PatternInfo[];
  }

  ideal(id: string, params: Record<string, string>): number {
    this.usable();
    const M = this.M;
    const bytes = encodeParams(params);
    const idp = cString(M, String(id));
    const pp = toHeap(M, bytes);
    try {
      M._aio_ideal(idp, pp, bytes.length);
    } finally {
      M._free(idp);
      M._free(pp);
    }
    const r = takeReply(M, Channel.Call);
    if (!r.ok) throw new Error(replyText(r));
    return r.num;
  }

  run(id: string, options: RunOptions = {}): Promise<RunResult> {
    return this.start(id, options, false);
  }

  stop(): void {
    if (this.busy && !this.broken) this.M._aio_stop();
  }

  /** Not part of `Engine`: runs one of the engine's own diagnostics (bindings.cpp: "jobs", "busy"). */
  selfTest(name: string, options: RunOptions = {}): Promise<RunResult> {
    return this.start(name, options, true);
  }

  /** Not part of `Engine`: the executor's worker counters. */
  workerStats(): WorkerStats {
    return { ...this.M.aioHost.stats };
  }

  /** Not part of `Engine`: the longest time (ms) a run kept the main thread without a break; `reset` clears it. */
  loopStats(reset = false): { longest: number; stretches: number } {
    const s = { ...this.M.aioHost.loop };
    if (reset) this.M.aioHost.loop = { longest: 0, stretches: 0 };
    return s;
  }

  /** Not part of `Engine`: terminates a worker that is running a job (tests: a worker that dies). */
  killBusyWorker(): boolean {
    return this.M.aioHost.killBusyWorker();
  }

  private usable(): void {
    if (this.broken) throw new Error(`the scheduler stopped working: ${this.broken.message}`);
  }

  private async start(id: string, options: RunOptions, selftest: boolean): Promise<RunResult> {
    this.usable();
    if (this.busy) throw new Error('a run is already in progress: stop it or wait for its result');
    const clock: Clock = options.clock ?? 'real';
    if (clock !== 'real' && clock !== 'virtual') throw new Error(`clock: '${String(clock)}' is not real or virtual`);
    const scale = options.timeScale ?? 1;
    if (typeof scale !== 'number' || !Number.isFinite(scale)) throw new Error(`timeScale: '${String(scale)}' is not a number`);

    const M = this.M;
    const trace: TraceEvent[] = [];
    const { onLine, onTrace } = options;
    const doc = typeof document === 'undefined' ? null : document;
    let hidden = !!doc?.hidden;
    const onVisibility = () => {
      if (doc?.hidden) hidden = true;
    };
    doc?.addEventListener('visibilitychange', onVisibility);
    // Events arrive in batches, whenever the loop gives the page a turn; every printed line is also
    // a 'line' event, which keeps onLine and onTrace in the order the loop produced them.
    M.aioOnEvents = (json) => {
      for (const event of JSON.parse(json) as TraceEvent[]) {
        trace.push(event);
        if (onTrace) {
          try {
            onTrace(event);
          } catch (e) {
            report('onTrace', e);
          }
        }
        if (onLine && event.kind === 'line') {
          try {
            onLine({ t: event.t, text: event.text });
          } catch (e) {
            report('onLine', e);
          }
        }
      }
    };

    const bytes = encodeParams(options.params);
    const idp = cString(M, String(id));
    const pp = toHeap(M, bytes);
    this.busy = true;
    M.aioHost.runStarted();
    try {
      await M.ccall(
        'aio_run',
        null,
        ['number', 'number', 'number', 'number', 'number', 'number'],
        [idp, pp, bytes.length, clock === 'virtual' ? 1 : 0, scale, selftest ? 1 : 0],
        { async: true },
      );
    } catch (e) {
      this.broken = e instanceof Error ? e : new Error(String(e));
      throw new Error(`the scheduler failed: ${this.broken.message}`);
    } finally {
      M.aioHost.runEnded();
      this.busy = false;
      M.aioOnEvents = undefined;
      doc?.removeEventListener('visibilitychange', onVisibility);
      if (!this.broken) {
        M._free(idp);
        M._free(pp);
      }
    }
    const r = takeReply(M, Channel.Run);
    if (!r.ok) throw new Error(replyText(r));
    const result = JSON.parse(replyText(r)) as RunResult;
    result.trace = trace;
    result.throttled = clock === 'real' && hidden;
    return result;
  }
}

/** Loads the scheduler: compiles the .wasm, starts the page's instance and reads the registry. */
export async function createEngine(): Promise<Engine> {
  const wasm = await compileWasm();
  const M = await instantiate(wasm, { aioSpawnWorker: () => spawnWorker(wasm) });
  M._aio_patterns_json();
  const r = takeReply(M, Channel.Call);
  if (!r.ok) throw new Error(replyText(r));
  return new WasmEngine(M, replyText(r));
}
