// The pages' engine: the registry's quick calls answered on the page, the loop on a thread of its own.
//
// - patterns(), limits(), check(), checkScale(), checkValue() and ideal() are synchronous (a form checks
//   a value as it is typed), so the page keeps an instance of the module for them: a WasmEngine
//   (./index.ts) whose loop never runs.
// - run(), steps(), stop() and warmUp() go to a dedicated Web Worker (./loop-worker.ts) holding a second
//   instance of the same compiled module. One step of the loop can take long — gather creating 100,000
//   tasks is one step, and Asyncify cannot suspend inside a coroutine's resume — and there it holds up no
//   frame of the page. The run's events come back in the module's batches and are dispatched by an
//   EventFeed (./events.ts), as they would be on the page.
// - Where no worker can start (a frame sandboxed without allow-same-origin, a blocked script), the page's
//   instance runs the loop itself, as every run did before: the long steps show, nothing else changes.
import type { Engine, Limits, PatternInfo, RunOptions, RunResult, StepRun } from './types';
import { EventFeed, report, watchHidden } from './events';
import { startModule, WasmEngine } from './index';
import { compileWasm } from './loader';

type Reply =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'events'; seq: number; events: string }
  | { type: 'done'; seq: number; value: unknown }
  | { type: 'error'; seq: number; message: string };

interface Pending {
  resolve(value: unknown): void;
  reject(e: Error): void;
  feed?: EventFeed;
}

export class WorkerEngine implements Engine {
  /** The loop's worker once it is up; null when the loop runs on the page. */
  private readonly loop: Promise<Worker | null>;
  private worker: Worker | null = null;
  private broken: Error | null = null;
  private seq = 0;
  private readonly pending = new Map<number, Pending>();
  private warming: Promise<void> | null = null;

  constructor(private readonly local: WasmEngine, wasm: WebAssembly.Module) {
    this.loop = this.startLoop(wasm);
  }

  patterns(): PatternInfo[] { return this.local.patterns(); }
  limits(): Limits { return this.local.limits(); }
  check(id: string, params: Record<string, string>): Record<string, string> { return this.local.check(id, params); }
  checkScale(text: string): number { return this.local.checkScale(text); }
  checkValue(what: string, spec: { type: 'number' | 'integer'; min: number; max: number }, value: string): string {
    return this.local.checkValue(what, spec, value);
  }
  ideal(id: string, params: Record<string, string>): number { return this.local.ideal(id, params); }

  async run(id: string, options: RunOptions = {}): Promise<RunResult> {
    // Once the worker is up the request is posted within this call, not a microtask later: the caller's
    // work after it (the views made ready) must not delay the run.
    if (!(this.worker ?? (await this.loop))) return this.local.run(id, options);
    const feed = new EventFeed(options);
    const visibility = watchHidden();
    try {
      const { params, timeScale, clock } = options;
      const result = (await this.request({ type: 'run', id: String(id), options: { params, timeScale, clock } }, feed)) as RunResult;
      await feed.settled();
      feed.attachTo(result);
      result.throttled = result.clock === 'real' && visibility.hidden;
      return result;
    } catch (e) {
      await feed.settled();  // what the run printed before it failed still reaches the listeners
      throw e;
    } finally {
      visibility.stop();
    }
  }

  async steps(id: string, params: Record<string, string> = {}): Promise<StepRun> {
    if (!(await this.loop)) return this.local.steps(id, params);
    return (await this.request({ type: 'steps', id: String(id), params })) as StepRun;
  }

  stop(): void {
    if (this.worker) this.worker.postMessage({ type: 'stop' });
    else this.local.stop();
  }

  warmUp(): Promise<void> {
    this.warming ??= this.loop
      .then((worker) => {
        if (!worker) return this.local.warmUp();
        this.warmQuickCalls();
        return this.request({ type: 'warm' });
      })
      .then(() => undefined, () => undefined);  // never fails: a run says what is wrong
    return this.warming;
  }

  /** The page's instance checks every request before a run starts: each pattern's check and ideal run
   *  once here, so that a first run does not wait for WebAssembly to compile them. */
  private warmQuickCalls(): void {
    try {
      this.local.checkScale('1');
      for (const p of this.local.patterns()) {
        const defaults = Object.fromEntries(p.params.map((s) => [s.key, s.default]));
        this.local.check(p.id, defaults);
        this.local.ideal(p.id, defaults);
      }
    } catch (e) {
      report('warm-up', e);  // the real run will say what is wrong
    }
  }

  private startLoop(wasm: WebAssembly.Module): Promise<Worker | null> {
    return new Promise((resolve) => {
      const onThePage = (why: string, worker?: Worker) => {
        worker?.terminate();
        console.warn(`aio: the loop runs on the page (${why})`);
        resolve(null);
      };
      let worker: Worker;
      try {
        // This exact form lets Vite bundle loop-worker.ts as a module worker.
        worker = new Worker(new URL('./loop-worker.ts', import.meta.url), { type: 'module', name: 'aio loop' });
      } catch (e) {
        onThePage(e instanceof Error ? e.message : String(e));
        return;
      }
      worker.onmessage = (ev: MessageEvent<Reply>) => {
        const m = ev.data;
        if (m.type === 'failed') onThePage(m.message, worker);
        if (m.type !== 'ready') return;
        worker.onmessage = (e: MessageEvent<Reply>) => this.receive(e.data);
        worker.onerror = (e) => this.fail(e.message || 'its worker stopped');
        this.worker = worker;
        resolve(worker);
      };
      worker.onerror = (e) => {
        e.preventDefault();
        onThePage(e.message || 'its worker could not start', worker);
      };
      worker.postMessage({ type: 'init', module: wasm });
    });
  }

  /** Posts a request to the loop's worker; resolves with its answer. */
  private request(message: { type: string } & Record<string, unknown>, feed?: EventFeed): Promise<unknown> {
    if (this.broken) return Promise.reject(new Error(`the scheduler stopped working: ${this.broken.message}`));
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { resolve, reject, feed });
      try {
        this.worker!.postMessage({ ...message, seq });
      } catch (e) {
        this.pending.delete(seq);
        reject(new Error(`the request could not be sent: ${e instanceof Error ? e.message : String(e)}`));
      }
    });
  }

  private receive(m: Reply): void {
    if (!('seq' in m)) return;
    const p = this.pending.get(m.seq);
    if (!p) return;
    if (m.type === 'events') {
      p.feed?.push(m.events);
      return;
    }
    this.pending.delete(m.seq);
    if (m.type === 'done') p.resolve(m.value);
    else p.reject(new Error(m.message));
  }

  /** The loop's worker died (out of memory, a crash): what waits on it fails, and so does what follows. */
  private fail(why: string): void {
    this.broken = new Error(why);
    for (const p of this.pending.values()) p.reject(new Error(`the scheduler stopped working: ${why}`));
    this.pending.clear();
  }
}

/** Loads the scheduler: compiles the .wasm once, starts the page's instance (reading the registry) and the
 *  loop's worker, which gets the same compiled module. */
export async function createEngine(): Promise<Engine> {
  const wasm = await compileWasm();
  return new WorkerEngine(new WasmEngine(await startModule(wasm)), wasm);
}
