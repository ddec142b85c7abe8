// Step mode, as the playground and the embed both use it: a stepped run through the page runner (the
// pattern once on the virtual clock, every loop iteration's record collected), the Step panel
// (views/stepper.ts, loaded only now: the playground's first load never carries it), and what each
// step changes elsewhere on the page: the output printed so far, the timeline's cursor at the loop
// time, and the lines of both source panes the live tasks are suspended at.
// With "CPython too" (the playground: views.pythonProgram), the Python original (or the edited program)
// is stepped in CPython in the page (python/engine.ts, loaded then and not before) and its records
// shown beside, paired step by step and compared by python/lockstep.js; the Python pane then marks the
// lines CPython's tasks are at.
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
  /** Offers "CPython too": the Python program to step, the edited text or null for the original. */
  pythonProgram?(): string | null;
}

export type StepStart = { ok: true; notice: string | null } | { ok: false; message: string };

export class StepMode {
  private mod: StepperModule | null = null;
  private stepper: Stepper | null = null;
  private records: StepRecord[] = [];
  /** The output console shows the lines printed up to this index. */
  private printedTo = -1;
  private run: { pattern: PatternInfo; params: Record<string, string> } | null = null;
  /** "CPython too" is on; `pyRecords` its records once stepped; `pySeq` drops a superseded answer. */
  private pythonOn = false;
  private pyRecords: StepRecord[] | null = null;
  private pyDiffs: { diffs: string[][]; order: string[][] } | null = null;
  private pySeq = 0;
  /** The latest switch's work (its failure message, or null), and CPython's stepped run in flight. */
  private pyTask: Promise<string | null> | null = null;
  private pyInflight: Promise<unknown> | null = null;
  private pyBusy = false;

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
    this.run = { pattern, params };
    this.printedTo = -1;
    this.views.out.clear();
    const program = this.views.pythonProgram;
    this.stepper ??= new mod.Stepper(this.views.host, {
      onStep: (i, rec) => this.show(i, rec),
      onClose: () => this.views.onClose?.(),
      level: this.views.level,
      ...(program ? { onPython: (on: boolean) => this.python(on) } : {}),
    });
    this.pyRecords = null;
    this.pyDiffs = null;
    this.pyTask = null;
    this.stepper.setBeside(null);
    this.views.host.hidden = false;
    const notice = this.stepper.load(this.records, !!end.steps.truncated, to);
    if (end.steps.error) this.views.out.system(`The run failed: ${end.steps.error}`, 'error');
    if (this.pythonOn) void this.python(true);
    return { ok: true, notice };
  }

  /** Turns "CPython too" on or off (the embed's aio:step with an engine); resolves once CPython's
   *  records are beside (or gone), with the reason when they could not be. */
  setPython(on: boolean): Promise<string | null> {
    if (!this.stepper) return Promise.resolve('no stepped run: start one first');
    if (on === this.pythonOn && this.pyTask) return this.pyTask;
    this.stepper.pythonStatus('', null, on);
    return this.python(on);
  }

  /** CPython's side of step i when "CPython too" is on: its record (null past its last) and the fields
   *  that differ (and those that hold the same items in another order). */
  besideAt(i: number): { record: StepRecord | null; differs: string[]; order: string[] } | null {
    if (!this.pyRecords || !this.pyDiffs) return null;
    return { record: this.pyRecords[i] ?? null, differs: this.pyDiffs.diffs[i] ?? [], order: this.pyDiffs.order[i] ?? [] };
  }

  private python(on: boolean): Promise<string | null> {
    this.pyTask = this.steppedPython(on);
    return this.pyTask;
  }

  /** "CPython too" on: CPython steps the same program (loaded on first use, with a progress bar) and
   *  its records go beside the C++ ones; off: they go. Resolves with the reason it failed, or null. */
  private async steppedPython(on: boolean): Promise<string | null> {
    const stepper = this.stepper;
    const run = this.run;
    const seq = ++this.pySeq;
    this.pythonOn = on;
    this.pyRecords = null;
    this.pyDiffs = null;
    if (!stepper || !run) return null;
    stepper.setBeside(null);
    this.stopPython(); // a run still going belongs to a switch or a stepped run that is no more
    if (!on) {
      stepper.pythonStatus('');
      this.refresh();
      return null;
    }
    const cut = this.records.find((r) => r.counts);
    if (cut?.counts) {
      // The comparison is task by task, step by step: a run this large is stepped in C++ alone.
      const why = `CPython is compared with the C++ port task by task, and this run has too many tasks for that (${cut.counts.tasks.toLocaleString('en')}).`;
      stepper.pythonStatus(why, null, false);
      this.pythonOn = false;
      return why;
    }
    const current = () => seq === this.pySeq && this.stepper === stepper;
    const edited = this.views.pythonProgram?.() ?? null;
    try {
      const { python, pyodideBytes } = await import('./python/engine');
      if (!current()) return null;
      const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
      if (!python.ready) {
        stepper.pythonStatus(`Loading CPython (${mb(pyodideBytes)}, once)…`, 0);
        await python.load((p) => {
          if (current()) stepper.pythonStatus(p.loaded < p.total ? `Downloading CPython: ${mb(p.loaded)} of ${mb(p.total)}…` : 'Compiling CPython…', p.total ? p.loaded / p.total : 0);
        });
        if (!current()) return null;
      }
      stepper.pythonStatus('Stepping the Python program in CPython… (turning “CPython too” off stops it)');
      const params = this.runner.engine.check(run.pattern.id, run.params);
      // A run a switch turned off a moment ago may still be going: CPython steps one program at a time.
      await this.pyInflight?.catch(() => undefined);
      if (!current()) return null;
      const inflight = python.steps(run.pattern.id, params, edited ?? undefined);
      this.pyInflight = inflight;
      this.pyBusy = true;
      const py = await inflight.finally(() => { if (this.pyInflight === inflight) this.pyBusy = false; });
      if (!current()) return null;
      if (py.unsupported || (!py.records.length && py.error)) {
        const why = py.unsupported ?? `CPython could not step the program:\n${py.error ?? ''}`;
        stepper.pythonStatus(why, null, false);
        this.pythonOn = false;
        return why;
      }
      const { lockstep } = await import('./python/lockstep.js');
      const ls = lockstep(this.records, py.records);
      this.pyRecords = ls.py;
      this.pyDiffs = { diffs: ls.diffs, order: ls.order };
      const notes: string[] = [];
      if (edited !== null) notes.push('Your edited Python program against the unedited C++ port: differences are expected, and marked.');
      if (ls.renamed.length) notes.push(`CPython created some tasks in the order of a set (by address): its ${ls.renamed.map(([a, b]) => `${a} is shown as ${b}`).join(', ')}, the C++ task that did the same.`);
      if (py.truncated) notes.push(`CPython’s records grew too large: its run was stopped after ${py.records.length} iterations.`);
      if (py.error) notes.push(`CPython’s program raised an exception after its last record:\n${py.error}`);
      if (edited === null && ls.agree < ls.diffs.length && py.version && !py.version.startsWith('3.11.')) {
        notes.push(`The C++ port mirrors CPython 3.11, the tests’ oracle; this is CPython ${py.version}. A difference in the unedited program is a behaviour that changed in between (from 3.12 on, wait_for runs its coroutine in the awaiting task, not in a task of its own).`);
      }
      if (ls.order.some((o) => o.length)) notes.push('The Python original iterates a set of tasks, whose order follows addresses: where the tasks stepped or the lines printed are the same in another order, they are compared as sets (as the native tests do).');
      stepper.setBeside({ records: ls.py, diffs: ls.diffs, order: ls.order, notes });
      const n = ls.diffs.length;
      const who = `CPython${py.version ? ` ${py.version}` : ''}`;
      stepper.pythonStatus(ls.agree === n
        ? `${who} agrees with the C++ port at every one of the ${n} steps.`
        : `${who} agrees with the C++ port at ${ls.agree} of ${n} steps${py.records.length !== this.records.length ? ` (it recorded ${py.records.length} steps, the C++ ${this.records.length})` : ''}.`);
      this.refresh();
      return null;
    } catch (e) {
      if (!current()) return null;
      const why = e instanceof Error ? e.message : String(e);
      stepper.pythonStatus(why, null, false);
      this.pythonOn = false;
      return why;
    }
  }

  /** A stepped CPython run still going is stopped: a virtual-clock run never yields, so the engine
   *  terminates its worker (the next one loads CPython again, from the browser's cache). */
  private stopPython(): void {
    if (!this.pyBusy) return;
    this.pyBusy = false;
    void import('./python/engine').then(({ python }) => python.stop());
  }

  /** Shows the current step again (its marks follow "CPython too"). */
  private refresh(): void {
    const rec = this.stepper?.record;
    if (rec) this.show(this.stepper?.index ?? 0, rec);
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
    this.run = null;
    this.pythonOn = false;
    this.pyRecords = null;
    this.pyDiffs = null;
    this.pyTask = null;
    this.pySeq++;
    this.stopPython();
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
    // With CPython beside, the Python pane shows where CPython's own tasks are (none past its last record).
    const pyRec = this.pyRecords ? this.pyRecords[i] : rec;
    // A compacted record brings its marks, made from all of its tasks.
    const marks = (r: StepRecord, lang: 'cpp' | 'python') => r.marks?.[lang] ?? mod.lineMarks(r, lang);
    this.views.sources?.mark({ cpp: marks(rec, 'cpp'), python: pyRec ? marks(pyRec, 'python') : new Map() });
    this.views.onStep?.(i, rec, this.records.length);
  }
}
