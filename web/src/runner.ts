// The one page runner: what the playground, the embed and the benchmark page share. It loads the engine
// (the status line says so, and says why when it cannot), runs one pattern at a time — the parameters
// checked by the engine first, the lines and trace events streamed to the views, the timeline on its
// live clock, the outcome said in the console — stops the run, and binds Ctrl+Enter / Esc. A stepped
// run (Step mode) goes through it too: the pattern once on the virtual clock for the timeline, and its
// records, one per loop iteration.
import { nextTurn } from './engine/events';
import { createEngine } from './engine/worker-engine';
import type { Clock, Engine, Limits, Line, PatternInfo, RunResult, StepRun } from './engine/types';
import { fmtT } from './state/trace.js';
import type { OutputConsole } from './views/console';
import type { Timeline } from './views/timeline';

export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export interface RunRequest {
  pattern: PatternInfo;
  params: Record<string, string>;
  scale: number;
  clock: Clock;
}

/** Where a run shows itself; every part is optional (the benchmark page shows none). */
export interface RunViews {
  out?: OutputConsole;
  timeline?: Timeline | null;
  /** Each printed line, as it streams (after the console got it). */
  onLine?(line: Line): void;
  /** The run's result, the moment the engine gives it: before the views draw its end (the timeline's
   *  final drawing takes a while), so that an embed's host hears of it without that delay. */
  onResult?(result: RunResult): void;
}

/** A run that ended (finished, cancelled or failed inside the pattern), or one that could not start. */
export type RunEnd = { ok: true; result: RunResult } | { ok: false; message: string };

/** A stepped run: its records, and the same run's result (its trace draws the timeline). */
export type StepEnd = { ok: true; steps: StepRun; result: RunResult } | { ok: false; message: string };

/** Resolves after the page's next paint (or soon, where a hidden frame never paints). */
const afterPaint = () => new Promise<void>((resolve) => {
  requestAnimationFrame(() => setTimeout(resolve, 0));
  setTimeout(resolve, 500);
});

export class PageRunner {
  private current: { out?: OutputConsole } | null = null;
  /** The engine's warm-up (workers booted, code compiled), started after the first paint. */
  readonly warm: Promise<void>;

  /** Whether the warm-up is over: a run then starts within the call that asks for it. */
  private warmed = false;

  private constructor(readonly engine: Engine, readonly patterns: PatternInfo[], readonly limits: Limits) {
    this.warm = afterPaint().then(() => engine.warmUp()).then(() => { this.warmed = true; });
  }

  /** Loads the engine; on failure `status` says why and the result is null. */
  static async load(status: HTMLElement): Promise<PageRunner | null> {
    try {
      const engine = await createEngine();
      const patterns = engine.patterns();
      if (!patterns.length) throw new Error('the engine reports no patterns');
      status.textContent = '';
      status.hidden = true;
      return new PageRunner(engine, patterns, engine.limits());
    } catch (e) {
      status.textContent = `The engine could not be loaded: ${errorText(e)}`;
      status.classList.add('msg-error');
      return null;
    }
  }

  get running(): boolean {
    return this.current !== null;
  }

  find(id: string): PatternInfo | undefined {
    return this.patterns.find((p) => p.id === id);
  }

  /** The document's title for a pattern. */
  title(p: PatternInfo): void {
    document.title = `${p.id} · asyncio patterns in C++`;
  }

  /** Ctrl+Enter (Cmd+Enter) calls `run`; Esc stops the running pattern. */
  bindKeys(run: () => void): void {
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(); }
      else if (e.key === 'Escape' && this.running) { e.preventDefault(); this.stop(); }
    });
  }

  /** Cancels the running pattern; its run then ends with `cancelled: true`. */
  stop(): void {
    if (!this.current) return;
    this.current.out?.system('Stopping…', 'cancel');
    this.engine.stop();
  }

  /** Step mode's run: the pattern on the virtual clock, drawn on `timeline`, then every iteration's
   *  record. Both runs are deterministic, so the records and the timeline describe the same run. */
  async steps(req: { pattern: PatternInfo; params: Record<string, string> }, timeline?: Timeline | null): Promise<StepEnd> {
    if (this.current) return { ok: false, message: 'a run is already in progress' };
    this.current = {};
    try {
      timeline?.reset(this.engine.ideal(req.pattern.id, req.params));
      const result = await this.engine.run(req.pattern.id, { params: req.params, clock: 'virtual', onTrace: (ev) => timeline?.push(ev) });
      timeline?.finish(result.elapsed);
      const steps = await this.engine.steps(req.pattern.id, req.params);
      if (!steps.records.length) return { ok: false, message: steps.error ?? 'the run recorded no iteration' };
      return { ok: true, steps, result };
    } catch (e) {
      return { ok: false, message: errorText(e) };
    } finally {
      this.current = null;
    }
  }

  /** Runs one pattern; refuses while another runs. The console ends with what happened. */
  async run(req: RunRequest, views: RunViews = {}): Promise<RunEnd> {
    if (this.current) return { ok: false, message: 'a run is already in progress' };
    const { out, timeline, onLine, onResult } = views;
    let ideal: number;
    try {
      ideal = this.engine.ideal(req.pattern.id, req.params);
    } catch (e) {
      return { ok: false, message: errorText(e) };
    }
    this.current = { out };
    if (!this.warmed) await this.warm;  // only a run started within a moment of the page's load waits
    const t0 = performance.now();
    const mark = `aio:run ${req.pattern.id}`;
    let streamed = 0;
    const show = (line: Line) => {
      out?.line(line);
      onLine?.(line);
    };
    // The run is asked for first (within this call once warm) and the views made ready after, in the
    // same task (no event of the run can arrive before it ends): a host page times the run from its
    // request, not from the page's setup.
    const running = this.engine.run(req.pattern.id, {
      params: req.params, timeScale: req.scale, clock: req.clock,
      onLine: (line) => { streamed++; show(line); },
      onTrace: (ev) => timeline?.push(ev),
    });
    out?.clear();
    // On the real clock the live timeline advances with the page's clock, scaled into pattern seconds.
    timeline?.reset(ideal, req.clock === 'real' ? () => (performance.now() - t0) / 1000 / req.scale : undefined);
    try {
      const result = await running;
      if (!streamed) for (const line of result.lines) show(line);
      // User Timing: a run as the page lived it (DevTools shows it; scripts/bench reads it).
      performance.measure(mark, { start: t0, detail: { elapsed: result.elapsed, ideal: result.ideal, scale: req.scale, clock: req.clock } });
      try {
        onResult?.(result);
      } catch (e) {
        console.error('aio: the onResult callback threw', e);
      }
      // The views' end (the timeline's last drawing, the console's summary, the caller's) takes a task of
      // its own: a message to a frame of another origin leaves only when the task that posted it ends,
      // and at 100,000 tasks the two together would hold the page up longer than either.
      await nextTurn();
      timeline?.finish(result.elapsed);
      if (result.error) out?.system(`Error: ${result.error}`, 'error');
      else if (result.cancelled) out?.system(`Run cancelled at ${fmtT(result.elapsed)}.`, 'cancel');
      else out?.system(`Finished in ${fmtT(result.elapsed)} (ideal ${fmtT(result.ideal)}).`);
      return { ok: true, result };
    } catch (e) {
      out?.system(`Error: ${errorText(e)}`, 'error');
      return { ok: false, message: errorText(e) };
    } finally {
      this.current = null;
    }
  }
}
