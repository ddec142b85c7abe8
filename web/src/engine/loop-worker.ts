// The loop's own thread: a dedicated Web Worker holding the instance of the module that runs patterns
// (WasmEngine, exactly as on a page), so that no step of the loop — gather creating 100,000 tasks is one
// step — ever holds up the page. The executor's workers are this worker's own (nested workers).
//
// page -> loop: {type: 'init', module}, then {type: 'run', seq, id, options}, {type: 'steps', seq, id,
//               params}, {type: 'warm', seq}, {type: 'stop'}.
// loop -> page: {type: 'ready'} or {type: 'failed', message} once the instance is up (or is not);
//               {type: 'events', seq, events} while a run goes (a JSON array of at most CHUNK events, so
//               that the page takes each in well under a frame: a loop step's batch may hold 100,000);
//               then {type: 'done', seq, value} or
//               {type: 'error', seq, message}. A run's result goes without its trace: the page keeps the
//               events it was sent.
import { startModule, WasmEngine } from './index';
import type { RunOptions, TraceEvent } from './types';
import { nextTurn } from './events';

type Incoming =
  | { type: 'init'; module: WebAssembly.Module }
  | { type: 'run'; seq: number; id: string; options: Pick<RunOptions, 'params' | 'timeScale' | 'clock'> }
  | { type: 'steps'; seq: number; id: string; params: Record<string, string> }
  | { type: 'warm'; seq: number }
  | { type: 'stop' };

/** Most events a message carries: the page deserializes a message in one go. */
const CHUNK = 2000;

const scope = self as unknown as {
  postMessage(m: unknown): void;
  onmessage: ((ev: MessageEvent<Incoming>) => void) | null;
};

let engine: Promise<WasmEngine> | null = null;

/** The events of the run under way, not yet posted. */
let pending: TraceEvent[] = [];
let pendingSeq = 0;
let flushing = false;

function flush(): void {
  if (pending.length) scope.postMessage({ type: 'events', seq: pendingSeq, events: JSON.stringify(pending) });
  pending = [];
}

function onTrace(seq: number, event: TraceEvent): void {
  pendingSeq = seq;
  pending.push(event);
  if (pending.length >= CHUNK) flush();
  else if (!flushing) {
    // What a slice of dispatching left goes out on the next turn, so lines stream as they are printed.
    flushing = true;
    void nextTurn().then(() => { flushing = false; flush(); });
  }
}

async function answer(seq: number, work: (e: WasmEngine) => Promise<unknown>): Promise<void> {
  try {
    const value = await work(await engine!);
    flush();
    scope.postMessage({ type: 'done', seq, value });
  } catch (e) {
    flush();
    scope.postMessage({ type: 'error', seq, message: e instanceof Error ? e.message : String(e) });
  }
}

scope.onmessage = (ev) => {
  const m = ev.data;
  switch (m.type) {
    case 'init':
      engine = startModule(m.module).then((M) => new WasmEngine(M));
      engine.then(
        () => scope.postMessage({ type: 'ready' }),
        (e: unknown) => scope.postMessage({ type: 'failed', message: e instanceof Error ? e.message : String(e) }),
      );
      break;
    case 'run':
      void answer(m.seq, async (e) => {
        const result = await e.run(m.id, { ...m.options, onTrace: (event) => onTrace(m.seq, event) });
        // Replaced unread: reading it would parse every event here once more.
        Object.defineProperty(result, 'trace', { value: [], enumerable: true });
        return result;
      });
      break;
    case 'steps':
      void answer(m.seq, (e) => e.steps(m.id, m.params));
      break;
    case 'warm':
      void answer(m.seq, (e) => e.warmUp());
      break;
    case 'stop':
      void engine?.then((e) => e.stop(), () => undefined);
      break;
  }
};
