// The scheduler in the browser: the C++ aio loop compiled to WebAssembly, implementing `Engine` on the
// thread that holds its instance. The page's engine (./worker-engine.ts) keeps one on the page for the
// registry's quick calls and runs patterns on one in a worker of their own (./loop-worker.ts); the engine
// tests drive this class on the page directly.
//
// - patterns() / limits() / check() / checkScale() / checkValue() / ideal(): the C++ registry
//   (patterns_json, limits_json, parse_params, parse_time_scale, Pattern::ideal): the page validates
//   nothing by rules of its own.
// - run(): patterns::run_pattern. The loop's idle wait suspends through Asyncify on a Promise
//   (setTimeout at the next deadline, or earlier when a worker reports or stop() is called), and a busy
//   loop yields to the thread every 10 ms (on the virtual clock too), so the thread stays responsive
//   between loop steps. Lines and trace events stream to onLine/onTrace through an EventFeed
//   (./events.ts); the result is the CLI's `--json` object plus `trace` and `throttled`.
// - Executor jobs (loop.run_in_executor) run in module Web Workers (./executor-worker.ts), each with its
//   own instance of the same module.
// - steps(): patterns::run_steps, the same run on the virtual clock with one record per loop iteration
//   (the page's Step mode), records of many tasks cut to what a page can hold (compactRecord). It may
//   suspend too (executor jobs, yields to the thread), so it goes through Asyncify like run() and shares
//   its one-run-at-a-time.
// - stop(): EventLoop::request_stop, i.e. cancels the main task; the result says `cancelled: true`.
// - warmUp(): what makes a first run as punctual as later ones. WebAssembly functions are compiled
//   on their first call and Web Workers take tens of milliseconds to boot, which a first run would pay
//   within its timings (the executor's pool, +15% on its first run): so the spare workers boot and
//   every pattern runs once on the virtual clock (instant), its executor jobs on those workers. run()
//   and steps() called meanwhile wait for it.
// Bad ids, parameters and options reject with an Error carrying the C++ message (patterns::ParamError).
import type { Clock, Engine, Limits, PatternInfo, RunOptions, RunResult, StepRecord, StepRun } from './types';
import { EventFeed, report, watchHidden } from './events';
import { compactRecord } from '../state/steps.js';
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

export type { Engine, Limits, PatternInfo, RunOptions, RunResult, StepRun, TraceEvent } from './types';

function spawnWorker(wasm: WebAssembly.Module): Worker {
  // This exact form lets Vite bundle executor-worker.ts as a module worker.
  const worker = new Worker(new URL('./executor-worker.ts', import.meta.url), { type: 'module' });
  worker.postMessage({ type: 'init', module: wasm });
  return worker;
}

/** How much of a stepped run's records an engine keeps (as JSON): a run past it is stopped there and its
 *  result says `truncated`. Compacted, a record of 100,000 tasks is some 100 KB. */
const MAX_STEP_BYTES = 48 << 20;

/** Spare executor workers kept booted: the executor pattern's two pools run one job each, one after the
 *  other, and the default pool keeps its worker until the run ends. More start when pools take them. */
const SPARE_WORKERS = 2;
/** How long the warm-up waits for its workers: where none can start (a frame sandboxed without
 *  allow-same-origin, a blocked script), runs go on without them and their jobs report the failure. */
const BOOT_WAIT_MS = 5000;

export class WasmEngine implements Engine {
  private busy = false;
  private broken: Error | null = null;
  private warming: Promise<void> | null = null;
  private readonly registry: PatternInfo[];
  private readonly limitsOf: Limits;

  constructor(protected readonly M: AioModule) {
    this.registry = JSON.parse(this.callText(() => M._aio_patterns_json())) as PatternInfo[];
    this.limitsOf = JSON.parse(this.callText(() => M._aio_limits_json())) as Limits;
  }

  patterns(): PatternInfo[] {
    return structuredClone(this.registry);
  }

  limits(): Limits {
    return structuredClone(this.limitsOf);
  }

  check(id: string, params: Record<string, string>): Record<string, string> {
    return JSON.parse(this.withParams(id, params, (idp, pp, n) => this.callText(() => this.M._aio_check(idp, pp, n)))) as Record<string, string>;
  }

  checkScale(text: string): number {
    this.usable();
    const p = cString(this.M, String(text));
    try {
      return this.call(() => this.M._aio_check_time_scale(p)).num;
    } finally {
      this.M._free(p);
    }
  }

  checkValue(what: string, spec: { type: 'number' | 'integer'; min: number; max: number }, value: string): string {
    this.usable();
    const M = this.M;
    const strings = [what, spec.type, String(value)].map((s) => cString(M, s));
    try {
      return this.callText(() => M._aio_check_value(strings[0], strings[1], spec.min, spec.max, strings[2]));
    } finally {
      for (const p of strings) M._free(p);
    }
  }

  ideal(id: string, params: Record<string, string>): number {
    return this.withParams(id, params, (idp, pp, n) => this.call(() => this.M._aio_ideal(idp, pp, n)).num);
  }

  /** `forward`: the loop's worker takes each batch of events as the module gives it (a JSON array, at
   *  most 256 KB) and posts it on, untouched; the result then has no trace of its own. */
  async run(id: string, options: RunOptions = {}, forward?: (json: string) => void): Promise<RunResult> {
    await this.warming;
    return this.start(id, options, forward);
  }

  warmUp(): Promise<void> {
    this.warming ??= (async () => {
      try {
        await Promise.race([this.M.aioHost.warm(SPARE_WORKERS), new Promise((r) => setTimeout(r, BOOT_WAIT_MS))]);
      } catch {
        // no worker could be made: the executor's jobs will say so
      }
      for (const p of this.registry) {
        try {
          await this.start(p.id, { clock: 'virtual' });
        } catch (e) {
          report('warm-up', e);  // the real run will say what is wrong
        }
      }
    })();
    return this.warming;
  }

  /** Runs the loop through a suspending export (numbers in, the reply on a channel), then frees
   *  `owned`. A throw means the module trapped: it is broken from then on and its heap is not touched. */
  private async callLoop(name: string, args: number[], owned: number[]): Promise<void> {
    const M = this.M;
    this.busy = true;
    M.aioHost.runStarted();
    try {
      await M.ccall(name, null, args.map(() => 'number'), args, { async: true });
    } catch (e) {
      this.broken = e instanceof Error ? e : new Error(String(e));
      throw new Error(`the scheduler failed: ${this.broken.message}`);
    } finally {
      M.aioHost.runEnded();
      this.busy = false;
      if (!this.broken) for (const p of owned) M._free(p);
    }
  }

  /** `keepBytes`: how much of the records to keep (as JSON) before the run is stopped, `truncated`. */
  async steps(id: string, params: Record<string, string> = {}, keepBytes = MAX_STEP_BYTES): Promise<StepRun> {
    await this.warming;
    this.usable();
    if (this.busy) throw new Error('a run is already in progress: stop it or wait for its result');
    const M = this.M;
    const bytes = encodeParams(params);
    const idp = cString(M, String(id));
    const pp = toHeap(M, bytes);
    // Each record as the run makes it, compacted here (the loop's thread), the whole previous one kept for
    // the next one's narration; past `keepBytes` kept, the run is stopped.
    const records: StepRecord[] = [];
    let prev: StepRecord | null = null;
    let kept = 0;
    M.aioOnRecord = (json) => {
      const rec = JSON.parse(json) as StepRecord;
      const shown = compactRecord(rec, prev);
      prev = rec;
      records.push(shown);
      kept += shown === rec ? json.length : JSON.stringify(shown).length;
      return kept <= keepBytes;
    };
    try {
      await this.callLoop('aio_steps', [idp, pp, bytes.length], [idp, pp]);
    } finally {
      M.aioOnRecord = undefined;
    }
    const r = takeReply(M, Channel.Run);
    if (!r.ok) throw new Error(replyText(r));
    return { records, ...(JSON.parse(replyText(r)) as Omit<StepRun, 'records'>) };
  }

  stop(): void {
    if (this.busy && !this.broken) this.M._aio_stop();
  }

  /** A quick export's reply; throws its message when it refused. */
  private call(f: () => void): { num: number; bytes: Uint8Array } {
    f();
    const r = takeReply(this.M, Channel.Call);
    if (!r.ok) throw new Error(replyText(r));
    return r;
  }

  private callText(f: () => void): string {
    const r = this.call(f);
    return replyText({ ok: true, ...r });
  }

  /** Copies the id and the parameters into the module for one call. */
  private withParams<T>(id: string, params: Record<string, string>, f: (id: number, params: number, len: number) => T): T {
    this.usable();
    const M = this.M;
    const bytes = encodeParams(params);
    const idp = cString(M, String(id));
    const pp = toHeap(M, bytes);
    try {
      return f(idp, pp, bytes.length);
    } finally {
      M._free(idp);
      M._free(pp);
    }
  }

  private usable(): void {
    if (this.broken) throw new Error(`the scheduler stopped working: ${this.broken.message}`);
  }

  private async start(id: string, options: RunOptions, forward?: (json: string) => void): Promise<RunResult> {
    this.usable();
    if (this.busy) throw new Error('a run is already in progress: stop it or wait for its result');
    // The clock goes by name; the module refuses any other (as it refuses a bad scale).
    const clock: Clock = options.clock ?? 'real';
    const scale = options.timeScale ?? 1;
    if (typeof scale !== 'number' || !Number.isFinite(scale)) throw new Error(`timeScale: '${String(scale)}' is not a number`);

    const M = this.M;
    const feed = new EventFeed(options);
    const visibility = watchHidden();
    // A batch is handed over inside the loop's own slice of the thread: the feed dispatches it later,
    // in slices of its own, and the run resolves once every event has been dispatched.
    M.aioOnEvents = forward ?? ((json) => feed.push(json));

    const bytes = encodeParams(options.params);
    const idp = cString(M, String(id));
    const pp = toHeap(M, bytes);
    const cp = cString(M, String(clock));
    try {
      await this.callLoop('aio_run', [idp, pp, bytes.length, cp, scale], [idp, pp, cp]);
    } finally {
      M.aioOnEvents = undefined;
      visibility.stop();
    }
    const r = takeReply(M, Channel.Run);
    await feed.settled();
    if (!r.ok) throw new Error(replyText(r));
    const result = JSON.parse(replyText(r)) as RunResult;
    feed.attachTo(result);
    result.throttled = clock === 'real' && visibility.hidden;
    return result;
  }
}

/** A new instance of the module on compiled code; its executor jobs run in Web Workers of this thread. */
export function startModule(wasm: WebAssembly.Module): Promise<AioModule> {
  return instantiate(wasm, { aioSpawnWorker: () => spawnWorker(wasm) });
}

/** Compiles the .wasm and starts an instance of it on this thread (the engine tests wrap it). */
export async function loadModule(): Promise<AioModule> {
  return startModule(await compileWasm());
}
