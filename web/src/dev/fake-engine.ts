// DEVELOPMENT FAKE of the WebAssembly engine: a tiny discrete-event scheduler in TypeScript that
// implements the `Engine` contract (web/src/engine/types.ts) for the eight classic patterns, so the
// playground can be built and tested before web/src/engine/index.ts exists. It is selected by the
// `aio-engine-select` plugin in web/vite.config.ts only when that file is missing or AIO_ENGINE=fake.
// Delete the whole web/src/dev/ folder (and that plugin, and "rootDirs" in web/tsconfig.json) once
// the real engine is in place.
import type {
  Clock, Engine, JobState, Line, ParamSpec, PatternInfo, RunOptions, RunResult, TaskState, TraceEvent,
} from '../engine/types';

class CancelledError extends Error {
  constructor() { super('CancelledError'); }
}

interface Timer { t: number; seq: number; fire(): void; fail(e: Error): void }
interface Task { id: number; name: string; promise: Promise<unknown> }

class Sim {
  now = 0;
  private seq = 0;
  private timers: Timer[] = [];
  private nextTask = 1;
  private nextJob = 1;
  private freeWorkers: number[] = [];
  private jobQueue: Array<() => void> = [];
  lines: Line[] = [];
  trace: TraceEvent[] = [];
  stopRequested = false;

  constructor(private readonly opts: RunOptions, workers = 0) {
    for (let w = 0; w < workers; w++) this.freeWorkers.push(w);
  }

  private emit(ev: TraceEvent): void {
    this.trace.push(ev);
    this.opts.onTrace?.(ev);
  }
  taskState(task: Task, state: TaskState, extra: Partial<{ name: string; parent: number; detail: string }> = {}): void {
    this.emit({ kind: 'task', t: this.now, id: task.id, state, ...extra });
  }
  print(text: string, task?: Task): void {
    const line = { t: this.now, text };
    this.lines.push(line);
    this.opts.onLine?.(line);
    this.emit({ kind: 'line', t: this.now, text, ...(task ? { task: task.id } : {}) });
  }

  private timer(d: number, fire: () => void, fail: (e: Error) => void): void {
    this.timers.push({ t: this.now + Math.max(0, d), seq: this.seq++, fire, fail });
  }

  spawn<R>(name: string, body: (self: Task) => Promise<R>, parent?: Task): Task & { promise: Promise<R> } {
    const task = { id: this.nextTask++, name } as Task & { promise: Promise<R> };
    this.taskState(task, 'created', { name, ...(parent ? { parent: parent.id } : {}) });
    task.promise = (async () => {
      await Promise.resolve();
      this.taskState(task, 'running');
      try {
        const r = await body(task);
        this.taskState(task, 'done');
        return r;
      } catch (e) {
        this.taskState(task, e instanceof CancelledError ? 'cancelled' : 'failed', { detail: String((e as Error).message) });
        throw e;
      }
    })();
    task.promise.catch(() => undefined);
    return task;
  }

  sleep(task: Task, d: number): Promise<void> {
    this.taskState(task, 'sleeping', { detail: `sleep(${d})` });
    return new Promise<void>((resolve, reject) => this.timer(d, resolve, reject)).then(() => this.taskState(task, 'running'));
  }

  async join<R>(task: Task, others: Array<{ promise: Promise<R> }>): Promise<R[]> {
    this.taskState(task, 'waiting');
    try {
      return await Promise.all(others.map((o) => o.promise));
    } finally {
      this.taskState(task, 'running');
    }
  }

  async first(task: Task, others: Array<{ promise: Promise<unknown> }>): Promise<number> {
    this.taskState(task, 'waiting');
    const idx = await Promise.race(others.map((o, i) => o.promise.then(() => i)));
    this.taskState(task, 'running');
    return idx;
  }

  /** run_in_executor: a blocking call of `d` seconds on the first free worker. */
  executor(task: Task, name: string, d: number): Promise<string> {
    const id = this.nextJob++;
    const job = (state: JobState, worker?: number) =>
      this.emit({ kind: 'job', t: this.now, id, state, name, task: task.id, ...(worker !== undefined ? { worker } : {}) });
    job('queued');
    return new Promise<string>((resolve, reject) => {
      const start = () => {
        const w = this.freeWorkers.shift()!;
        job('running', w);
        this.timer(d, () => { job('done', w); this.freeWorkers.push(w); this.jobQueue.shift()?.(); resolve('Result'); }, reject);
      };
      if (this.freeWorkers.length) start(); else this.jobQueue.push(start);
    });
  }

  async drive<R>(main: { promise: Promise<R> }, clock: Clock, scale: number): Promise<void> {
    let finished = false;
    main.promise.then(() => { finished = true; }, () => { finished = true; });
    const t0 = performance.now();
    let cancelled = false;
    for (;;) {
      await macrotask();
      if (finished) return;
      if (this.stopRequested && !cancelled) {
        cancelled = true;
        if (clock === 'real') this.now = Math.max(this.now, (performance.now() - t0) / 1000 / scale);
        const pending = this.timers.splice(0);
        for (const tm of pending) tm.fail(new CancelledError());
        continue;
      }
      this.timers.sort((a, b) => a.t - b.t || a.seq - b.seq);
      const tm = this.timers.shift();
      if (!tm) return;
      if (clock === 'real') {
        const due = t0 + tm.t * scale * 1000;
        while (performance.now() < due && !this.stopRequested) {
          await new Promise((r) => setTimeout(r, Math.min(50, Math.max(0, due - performance.now()))));
        }
        if (this.stopRequested) { this.timers.unshift(tm); continue; }
        this.now = Math.max(tm.t, (performance.now() - t0) / 1000 / scale);
      } else {
        this.now = tm.t;
      }
      tm.fire();
    }
  }
}

function macrotask(): Promise<void> {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => { ch.port1.close(); resolve(); };
    ch.port2.postMessage(null);
  });
}

type P = Record<string, string>;
const num = (p: P, k: string) => Number(p[k]);
const list = (p: P, k: string) => p[k].split(',').map((s) => Number(s.trim()));
const fmt = (n: number) => String(Number(n.toFixed(6)));

interface FakePattern { info: Omit<PatternInfo, 'ideal'>; ideal(p: P): number; workers?(p: P): number; main(sim: Sim, self: Task, p: P): Promise<void> }

const spec = (key: string, label: string, type: ParamSpec['type'], def: string, extra: Partial<ParamSpec> = {}): ParamSpec =>
  ({ key, label, type, default: def, help: extra.help ?? label, ...extra });

const PATTERNS: FakePattern[] = [
  {
    info: { id: 'create-task', title: 'create_task: run work in the background', summary: 'Schedule two coroutines as tasks, keep working in main, then await both results.',
      params: [spec('delay1', 'Task 1 delay (s)', 'number', '2', { min: 0, max: 30 }), spec('delay2', 'Task 2 delay (s)', 'number', '1', { min: 0, max: 30 }), spec('work', 'Main work (s)', 'number', '0.5', { min: 0, max: 30 })] },
    ideal: (p) => Math.max(num(p, 'delay1'), num(p, 'delay2'), num(p, 'work')),
    async main(sim, self, p) {
      const mk = (n: number, d: number) => sim.spawn(`Task ${n}`, async (t) => {
        sim.print(`Task ${n} started`, t); await sim.sleep(t, d); sim.print(`Task ${n} completed`, t); return `Result from Task ${n}`;
      }, self);
      const t1 = mk(1, num(p, 'delay1'));
      const t2 = mk(2, num(p, 'delay2'));
      sim.print('Main: doing other work', self);
      await sim.sleep(self, num(p, 'work'));
      const [r1] = await sim.join(self, [t1]);
      const [r2] = await sim.join(self, [t2]);
      sim.print(`Results: ${r1}, ${r2}`, self);
    },
  },
  {
    info: { id: 'gather', title: 'gather: run many coroutines at once', summary: 'Fetch several users concurrently with asyncio.gather and collect the results in order.',
      params: [spec('users', 'Users', 'integer', '5', { min: 0, max: 100000 }), spec('delay', 'Fetch delay (s)', 'number', '0.5', { min: 0, max: 30 })] },
    ideal: (p) => num(p, 'delay'),
    async main(sim, self, p) {
      const n = num(p, 'users');
      const tasks = Array.from({ length: n }, (_, i) => sim.spawn(`fetch_user(${i + 1})`, async (t) => { await sim.sleep(t, num(p, 'delay')); return i + 1; }, self));
      const users = await sim.join(self, tasks);
      sim.print(`Fetched ${users.length} users`, self);
    },
  },
  {
    info: { id: 'timing', title: 'Timing: sequential vs concurrent', summary: 'Await the same sleeps one after another, then all at once, and compare the elapsed times.',
      params: [spec('tasks', 'Tasks', 'integer', '3', { min: 1, max: 50 }), spec('delay', 'Delay (s)', 'number', '1', { min: 0, max: 30 })] },
    ideal: (p) => num(p, 'tasks') * num(p, 'delay') + num(p, 'delay'),
    async main(sim, self, p) {
      const n = num(p, 'tasks'); const d = num(p, 'delay');
      let start = sim.now;
      for (let i = 0; i < n; i++) await sim.sleep(self, d);
      sim.print(`Sequential: ${(sim.now - start).toFixed(2)}s`, self);
      start = sim.now;
      await sim.join(self, Array.from({ length: n }, (_, i) => sim.spawn(`sleep ${i + 1}`, (t) => sim.sleep(t, d), self)));
      sim.print(`Concurrent: ${(sim.now - start).toFixed(2)}s`, self);
    },
  },
  {
    info: { id: 'as-completed', title: 'as_completed: results in finishing order', summary: 'Start tasks with decreasing delays and handle each result as soon as it is ready.',
      params: [spec('tasks', 'Tasks', 'integer', '5', { min: 1, max: 50 })] },
    ideal: (p) => num(p, 'tasks') - 1,
    async main(sim, self, p) {
      const n = num(p, 'tasks');
      const tasks = Array.from({ length: n }, (_, i) => {
        const d = n - 1 - i;
        return sim.spawn(`Task ${i + 1}`, async (t) => { await sim.sleep(t, d); return `Task ${i + 1} completed (delay: ${d}s)`; }, self);
      });
      const left = [...tasks];
      while (left.length) {
        const i = await sim.first(self, left);
        const [r] = await sim.join(self, [left[i]]);
        sim.print(r, self);
        left.splice(i, 1);
      }
    },
  },
  {
    info: { id: 'wait', title: 'wait: first completed, first exception, or all', summary: 'asyncio.wait returns the done and pending sets according to return_when and an optional timeout.',
      params: [spec('delays', 'Delays (s)', 'list', '1,2,3', { min: 0, max: 30, maxItems: 20 }),
        spec('return_when', 'Return when', 'choice', 'FIRST_COMPLETED', { choices: ['FIRST_COMPLETED', 'FIRST_EXCEPTION', 'ALL_COMPLETED'] }),
        spec('timeout', 'Timeout (s)', 'number', 'none', { min: 0, max: 30, optional: true })] },
    ideal: (p) => {
      const ds = list(p, 'delays');
      const w = p.return_when === 'FIRST_COMPLETED' ? Math.min(...ds) : Math.max(...ds);
      return p.timeout === 'none' ? w : Math.min(w, Number(p.timeout));
    },
    async main(sim, self, p) {
      const ds = list(p, 'delays');
      const tasks = ds.map((d, i) => sim.spawn(`Task ${i + 1}`, async (t) => { await sim.sleep(t, d); return i; }, self));
      if (p.return_when === 'FIRST_COMPLETED') {
        const i = await sim.first(self, tasks);
        sim.print(`First completed: Task ${i + 1}`, self);
      } else {
        await sim.join(self, tasks);
        sim.print(`All ${tasks.length} tasks completed`, self);
      }
    },
  },
  {
    info: { id: 'task-group', title: 'TaskGroup: structured concurrency', summary: 'Run children inside an async with TaskGroup block; all finish (or all are cancelled) before it exits.',
      params: [spec('values', 'Values', 'list', '1,2,3', { min: -1000, max: 1000, maxItems: 20 }), spec('delay', 'Delay (s)', 'number', '1', { min: 0, max: 30 })] },
    ideal: (p) => num(p, 'delay'),
    async main(sim, self, p) {
      const vs = list(p, 'values');
      const tasks = vs.map((v) => sim.spawn(`double(${v})`, async (t) => { await sim.sleep(t, num(p, 'delay')); return v * 2; }, self));
      const rs = await sim.join(self, tasks);
      sim.print(rs.map(fmt).join(' '), self);
    },
  },
  {
    info: { id: 'chaining', title: 'Chaining coroutines', summary: 'Fetch a user, then their orders and profile, passing each result to the next coroutine.',
      params: [spec('user_id', 'User id', 'integer', '1', { min: 0, max: 1000000 }), spec('delay', 'Delay (s)', 'number', '0.5', { min: 0, max: 30 }), spec('orders', 'Orders', 'integer', '3', { min: 0, max: 100 })] },
    ideal: (p) => 3 * num(p, 'delay'),
    async main(sim, self, p) {
      const d = num(p, 'delay'); const id = num(p, 'user_id');
      const user = sim.spawn('fetch_user', async (t) => { await sim.sleep(t, d); return { id, name: `User ${id}` }; }, self);
      const [u] = await sim.join(self, [user]);
      const orders = sim.spawn('fetch_orders', async (t) => { await sim.sleep(t, d); return Array.from({ length: num(p, 'orders') }, (_, i) => ({ id: i, item: `Item ${i}` })); }, self);
      const [o] = await sim.join(self, [orders]);
      const prof = sim.spawn('fetch_profile', async (t) => { await sim.sleep(t, d); return { bio: 'User bio', location: 'Earth' }; }, self);
      const [pr] = await sim.join(self, [prof]);
      const j = (v: unknown) => JSON.stringify(v).replace(/":/g, '": ').replace(/,"/g, ', "').replace(/},{/g, '}, {');
      sim.print(j({ ...u, orders: o, profile: pr }), self);
    },
  },
  {
    info: { id: 'executor', title: 'run_in_executor: blocking work off the loop', summary: 'Hand blocking calls to a thread pool and await them without stalling the event loop.',
      params: [spec('delay', 'Blocking delay (s)', 'number', '1', { min: 0, max: 30 }), spec('workers', 'Workers', 'integer', '5', { min: 1, max: 32 })] },
    ideal: (p) => num(p, 'delay'),
    workers: (p) => num(p, 'workers'),
    async main(sim, self, p) {
      const calls = [1, 2].map((n) => sim.spawn(`blocking ${n}`, (t) => sim.executor(t, 'blocking_io', num(p, 'delay')), self));
      const rs = await sim.join(self, calls);
      for (const r of rs) sim.print(r, self);
    },
  },
];

function checkParams(fp: FakePattern, params: Record<string, string> = {}): P {
  const out: P = {};
  for (const k of Object.keys(params)) if (!fp.info.params.some((s) => s.key === k)) throw new Error(`unknown parameter '${k}'`);
  for (const s of fp.info.params) {
    const v = (params[s.key] ?? s.default).trim();
    out[s.key] = v;
    if (s.optional && v === 'none') continue;
    const bad = (why: string) => new Error(`${s.key}: ${why}`);
    if (s.type === 'choice') { if (!s.choices?.includes(v)) throw bad(`must be one of ${s.choices?.join(', ')}`); continue; }
    const items = s.type === 'list' ? v.split(',') : [v];
    if (s.maxItems !== undefined && items.length > s.maxItems) throw bad(`at most ${s.maxItems} items`);
    for (const it of items) {
      const n = Number(it);
      if (it.trim() === '' || !Number.isFinite(n)) throw bad(`'${it}' is not a number`);
      if (s.type === 'integer' && !Number.isInteger(n)) throw bad('must be a whole number');
      if ((s.min !== undefined && n < s.min) || (s.max !== undefined && n > s.max)) throw bad(`must be between ${s.min} and ${s.max}`);
    }
  }
  return out;
}

export async function createEngine(): Promise<Engine> {
  let current: Sim | null = null;
  const find = (id: string) => {
    const fp = PATTERNS.find((x) => x.info.id === id);
    if (!fp) throw new Error(`unknown pattern '${id}'`);
    return fp;
  };
  return {
    patterns: () => PATTERNS.map((fp) => ({ ...fp.info, params: fp.info.params.map((s) => ({ ...s })), ideal: fp.ideal(checkParams(fp)) })),
    ideal: (id, params) => { const fp = find(id); return fp.ideal(checkParams(fp, params)); },
    stop: () => { if (current) current.stopRequested = true; },
    async run(id, options = {}) {
      if (current) throw new Error('a run is already in progress');
      const fp = find(id);
      const p = checkParams(fp, options.params);
      const clock = options.clock ?? 'real';
      const scale = options.timeScale ?? 1;
      if (!(scale >= 0.01 && scale <= 10)) throw new Error('time_scale must be between 0.01 and 10');
      const sim = new Sim(options, fp.workers?.(p) ?? 0);
      current = sim;
      const main = sim.spawn('main', (self) => fp.main(sim, self, p));
      let cancelled = false; let error: string | undefined;
      try {
        await sim.drive(main, clock, scale);
        await main.promise;
      } catch (e) {
        if (e instanceof CancelledError) cancelled = true; else error = (e as Error).message;
      } finally {
        current = null;
      }
      const result: RunResult = { id, params: p, clock, time_scale: scale, lines: sim.lines, elapsed: sim.now, ideal: fp.ideal(p), cancelled, trace: sim.trace };
      if (error) result.error = error;
      return result;
    },
  };
}
