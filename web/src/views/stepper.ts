// Step mode's panel: the controls (first, back, forward, last, to the next printed line, a scrubber
// over every iteration, Play at a chosen speed; ← → Home End), the narration of the iteration shown,
// and the event loop as the record has it: loop time, the ready queue in order, the timers in firing
// order and every task with its state. The page loads this module only when Step mode starts.
//
// The records are the pattern's run on the virtual clock, collected once (engine.steps): moving is
// indexing, so stepping back shows exactly what the loop held then. What else the page shows for a
// step (the source marks, the timeline cursor, the output so far, the URL) it does in `onStep`.
//
// "CPython too" (when the page offers it, hooks.onPython): CPython's record of the same step beside the
// C++ one (setBeside), every field the lockstep rule compares (python/lockstep.js) marked where the two
// differ, in words as well as in colour, with a one-line verdict per step.
import type { StepRecord, StepTask } from '../engine/types';
import { fmtSeconds, narrate, nextPrinted, resolveStep } from '../state/steps.js';
import { verdict } from '../python/lockstep.js';
import { h } from './dom';

export { lineMarks } from '../state/steps.js';

export interface StepHooks {
  /** After every move: the index shown (from 0) and its record. */
  onStep(index: number, rec: StepRecord): void;
  /** The Close button: the page leaves Step mode. */
  onClose?(): void;
  /** The panel heading's level (the parts' are one below): 3 in the playground, 2 in the embed. */
  level?: 2 | 3;
  /** The "CPython too" switch: the page loads CPython and steps it beside (setBeside), or stops. */
  onPython?(on: boolean): void;
}

/** CPython's records beside the C++ ones: paired by position, each pair's differing fields. */
export interface Beside {
  records: StepRecord[];
  diffs: string[][];
  /** Per step, the fields (ran, printed) that hold the same items in another order (a set's). */
  order: string[][];
  /** Said above the verdict: an edited program, renamed tasks. */
  notes: string[];
}

export type StepTo = number | 'next' | 'prev' | 'start' | 'end';

/** CPython's task rows shown at most (those that differ first), the rest counted. */
const MAX_PY_ROWS = 60;
/** Steps a second. */
const SPEEDS = [0.5, 1, 2, 4, 8];
/** Longer queues are cut here, with a count of the rest (the task table lists everything). */
const MAX_CHIPS = 24;
const MAX_TIMERS = 12;
/** A task row's height (styles.css), and rows drawn beyond the visible ones on each side. */
const ROW_REM = 1.65;
const OVERSCAN = 3;

interface TaskRow { tr: HTMLElement; state: HTMLElement; awaits: HTMLElement; result: HTMLElement; key: string }

export class Stepper {
  readonly el: HTMLElement;
  private records: StepRecord[] = [];
  private at = 0;
  private playing: ReturnType<typeof setTimeout> | null = null;
  private readonly note: HTMLElement;
  private readonly scrub: HTMLInputElement;
  private readonly position: HTMLElement;
  private readonly narration: HTMLElement;
  /** Says so when the record lists only the first of its tasks. */
  private readonly tasksMore: HTMLElement;
  private readonly ready: HTMLOListElement;
  private readonly timers: HTMLOListElement;
  private readonly tbody: HTMLElement;
  /** The task rows in the document: those of tasks first .. first + rows.length - 1. */
  private readonly rows: TaskRow[] = [];
  private readonly table: HTMLElement;
  private readonly tableWrap: HTMLElement;
  private rowPx = 0;
  private viewTop = 0;
  private viewHeight = 0;
  private redraw = 0;
  private readonly buttons: Record<'start' | 'prev' | 'next' | 'end' | 'print' | 'play', HTMLButtonElement>;
  private readonly speed: HTMLSelectElement;
  private readonly onKey = (e: KeyboardEvent) => this.key(e);
  private beside: Beside | null = null;
  private readonly pySwitch: HTMLInputElement | null = null;
  private readonly pyBar: HTMLProgressElement;
  private readonly pyStatus: HTMLElement;
  private readonly pyBox: HTMLElement;
  private readonly cppHead: HTMLElement;

  constructor(host: HTMLElement, private readonly hooks: StepHooks) {
    const button = (text: string, attrs: Record<string, string> = {}) => h('button', { type: 'button', text, ...attrs });
    this.buttons = {
      start: button('«', { 'aria-label': 'First step', 'aria-keyshortcuts': 'Home', class: 'step-start' }),
      prev: button('◀ Back', { 'aria-keyshortcuts': 'ArrowLeft', class: 'step-prev' }),
      next: button('Forward ▶', { 'aria-keyshortcuts': 'ArrowRight', class: 'step-next primary' }),
      end: button('»', { 'aria-label': 'Last step', 'aria-keyshortcuts': 'End', class: 'step-end' }),
      print: button('Next print', { class: 'step-print', title: 'Run to the next iteration that prints a line' }),
      play: button('Play', { 'aria-pressed': 'false', class: 'step-play' }),
    };
    this.speed = h('select', { id: 'step-speed', class: 'step-speed' },
      ...SPEEDS.map((s) => h('option', { value: String(s), text: `${s} / s`, selected: s === 2 })));
    this.scrub = h('input', { type: 'range', id: 'step-scrub', min: 1, max: 1, value: 1, step: 1 });
    this.position = h('p', { class: 'step-pos' });
    this.narration = h('p', { class: 'step-narration', 'aria-live': 'polite' });
    this.note = h('p', { class: 'step-note' });
    this.ready = h('ol', { class: 'step-chips', 'aria-label': 'Ready queue, in order' });
    this.timers = h('ol', { class: 'step-timers', 'aria-label': 'Timers, in firing order' });
    this.tbody = h('div', { role: 'rowgroup', class: 'step-rows' });
    this.tasksMore = h('p', { class: 'step-more', hidden: true });
    const close = button('Close', { class: 'ghost step-close', title: 'Leave Step mode' });
    this.pyBar = h('progress', { class: 'py-progress', max: 1, value: 0, hidden: true, 'aria-label': 'Loading CPython' });
    this.pyStatus = h('p', { class: 'py-status step-py-status', role: 'status' });
    this.pyBox = h('section', { class: 'step-beside', hidden: true, 'aria-labelledby': 'h-step-py' });
    let pyRow: HTMLElement | null = null;
    if (hooks.onPython) {
      this.pySwitch = h('input', { type: 'checkbox', id: 'step-python', 'aria-describedby': 'step-python-what' });
      const onPython = hooks.onPython;
      this.pySwitch.addEventListener('change', () => onPython(this.pySwitch?.checked ?? false));
      pyRow = h('div', { class: 'step-py' },
        h('label', { class: 'check', for: 'step-python' }, this.pySwitch, 'CPython too'),
        h('span', { class: 'step-py-what', id: 'step-python-what', text: 'steps the Python original in CPython (downloaded on first use) beside the C++ port and marks every difference' }),
        this.pyBar, this.pyStatus);
    }
    const level = hooks.level ?? 3;
    const top = `h${level}` as 'h3';
    const sub = `h${level + 1}` as 'h4';

    this.el = h('section', { class: 'panel step-panel', 'aria-labelledby': 'h-step' },
      h('div', { class: 'panel-head' }, h(top, { id: 'h-step', text: 'Step through the event loop' }), close),
      this.note,
      h('div', { class: 'step-controls', role: 'group', 'aria-label': 'Step controls' },
        this.buttons.start, this.buttons.prev, this.buttons.next, this.buttons.end, this.buttons.print, this.buttons.play,
        h('label', { class: 'step-speed-label', for: 'step-speed', text: 'Speed' }), this.speed),
      h('div', { class: 'step-scrub' }, h('label', { for: 'step-scrub', text: 'Iteration' }), this.scrub, this.position),
      this.narration,
      h('p', { class: 'kbd-hint step-keys', text: '← → step back / forward · Home End first / last' }),
      pyRow,
      h('div', { class: 'step-records' },
        h('div', { class: 'step-cpp' },
          this.cppHead = h(sub, { class: 'step-cpp-head', id: 'h-step-cpp', hidden: true, text: 'The C++ engine’s record' }),
          h('div', { class: 'loop-panel' },
            h('div', { class: 'loop-queue' }, h(sub, { id: 'h-ready', text: 'Ready queue' }), this.ready),
            h('div', { class: 'loop-timers' }, h(sub, { id: 'h-timers', text: 'Timers' }), this.timers),
            h('div', { class: 'loop-tasks' }, h(sub, { id: 'h-tasks', text: 'Tasks' }),
              // A table by its roles (aria-rowcount, aria-rowindex) of which only the rows in view are in the
              // document: a step that changes a hundred tasks then costs the dozen rows on screen. Its box is
              // focusable, so that it scrolls from the keyboard too.
              this.tableWrap = h('div', { class: 'table-wrap step-table-wrap', tabindex: 0, role: 'region', 'aria-labelledby': 'h-tasks' },
                this.table = h('div', { class: 'step-tasks', role: 'table', 'aria-labelledby': 'h-tasks' },
                  h('div', { role: 'rowgroup', class: 'step-head' },
                    h('div', { role: 'row', class: 'tr', 'aria-rowindex': 1 }, ...['Task', 'State', 'Awaits', 'Result'].map((c) => h('span', { role: 'columnheader', text: c })))),
                  this.tbody)),
              this.tasksMore))),
        this.pyBox));
    this.tableWrap.addEventListener('scroll', () => {
      this.viewTop = this.tableWrap.scrollTop;
      this.viewHeight = this.tableWrap.clientHeight;
      if (!this.redraw) this.redraw = requestAnimationFrame(() => { this.redraw = 0; const rec = this.record; if (rec) this.showTasks(rec); });
    }, { passive: true });
    host.append(this.el);

    this.buttons.start.addEventListener('click', () => this.go('start'));
    this.buttons.prev.addEventListener('click', () => this.go('prev'));
    this.buttons.next.addEventListener('click', () => this.go('next'));
    this.buttons.end.addEventListener('click', () => this.go('end'));
    this.buttons.print.addEventListener('click', () => this.go(nextPrinted(this.records, this.at) + 1));
    this.buttons.play.addEventListener('click', () => (this.playing ? this.pause() : this.play()));
    this.speed.addEventListener('change', () => { if (this.playing) { this.pause(); this.play(); } });
    this.scrub.addEventListener('input', () => this.go(Number(this.scrub.value)));
    close.addEventListener('click', () => hooks.onClose?.());
    document.addEventListener('keydown', this.onKey);
  }

  get index(): number {
    return this.at;
  }

  get count(): number {
    return this.records.length;
  }

  get record(): StepRecord | undefined {
    return this.records[this.at];
  }

  /** A new stepped run; shows step `to` (from 1, or a word; the first by default). Returns the
   *  message when `to` was out of range (the last step is shown then). */
  load(records: StepRecord[], truncated: boolean, to: StepTo = 'start'): string | null {
    this.pause();
    this.records = records;
    this.rows.length = 0;
    this.tbody.replaceChildren();
    this.tableWrap.scrollTop = this.viewTop = 0;
    this.scrub.max = String(records.length);
    this.note.textContent = 'The pattern ran once on the virtual clock and every loop iteration was recorded: ' +
      'each step shows one record, so stepping back is exact.' +
      (truncated ? ` The records grew too large: the run was stopped after ${records.length} iterations.` : '');
    this.note.classList.toggle('msg-notice', truncated);
    this.at = 0;
    const r = resolveStep(to, 0, records.length);
    this.show(r.ok ? r.index : records.length - 1);
    return r.ok ? null : r.message;
  }

  /** Moves to a step (from 1, or next / prev / start / end) and shows it, the same one included (its
   *  hooks run: an embed answers every request); returns the message when refused. */
  go(to: StepTo, fromPlay = false): string | null {
    if (!fromPlay) this.pause();
    const r = resolveStep(to, this.at, this.records.length);
    if (!r.ok) return r.message;
    this.show(r.index);
    return null;
  }

  /** CPython's records beside the C++ ones (null: none), shown from the current step on. */
  setBeside(beside: Beside | null): void {
    this.beside = beside;
    this.pyBox.hidden = beside === null;
    this.el.classList.toggle('lockstep', beside !== null);
    this.cppHead.hidden = beside === null;
    if (!beside) this.pyBox.replaceChildren();
    else if (this.records.length) this.showBeside(this.at);
  }

  /** The "CPython too" line: what is happening (loading, stepping, why not), and the download's
   *  progress from 0 to 1 (null hides the bar). `on` sets the switch (it goes off when CPython failed). */
  pythonStatus(text: string, progress: number | null = null, on?: boolean): void {
    this.pyStatus.textContent = text;
    this.pyBar.hidden = progress === null;
    if (progress !== null) this.pyBar.value = progress;
    if (on !== undefined && this.pySwitch) this.pySwitch.checked = on;
  }

  /** CPython's record of step i, what differs marked. */
  private showBeside(i: number): void {
    const b = this.beside;
    if (!b) return;
    const rec = this.records[i];
    const py = b.records[i];
    const diffs = new Set(b.diffs[i] ?? []);
    const level = this.hooks.level ?? 3;
    const sub = `h${level + 1}` as 'h4';
    const order = new Set(b.order[i] ?? []);
    const line = verdict(b.diffs[i] ?? [], [...order]);
    const same = !diffs.size;
    const parts: HTMLElement[] = [
      h(sub, { id: 'h-step-py', text: 'CPython’s record of this step' }),
      ...b.notes.map((n) => h('p', { class: 'ls-note', text: n })),
      h('p', { class: 'ls-verdict', 'data-verdict': same ? 'identical' : 'different', 'aria-live': 'polite' },
        h('span', { class: 'ls-icon', 'aria-hidden': 'true', text: same ? '=' : '≠' }), ' ',
        `Step ${i + 1}: ${line}`),
    ];
    if (!py) {
      parts.push(h('p', { class: 'ls-missing', text: rec ? `CPython’s run had ended: it recorded ${b.records.length} step${b.records.length === 1 ? '' : 's'}.` : 'No C++ record at this step.' }));
      this.pyBox.replaceChildren(...parts);
      return;
    }
    const list = (xs: readonly string[]) => (xs.length ? xs.join(', ') : '(none)');
    /** A field's row: CPython's value, and where it differs the C++ one beside it, in words. */
    const field = (key: string, label: string, value: string, cppValue: string | null, compared = true) => {
      const differs = diffs.has(key);
      return h('div', { class: `ls-field${differs ? ' ls-diff' : ''}`, 'data-field': key },
        h('dt', {}, label, compared ? '' : h('span', { class: 'ls-nc', text: ' (not compared)' })),
        h('dd', {}, h('span', { class: 'ls-py', text: value }),
          order.has(key) ? h('span', { class: 'ls-order', text: ` (the same, in another order: C++ ${cppValue ?? ''})` }) : null,
          differs ? h('span', { class: 'ls-cpp' }, h('span', { class: 'ls-icon', 'aria-hidden': 'true', text: ' ≠ ' }), h('span', { class: 'sr-only', text: ' — differs; ' }), `C++: ${cppValue ?? '(none)'}`) : null));
    };
    parts.push(h('dl', { class: 'ls-fields' },
      field('time', 'Loop time', `${fmtSeconds(py.time)} s (iteration ${py.iteration})`, rec ? `${fmtSeconds(rec.time)} s (iteration ${rec.iteration})` : null),
      field('ran', 'Tasks stepped', list(py.ran), rec ? list(rec.ran) : null),
      field('printed', 'Printed', py.printed.length ? py.printed.map((l) => `“${l}”`).join(' ') : '(nothing)', rec ? (rec.printed.map((l) => `“${l}”`).join(' ') || '(nothing)') : null),
      field('ready', 'Ready next', list(py.ready), null, false)));
    // The task rows: those that differ first (up to the cap), then the others, in creation order.
    const cppTasks = new Map((rec?.tasks ?? []).map((t) => [t.name, t]));
    const differing = (t: StepTask) => [...diffs].some((d) => d.startsWith(`${t.name}.`)) || (diffs.has('tasks') && !cppTasks.has(t.name));
    const listed = py.tasks.map((t, k) => ({ t, k, d: differing(t) }));
    const chosen = [...listed.filter((o) => o.d), ...listed.filter((o) => !o.d)].slice(0, MAX_PY_ROWS).sort((a, c) => a.k - c.k);
    const ran = new Set(py.ran);
    const cell = (t: StepTask, key: 'state' | 'py_line' | 'awaiting' | 'until', text: string, cppText: string | null) => {
      const differs = diffs.has(`${t.name}.${key}`);
      return h('td', { class: differs ? 'ls-diff' : undefined, 'data-field': `${t.name}.${key}` },
        text, differs ? h('span', { class: 'ls-cpp' }, h('span', { class: 'ls-icon', 'aria-hidden': 'true', text: ' ≠ ' }), h('span', { class: 'sr-only', text: ' — differs; ' }), `C++: ${cppText ?? '—'}`) : null);
    };
    const rows = chosen.map(({ t }) => {
      const c = cppTasks.get(t.name);
      const missing = diffs.has('tasks') && !c;
      return h('tr', { class: `${ran.has(t.name) ? 'ran' : ''}${missing ? ' ls-diff' : ''}` },
        h('th', { scope: 'row', text: t.name + (missing ? ' (not in the C++ record)' : '') }),
        cell(t, 'state', t.state, c ? c.state : null),
        cell(t, 'py_line', t.py_line === null ? '' : `line ${t.py_line}`, c ? (c.py_line === null ? 'none' : `line ${c.py_line}`) : null),
        cell(t, 'awaiting', t.state === 'waiting' ? awaits(t) : '', c ? (c.state === 'waiting' ? awaits(c) : 'nothing') : null),
        cell(t, 'until', t.until === null ? '' : `${fmtSeconds(t.until)} s`, c ? (c.until === null ? 'none' : `${fmtSeconds(c.until)} s`) : null));
    });
    const absent = diffs.has('tasks') ? [...cppTasks.keys()].filter((n) => !n.includes(' (job ') && !py.tasks.some((t) => t.name === n)) : [];
    parts.push(h('div', { class: 'table-wrap ls-wrap', tabindex: 0, role: 'region', 'aria-label': 'CPython’s tasks' },
      h('table', { class: 'ls-tasks' },
        h('caption', { text: `CPython’s tasks (${py.tasks.length})${absent.length ? `; not in CPython’s record: ${absent.join(', ')}` : ''}` }),
        h('thead', {}, h('tr', {}, ...['Task', 'State', 'Python line', 'Awaits', 'Wakes at'].map((c) => h('th', { scope: 'col', text: c })))),
        h('tbody', {}, ...rows))));
    if (py.tasks.length > chosen.length) {
      const hidden = listed.filter((o) => o.d).length - chosen.filter((o) => o.d).length;
      parts.push(h('p', { class: 'ls-more', text: `and ${py.tasks.length - chosen.length} more tasks${hidden ? ` (${hidden} of them differ)` : ', which agree'}` }));
    }
    this.pyBox.replaceChildren(...parts);
  }

  destroy(): void {
    this.pause();
    document.removeEventListener('keydown', this.onKey);
    this.el.remove();
  }

  private play(): void {
    if (this.at >= this.records.length - 1) this.show(0);
    this.buttons.play.textContent = 'Pause';
    this.buttons.play.setAttribute('aria-pressed', 'true');
    const tick = () => {
      if (this.at >= this.records.length - 1) { this.pause(); return; }
      this.go('next', true);
      this.playing = setTimeout(tick, 1000 / Number(this.speed.value));
    };
    this.playing = setTimeout(tick, 1000 / Number(this.speed.value));
  }

  private pause(): void {
    if (this.playing) clearTimeout(this.playing);
    this.playing = null;
    this.buttons.play.textContent = 'Play';
    this.buttons.play.setAttribute('aria-pressed', 'false');
  }

  private key(e: KeyboardEvent): void {
    if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || !this.el.isConnected || this.el.hidden) return;
    // Keys typed into a field, or the source tabs' own arrows, are theirs.
    if (e.target instanceof Element && e.target.closest('input, select, textarea, [contenteditable="true"], [role="tab"]')) return;
    const to = ({ ArrowRight: 'next', ArrowLeft: 'prev', Home: 'start', End: 'end' } as const)[e.key as 'Home'];
    if (!to) return;
    e.preventDefault();
    this.go(to);
  }

  private show(i: number): void {
    this.at = i;
    const rec = this.records[i];
    const n = this.records.length;
    this.scrub.value = String(i + 1);
    this.scrub.setAttribute('aria-valuetext', `step ${i + 1} of ${n}, iteration ${rec.iteration}, ${fmtSeconds(rec.time)} s`);
    this.position.textContent = `Step ${i + 1} of ${n} · iteration ${rec.iteration} · loop time ${fmtSeconds(rec.time)} s`;
    this.narration.textContent = rec.narration ?? narrate(rec, i > 0 ? this.records[i - 1] : null);
    this.buttons.start.disabled = this.buttons.prev.disabled = i === 0;
    this.buttons.next.disabled = this.buttons.end.disabled = this.buttons.print.disabled = i === n - 1;

    // A compacted record (a run of many tasks) lists the first entries; `counts` says how many there are.
    const ready = rec.counts?.ready ?? rec.ready.length;
    this.ready.replaceChildren(...rec.ready.slice(0, MAX_CHIPS).map((name) => h('li', { class: 'chip', text: name })));
    if (ready > MAX_CHIPS) this.ready.append(h('li', { class: 'chip chip-more', text: `+${(ready - MAX_CHIPS).toLocaleString('en')} more` }));
    if (!rec.ready.length) this.ready.append(h('li', { class: 'empty', text: 'empty' }));

    const timers = rec.timers; // the record lists them in firing order
    this.timers.replaceChildren(...timers.slice(0, MAX_TIMERS).map((tm) =>
      h('li', {}, h('span', { class: 'timer-at', text: `${fmtSeconds(tm.at)} s` }), ' ', tm.task ?? 'a callback')));
    const timerCount = rec.counts?.timers ?? timers.length;
    if (timerCount > MAX_TIMERS) this.timers.append(h('li', { class: 'more', text: `and ${(timerCount - MAX_TIMERS).toLocaleString('en')} more` }));
    if (!timers.length) this.timers.append(h('li', { class: 'empty', text: 'none' }));

    this.showTasks(rec);
    this.showBeside(i);
    this.hooks.onStep(i, rec);
  }

  /** The task table: the rows in view (and a few beyond), the others' height as padding. A row is
   *  touched only when what it shows changed, so a step costs the rows on screen whatever the count. */
  private showTasks(rec: StepRecord): void {
    const n = rec.tasks.length;
    const all = rec.counts?.tasks ?? n;
    this.tasksMore.hidden = all === n;
    this.tasksMore.textContent = all === n ? '' : `The first ${n.toLocaleString('en')} of ${all.toLocaleString('en')} tasks: a step of so many lists no more.`;
    if (!this.rowPx) this.rowPx = ROW_REM * parseFloat(getComputedStyle(document.documentElement).fontSize);
    const visible = Math.ceil((this.viewHeight || 16 * this.rowPx / ROW_REM) / this.rowPx) + 1;
    const first = Math.max(0, Math.min(Math.floor(this.viewTop / this.rowPx) - OVERSCAN, n - visible - 2 * OVERSCAN));
    const last = Math.min(n, first + visible + 2 * OVERSCAN);
    this.table.setAttribute('aria-rowcount', String(n + 1));
    this.tbody.style.paddingTop = `${first * this.rowPx}px`;
    this.tbody.style.paddingBottom = `${(n - last) * this.rowPx}px`;
    while (this.rows.length > last - first) this.rows.pop()?.tr.remove();
    while (this.rows.length < last - first) {
      const state = h('span', { role: 'cell', class: 'st' });
      const awaits = h('span', { role: 'cell' });
      const result = h('span', { role: 'cell', class: 'result' });
      const name = h('span', { role: 'rowheader', class: 'name' });
      const tr = h('div', { role: 'row', class: 'tr' }, name, state, awaits, result);
      this.rows.push({ tr, state, awaits, result, key: '' });
      this.tbody.append(tr);
    }
    const ran = new Set(rec.ran);
    for (let k = first; k < last; k++) {
      const t = rec.tasks[k];
      const row = this.rows[k - first];
      const key = `${k}|${t.name}|${t.state}|${t.awaiting}|${t.until}|${t.result}|${ran.has(t.name)}`;
      if (key === row.key) continue;
      row.key = key;
      row.tr.setAttribute('aria-rowindex', String(k + 2));
      (row.tr.firstChild as HTMLElement).textContent = t.name;
      row.state.className = `st st-${t.state}`;
      row.state.textContent = t.state;
      row.awaits.textContent = awaits(t);
      row.result.textContent = t.result ?? '';
      row.tr.classList.toggle('ran', ran.has(t.name));
    }
  }
}

function awaits(t: StepTask): string {
  if (t.state === 'sleeping' && t.until !== null) return `sleep until ${fmtSeconds(t.until)} s`;
  if (t.state === 'waiting') return t.awaiting ?? 'a future';
  return '';
}
