// Step mode, as the playground and the embed both use it: a stepped run through the page runner (the
// pattern once on the virtual clock, every loop iteration's record collected), the Step panel
// (views/stepper.ts, loaded only now: the playground's first load never carries it), and what each
// step changes elsewhere on the page: the output printed so far, the timeline's cursor at the loop
// time, and the lines of both source panes the live tasks are suspended at.
import type { PatternInfo, StepRecord } from './engine/types';
import type { PageRunner } from './runner';
import type { OutputConsole } from './views/console';
import type { SourceView } from './views/sources';
import type { Timeline } from './views/timeline';
import type { Stepper, StepTo } from './views/stepper';

export type { StepTo } from './views/stepper';

type StepperModule = typeof import('./views/stepper');

export interface StepModeViews {
  /** Where the Step panel goes. */
  host: HTMLElement;
  out: OutputConsole;
  timeline?: Timeline | null;
  sources?: SourceView;
  /** After every move, once the page shows the step (index from 0). */
  onStep?(index: number, rec: StepRecord, count: number): void;
  /** The panel's Close button. */
  onClose?(): void;
  /** The Step panel's heading level (see StepHooks). */
  level?: 2 | 3;
}

export type StepStart = { ok: true; notice: string | null } | { ok: false; message: string };

export class StepMode {
  private mod: StepperModule | null = null;
  private stepper: Stepper | null = null;
  private records: StepRecord[] = [];
  /** The output console shows the lines printed up to this index. */
  private printedTo = -1;

  constructor(private readonly runner: PageRunner, private readonly views: StepModeViews) {}

  get active(): boolean {
    return this.stepper !== null;
  }

  /** Runs `pattern` stepped and shows step `to`; the notice says when `to` was out of range. */
  async start(pattern: PatternInfo, params: Record<string, string>, to: StepTo = 'start'): Promise<StepStart> {
    const [mod, end] = await Promise.all([
      this.mod ? Promise.resolve(this.mod) : import('./views/stepper'),
      this.runner.steps({ pattern, params }, this.views.timeline),
    ]);
    this.mod = mod;
    if (!end.ok) return end;
    this.records = end.steps.records;
    this.printedTo = -1;
    this.views.out.clear();
    this.stepper ??= new mod.Stepper(this.views.host, {
      onStep: (i, rec) => this.show(i, rec),
      onClose: () => this.views.onClose?.(),
      level: this.views.level,
    });
    this.views.host.hidden = false;
    const notice = this.stepper.load(this.records, !!end.steps.truncated, to);
    if (end.steps.error) this.views.out.system(`The run failed: ${end.steps.error}`, 'error');
    return { ok: true, notice };
  }

  /** Moves to a step; the message when refused (out of range, or not stepping). */
  go(to: StepTo): string | null {
    return this.stepper ? this.stepper.go(to) : 'no stepped run: start one first';
  }

  get index(): number {
    return this.stepper?.index ?? -1;
  }

  get count(): number {
    return this.records.length;
  }

  get record(): StepRecord | undefined {
    return this.stepper?.record;
  }

  /** Leaves Step mode: the panel goes, and with it the marks and the cursor. */
  stop(): void {
    if (!this.stepper) return;
    this.stepper.destroy();
    this.stepper = null;
    this.records = [];
    this.views.host.hidden = true;
    this.views.sources?.mark(null);
    this.views.timeline?.cursor(null);
  }

  private show(i: number, rec: StepRecord): void {
    const mod = this.mod;
    if (!mod) return;
    const out = this.views.out;
    if (i < this.printedTo) { out.clear(); this.printedTo = -1; }
    for (let k = this.printedTo + 1; k <= i; k++) for (const text of this.records[k].printed) out.line({ t: this.records[k].time, text });
    this.printedTo = i;
    this.views.timeline?.cursor(rec.time);
    this.views.sources?.mark({ cpp: mod.lineMarks(rec, 'cpp'), python: mod.lineMarks(rec, 'python') });
    this.views.onStep?.(i, rec, this.records.length);
  }
}
