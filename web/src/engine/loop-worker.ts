// The loop's own thread: a dedicated Web Worker holding the instance of the module that runs patterns
// (WasmEngine, exactly as on a page), so that no step of the loop — gather creating 100,000 tasks is one
// step — ever holds up the page. The executor's workers are this worker's own (nested workers).
//
// page -> loop: {type: 'init', module}, then {type: 'run', seq, id, options}, {type: 'steps', seq, id,
//               params}, {type: 'warm', seq}, {type: 'stop'}.
// loop -> page: {type: 'ready'} or {type: 'failed', message} once the instance is up (or is not);
//               {type: 'events', seq, events} while a run goes (a JSON array of events as the module
//               gives it, at most 256 KB: the page parses one in a few milliseconds, and this thread,
//               which runs the loop, spends nothing on them); then {type: 'done', seq, value} or
//               {type: 'error', seq, message}. A run's result goes without its trace: the page keeps the
//               events it was sent.
import { startModule, WasmEngine } from './index';
import type { RunOptions } from './types';

type Incoming =
  | { type: 'init'; module: WebAssembly.Module }
  | { type: 'run'; seq: number; id: string; options: Pick<RunOptions, 'params' | 'timeScale' | 'clock'> }
  | { type: 'steps'; seq: number; id: string; params: Record<string, string> }
  | { type: 'warm'; seq: number }
  | { type: 'stop' };

const scope = self as unknown as {
  postMessage(m: unknown): void;
  onmessage: ((ev: MessageEvent<Incoming>) => void) | null;
};

let engine: Promise<WasmEngine> | null = null;

async function answer(seq: number, work: (e: WasmEngine) => Promise<unknown>): Promise<void> {
  try {
    const value = await work(await engine!);
    scope.postMessage({ type: 'done', seq, value });
  } catch (e) {
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
        const result = await e.run(m.id, m.options, (events) => scope.postMessage({ type: 'events', seq: m.seq, events }));
        return { ...result, trace: [] };
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
