// One executor worker: its own instance of the scheduler's WebAssembly module, one job at a time.
//
// page -> worker: {type: 'init', module: WebAssembly.Module}, then {type: 'job', invoke, fn, args, clock,
//                 scale, worker}: run aio::run_job on (invoke, fn, packed args) — table indices, the same
//                 in every instance of the module.
// worker -> page: {type: 'booted'} once its instance is ready (the page keeps booted workers spare ahead
//                 of any job), then for each job {type: 'started'}, then {type: 'done', ok, value: packed result or error message,
//                 vs: virtual seconds of its blocking sleeps}, or {type: 'died', message} when the
//                 instance itself failed (a trap): the worker then closes and the page replaces it.
// A blocking sleep in a job spins on performance.now() here (no SharedArrayBuffer, so no Atomics.wait):
// that blocks this worker only.
import { Channel, instantiate, takeReply, toHeap, type AioModule } from './loader';

interface JobMessage {
  type: 'job';
  invoke: number;
  fn: number;
  args: Uint8Array;
  /** aio::ClockKind as worker_pool.cpp sent it; passed through untouched, only C++ reads it. */
  clock: number;
  scale: number;
  worker: number;
}

type Incoming = { type: 'init'; module: WebAssembly.Module } | JobMessage;

const scope = self as unknown as {
  postMessage(m: unknown, transfer?: Transferable[]): void;
  onmessage: ((ev: MessageEvent<Incoming>) => void) | null;
  close(): void;
};

let ready: Promise<AioModule> | null = null;

function die(message: string): void {
  scope.postMessage({ type: 'died', message });
  scope.close();
}

async function run(m: JobMessage): Promise<void> {
  let M: AioModule;
  try {
    if (!ready) throw new Error('no module was given to this worker');
    M = await ready;
  } catch (e) {
    die(`its WebAssembly module could not start: ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  scope.postMessage({ type: 'started' });
  let reply;
  try {
    const p = toHeap(M, m.args);
    M._aio_worker_run_job(m.invoke, m.fn, p, m.args.length, m.clock, m.scale, m.worker);
    M._free(p);
    reply = takeReply(M, Channel.Job);
  } catch (e) {
    // Not a C++ exception (run_job turns those into a failed outcome): a trap. The instance is unusable.
    die(e instanceof Error ? e.message : String(e));
    return;
  }
  scope.postMessage({ type: 'done', ok: reply.ok, value: reply.bytes, vs: reply.num }, [reply.bytes.buffer]);
}

scope.onmessage = (ev) => {
  const m = ev.data;
  if (m.type === 'init') {
    ready = instantiate(m.module);
    // Booted either way: an instance that failed is reported with the first job (the worker then dies).
    const booted = () => scope.postMessage({ type: 'booted' });
    ready.then(booted, booted);
  } else if (m.type === 'job') {
    void run(m);
  }
};
