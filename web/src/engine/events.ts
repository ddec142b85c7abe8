// A run's trace events on their way to the run's listeners (RunOptions.onTrace / onLine), wherever the
// loop runs: the events arrive in batches of JSON text (the module's, at most 256 KB, handed over by the
// module on this thread or posted on by the loop's worker) and are dispatched in the order the loop
// produced them, in slices of SLICE_MS with a turn for the thread in between — a run of 100,000 tasks
// makes half a million events, which must not become one task of the page. Every printed line is also a
// 'line' event, which keeps onLine and onTrace in order.
//
// The run's result carries every event (`trace`), but the feed keeps them as the text they came in and
// parses them again only when `trace` is read: half a million objects kept alive for the whole run
// would make each of the page's garbage collections copy them, tens of milliseconds at a time.
import type { RunOptions, RunResult, TraceEvent } from './types';

/** How long the thread dispatches events before it lets everything else run again. */
const SLICE_MS = 8;

/** Resolves on the thread's next turn: a MessageChannel post, which the 4 ms clamp of nested timeouts
 *  does not delay. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => { port1.close(); resolve(); };
    port2.postMessage(0);
  });
}

export function report(where: string, e: unknown): void {
  console.error(`aio: the ${where} callback threw`, e);
}

/** Events dispatched between two looks at the clock. */
const CHECK_EVERY = 128;

export class EventFeed {
  /** The batches dispatched so far, as they came. */
  private readonly kept: string[] = [];
  private parsed: TraceEvent[] | null = null;
  private readonly batches: string[] = [];
  /** The batch being dispatched (parsed), and how far. */
  private current: TraceEvent[] = [];
  private at = 0;
  private draining: Promise<void> | null = null;

  constructor(private readonly listeners: Pick<RunOptions, 'onLine' | 'onTrace'>) {}

  /** Every event dispatched so far, parsed from the kept text on first use. */
  get trace(): TraceEvent[] {
    this.parsed ??= this.kept.flatMap((json) => JSON.parse(json) as TraceEvent[]);
    return this.parsed;
  }

  /** Gives `result` the feed's events as its `trace`, parsed when first read. */
  attachTo(result: RunResult): void {
    Object.defineProperty(result, 'trace', { get: () => this.trace, enumerable: true, configurable: true });
  }

  /** Queues a batch (a JSON array of events); it is dispatched on a later turn. */
  push(batch: string): void {
    this.batches.push(batch);
    this.draining ??= this.drain();
  }

  /** Resolves once every event pushed so far has been dispatched. */
  async settled(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    await nextTurn();
    // A slice ends between two events, not between two batches: a batch may hold a loop step's
    // hundred thousand events.
    for (;;) {
      const end = performance.now() + SLICE_MS;
      while (this.more()) {
        this.dispatch(Math.min(this.at + CHECK_EVERY, this.current.length));
        if (performance.now() >= end) break;
      }
      if (!this.more()) break;
      await nextTurn();
    }
    this.draining = null;
  }

  /** Whether an event is left to dispatch (the next batch parsed and made current when needed). */
  private more(): boolean {
    while (this.at >= this.current.length) {
      const next = this.batches.shift();
      if (next === undefined) return false;
      this.current = JSON.parse(next) as TraceEvent[];
      this.kept.push(next);
      this.parsed = null;
      this.at = 0;
    }
    return true;
  }

  /** Dispatches the current batch's events up to (not including) `until`. */
  private dispatch(until: number): void {
    const { onTrace, onLine } = this.listeners;
    for (; this.at < until; this.at++) {
      const event = this.current[this.at];
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
  }
}

/** Whether the page was hidden at any moment between this call and `stop()` (a hidden page's timers are
 *  throttled, so a real-clock run there is late through no fault of the loop). */
export function watchHidden(): { readonly hidden: boolean; stop(): void } {
  const doc = typeof document === 'undefined' ? null : document;
  let hidden = !!doc?.hidden;
  const onVisibility = () => {
    if (doc?.hidden) hidden = true;
  };
  doc?.addEventListener('visibilitychange', onVisibility);
  return {
    get hidden() { return hidden; },
    stop: () => doc?.removeEventListener('visibilitychange', onVisibility),
  };
}
