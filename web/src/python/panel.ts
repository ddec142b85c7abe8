// The playground's CPython panel: "Run in CPython too" runs the pattern's Python original (the file
// the Python pane shows) in CPython in the page, beside the C++ run, with the same parameters on the
// same clock; the two outputs side by side with a verdict, and CPython's tasks on their own timeline
// on the C++ timeline's time axis. The engine (Pyodide in a worker) is imported on the first click:
// until then this panel is a button.
import type { Clock, Line, PatternInfo, RunResult } from '../engine/types';
import type { PyRunResult, PythonEngine } from './engine';
import type { PythonEditor } from './editor';
import { compareLines } from './compare.js';
import { fmtT } from '../state/trace.js';
import { h } from '../views/dom';
import { OutputConsole } from '../views/console';
import { Timeline } from '../views/timeline';

export interface PythonPanelHost {
  /** The form's pattern and parameters (all of them, checked), or null when the form has errors. */
  request(): { pattern: PatternInfo; params: Record<string, string>; scale: number; clock: Clock } | null;
  /** Runs the C++ port as the page's Run button does; null when it could not run. */
  runCpp(): Promise<RunResult | null>;
  /** Stops the C++ run, if one is going. */
  stopCpp(): void;
  /** The C++ timeline, to share its time axis. */
  cppTimeline: Timeline;
  /** Shows `box` (the editor) in the Python pane instead of the original, or the original again (null). */
  mountEditor(box: HTMLElement | null): void;
  /** The program as edited (null: the original, or the editor closed), for the share link. */
  edited(text: string | null): void;
}

interface Editing {
  id: string;
  original: string;
  box: HTMLElement;
  editor: PythonEditor | null;
}

const MB = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

export class PythonPanel {
  readonly el: HTMLElement;
  private engine: PythonEngine | null = null;
  private readonly runBtn: HTMLButtonElement;
  private readonly stopBtn: HTMLButtonElement;
  private readonly bar: HTMLProgressElement;
  private readonly status: HTMLElement;
  private readonly verdict: HTMLElement;
  private readonly note: HTMLElement;
  private readonly compare: HTMLElement;
  private readonly out: OutputConsole;
  private readonly timeline: Timeline;
  private readonly body: HTMLElement;
  private stopped = false;
  private editing: Editing | null = null;
  private readonly editStop: HTMLButtonElement;
  private readonly editStatus: HTMLElement;

  constructor(host: HTMLElement, private readonly page: PythonPanelHost) {
    this.runBtn = h('button', { type: 'button', id: 'run-python', text: 'Run in CPython too' });
    this.runBtn.title = 'Runs the Python original in CPython (Pyodide, loaded on first use) beside the C++ port';
    this.stopBtn = h('button', { type: 'button', id: 'stop-python', disabled: true, text: 'Stop CPython' });
    this.bar = h('progress', { class: 'py-progress', max: 1, value: 0, hidden: true, 'aria-label': 'Loading CPython' });
    this.status = h('p', { class: 'py-status', role: 'status' });
    this.verdict = h('p', { class: 'py-verdict', 'aria-live': 'polite' });
    this.note = h('p', { class: 'py-note', hidden: true,
      text: 'Pyodide cannot start threads: here the executor\'s jobs run inline, on the loop\'s thread, through the harness\'s InlineExecutor (the C++ port runs them on worker threads).' });
    this.compare = h('div', { class: 'py-compare' });
    const outBox = h('div', { class: 'py-out' }, h('h4', { id: 'h-py-output', text: 'CPython output' }));
    this.out = new OutputConsole(outBox);
    this.out.el.setAttribute('aria-label', 'CPython output');
    const chartBox = h('div', { class: 'py-chart' }, h('h4', { id: 'h-py-timeline', text: 'CPython timeline (same time axis as the C++ one)' }));
    this.timeline = new Timeline(chartBox);
    this.timeline.el.setAttribute('aria-label', 'CPython task timeline');
    this.body = h('div', { class: 'py-body', hidden: true }, this.verdict, this.note, this.compare, h('div', { class: 'py-grid' }, outBox, chartBox));
    this.el = h('section', { class: 'panel python-panel', 'aria-labelledby': 'h-python' },
      h('div', { class: 'panel-head' }, h('h3', { id: 'h-python', text: 'CPython, in this page' })),
      h('p', { class: 'py-intro', text: 'Runs the Python original shown below (or your edit of it: “Edit and run in CPython” there) in CPython compiled to WebAssembly (Pyodide), with the same parameters on the same clock, and compares its output line by line with the C++ port\'s. CPython is downloaded on first use only.' }),
      h('div', { class: 'actions' }, this.runBtn, this.stopBtn, this.bar), this.status, this.body);
    host.append(this.el);
    this.runBtn.addEventListener('click', () => void this.run());
    this.stopBtn.addEventListener('click', () => this.stop());
    this.editStop = h('button', { type: 'button', id: 'stop-edited', disabled: true, text: 'Stop' });
    this.editStop.addEventListener('click', () => this.stop());
    this.editStatus = h('p', { class: 'py-status', role: 'status' });
  }

  private stop(): void {
    this.stopped = true;
    this.page.stopCpp();
    this.engine?.stop();
  }

  /** Whether the program run will be an edited one (the editor open and its text not the original's). */
  get isEdited(): boolean {
    return this.editing?.editor != null && this.editing.editor.text !== this.editing.original;
  }

  /** The edited program's text when it differs from the original (Step mode's "CPython too" steps it). */
  get editedProgram(): string | null {
    const editor = this.editing?.editor;
    return editor && this.editing && editor.text !== this.editing.original ? editor.text : null;
  }

  /** Switches the Python pane to an editor holding `text` (the original when not given). The editor's
   *  code and CPython are fetched now, together, and not before. */
  async openEditor(text?: string): Promise<void> {
    const req = this.page.request();
    const id = req?.pattern.id;
    if (!id) { this.status.textContent = 'Fix the highlighted values to edit.'; return; }
    const { pythonSource } = await import('./engine');
    const original = pythonSource(id);
    if (original === undefined) return;
    if (this.editing?.id === id && this.editing.editor) { this.editing.editor.focus(); return; }
    const run = h('button', { type: 'button', class: 'primary', id: 'run-edited', text: 'Run in CPython' });
    run.addEventListener('click', () => void this.run());
    const revert = h('button', { type: 'button', id: 'revert-python', text: 'Back to the original' });
    revert.addEventListener('click', () => this.closeEditor());
    const slot = h('div', { class: 'py-editor' });
    const box = h('div', { class: 'py-edit', role: 'group', 'aria-label': 'Edit the Python program' },
      h('p', { class: 'py-edit-note', text: '“Run in CPython” runs the text below, as edited, in CPython in this page. The C++ port is not edited: the C++ run beside it, and every other run, is the unedited port.' }),
      h('div', { class: 'actions' }, run, this.editStop, revert), this.editStatus, slot);
    const editing: Editing = { id, original, box, editor: null };
    this.editing = editing;
    this.page.mountEditor(box);
    this.editStatus.textContent = 'Loading the editor…';
    // CPython comes with the editor: by the time the program is edited the interpreter is there.
    void this.loadEngine().catch((e: unknown) => {
      this.bar.hidden = true;
      this.status.textContent = e instanceof Error ? e.message : String(e);
    });
    try {
      const { createEditor } = await import('./editor');
      if (this.editing !== editing) return;
      editing.editor = createEditor(slot, text ?? original, `Python program ${id}.py, editable`, (t) => this.page.edited(t === original ? null : t));
      this.editStatus.textContent = '';
      if (text !== undefined && text !== original) this.page.edited(text);
      if (text === undefined) editing.editor.focus();
    } catch (e) {
      this.editStatus.textContent = `The editor could not be loaded: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  /** Back to the original: the editor goes, its text is forgotten. */
  closeEditor(): void {
    if (!this.editing) return;
    this.editing.editor?.destroy();
    this.editing = null;
    this.page.edited(null);
    this.page.mountEditor(null);
  }

  /** A new pattern: the previous comparison no longer applies. */
  reset(): void {
    if (this.editing) {
      this.editing.editor?.destroy();
      this.editing = null;
      this.page.edited(null);
    }
    this.body.hidden = true;
    this.out.clear();
    this.compare.replaceChildren();
    this.verdict.textContent = '';
    delete this.verdict.dataset.verdict;
  }

  private async loadEngine(): Promise<PythonEngine> {
    if (this.engine?.ready) return this.engine;
    const { python, pyodideBytes } = await import('./engine');
    this.engine = python;
    if (python.ready) return python;
    this.bar.hidden = false;
    this.bar.value = 0;
    this.status.textContent = `Loading CPython (${MB(pyodideBytes)}, once)…`;
    const ms = await python.load((p) => {
      this.bar.value = p.total ? p.loaded / p.total : 0;
      this.status.textContent = p.loaded < p.total
        ? `Downloading CPython: ${MB(p.loaded)} of ${MB(p.total)}…`
        : 'Compiling CPython…';
    });
    this.bar.hidden = true;
    this.status.textContent = `CPython ready in ${(ms / 1000).toFixed(1)} s.`;
    this.el.dataset.loadMs = String(Math.round(ms));
    return python;
  }

  private async run(): Promise<void> {
    const req = this.page.request();
    if (!req) { this.status.textContent = 'Fix the highlighted values to run.'; return; }
    this.runBtn.disabled = true;
    this.el.dataset.state = 'loading';
    const editRun = this.editing?.editor ? this.editing : null;
    const runEdited = editRun?.box.querySelector<HTMLButtonElement>('#run-edited');
    if (runEdited) runEdited.disabled = true;
    try {
      let engine: PythonEngine;
      try {
        engine = await this.loadEngine();
      } catch (e) {
        this.bar.hidden = true;
        this.status.textContent = e instanceof Error ? e.message : String(e);
        this.el.dataset.state = 'failed';
        return;
      }
      const { pythonSource } = await import('./engine');
      const edited = editRun?.editor && editRun.editor.text !== editRun.original ? editRun.editor.text : undefined;
      const source = edited ?? pythonSource(req.pattern.id);
      if (source === undefined) { this.status.textContent = `${req.pattern.id} has no Python original.`; this.el.dataset.state = 'done'; return; }
      this.el.dataset.state = 'running';
      this.el.dataset.program = edited === undefined ? 'original' : 'edited';
      this.stopBtn.disabled = false;
      this.editStop.disabled = false;
      this.editStatus.textContent = 'Running in CPython… (output and timeline in the CPython panel above)';
      this.body.hidden = false;
      this.out.clear();
      this.compare.replaceChildren();
      this.verdict.textContent = 'Running…';
      delete this.verdict.dataset.verdict;
      this.note.hidden = true;
      this.stopped = false;
      const runPy = async (): Promise<PyRunResult> => {
        if (this.stopped) return { lines: [], trace: [], elapsed: 0, cancelled: true };
        const t0 = performance.now();
        this.timeline.reset(req.pattern.ideal, req.clock === 'real' ? () => (performance.now() - t0) / 1000 / req.scale : undefined);
        return engine.run({
          source, filename: `${req.pattern.id}.py`, params: req.params, clock: req.clock, scale: req.scale,
          onLine: (l) => this.out.line(l), onTrace: (ev) => this.timeline.push(ev),
        });
      };
      // On the real clock one after the other, so that neither run's timers wait for the other's work.
      let cpp: RunResult | null;
      let py: PyRunResult;
      if (req.clock === 'real') {
        py = await runPy();
        cpp = this.stopped ? null : await this.page.runCpp();
      } else {
        [cpp, py] = await Promise.all([this.page.runCpp(), runPy()]);
      }
      this.show(req.clock, cpp, py, edited !== undefined);
      this.editStatus.textContent = py.error ? 'CPython raised an exception: its traceback is in the CPython output above.'
        : py.cancelled ? 'Stopped.' : 'Done: output and timeline in the CPython panel above.';
    } finally {
      this.stopBtn.disabled = true;
      this.editStop.disabled = true;
      if (runEdited) runEdited.disabled = false;
      this.runBtn.disabled = false;
      this.el.dataset.runs = String(Number(this.el.dataset.runs ?? 0) + 1);
      if (this.el.dataset.state !== 'failed') this.el.dataset.state = 'done';
    }
  }

  private show(clock: Clock, cpp: RunResult | null, py: PyRunResult, edited: boolean): void {
    if (py.error) this.out.system(py.error, 'error');
    else if (py.cancelled) this.out.system('CPython run stopped.', 'cancel');
    else this.out.system(`Finished in ${fmtT(py.elapsed)}.`);
    this.note.hidden = !py.trace.some((ev) => ev.kind === 'job');
    const end = Math.max(py.elapsed, cpp?.elapsed ?? 0);
    this.timeline.set(py.trace, end);
    if (cpp) this.page.cppTimeline.set(cpp.trace, end);
    if (!cpp) { this.verdict.textContent = 'The C++ run did not complete: nothing to compare.'; this.verdict.dataset.verdict = 'none'; return; }
    const c = compareLines(cpp.lines.map((l) => l.text), py.lines.map((l) => l.text));
    this.verdict.dataset.verdict = c.identical ? 'identical' : 'different';
    this.verdict.textContent = (edited ? 'Your edited Python against the unedited C++ port. ' : '') + (c.identical
      ? `Identical: CPython printed exactly the ${c.lines} line${c.lines === 1 ? '' : 's'} the C++ port printed.`
      : `Different from line ${c.line + 1} on (highlighted).`);
    this.compare.replaceChildren(this.table(clock, cpp.lines, py.lines, c.identical ? -1 : c.line));
  }

  private table(clock: Clock, cpp: Line[], py: Line[], diff: number): HTMLElement {
    const n = Math.max(cpp.length, py.length);
    const cell = (l: Line | undefined) => l === undefined ? h('td', { class: 'missing', text: '(no line)' }) : h('td', { text: l.text });
    const time = (l: Line | undefined) => h('td', { class: 't', text: l ? fmtT(l.t) : '' });
    const rows: HTMLElement[] = [];
    for (let i = 0; i < n; i++) {
      rows.push(h('tr', { class: i === diff ? 'diff' : '' },
        h('th', { scope: 'row', text: String(i + 1) }), time(cpp[i]), cell(cpp[i]), time(py[i]), cell(py[i])));
    }
    return h('table', { class: 'py-table' },
      h('caption', { text: `Output, line by line (${clock} clock; times in pattern seconds)` }),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: '#' }), h('th', { scope: 'col', text: 'C++ t' }), h('th', { scope: 'col', text: 'C++' }),
        h('th', { scope: 'col', text: 'CPython t' }), h('th', { scope: 'col', text: 'CPython' }))),
      h('tbody', {}, ...rows));
  }
}
