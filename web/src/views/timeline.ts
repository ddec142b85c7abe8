// Task timeline: one row per task and per executor worker, drawn from TraceEvents.
// uPlot was chosen for the chart (≈50 KB, canvas, cheap live redraws): it supplies the axes,
// scales and cursor; the spans and marks are drawn in a `draw` hook. Updates are batched to one
// redraw per animation frame, and while a run on the real clock is live to one every LIVE_FRAME_MS
// (see there). uPlot is loaded after the page is up (it is not needed until the first run draws),
// which keeps its parse and evaluation off the time to ready.
//
// At any task count: the events are taken in as they stream (state/trace.js, TimelineBuilder), and the
// canvas never grows past ROWS_ALL rows. Beyond that the chart shows, above a window of ROWS_SHOWN rows
// that the frame scrolls through, one density band per group of rows that do the same thing (the
// same label but for its numbers): in each pixel column, how many of the group's tasks are in each
// state. Dragging across the chart (or the zoom buttons) zooms into time; a double click resets.
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { TraceEvent } from '../engine/types';
import { SPAN_CODE, SPAN_KINDS, TimelineBuilder, fmtT, type LiveRow } from '../state/trace.js';
import { h } from './dom';
import { onThemeChange } from './theme';

const ROW_H = 26;
/** Up to this many rows the chart shows them all; beyond, a scrolled window of ROWS_SHOWN. */
const ROWS_ALL = 24;
const ROWS_SHOWN = 12;
/** Density bands: at most this many groups (the largest), of at least two rows each. */
const MAX_BANDS = 3;
/** A density band's buckets, in CSS pixels. */
const BUCKET_PX = 2;
/** In the order of the codes of a row's closed spans. */
const KINDS = SPAN_KINDS;
type Kind = (typeof KINDS)[number];
const KIND_LABEL: Record<Kind, string> = {
  running: 'running', sleeping: 'sleeping (timer)', waiting: 'waiting on tasks', worker: 'running in a worker', ready: 'created, not started',
};

interface Band {
  label: string;
  rows: LiveRow[];
  /** Per kind, the number of the group's rows in that state in each bucket. */
  counts: Record<Kind, Int32Array> | null;
  /** The closed spans counted so far, as differences (kind k, bucket b at k * (buckets + 1) + b), and
   *  how many of each row's spans they hold: closed spans never change, so a count adds only new ones. */
  closed: Int32Array | null;
  counted: Int32Array;
}
/** A pass grouping the rows into bands: how far it is, the groups so far, the events it started after. */
interface Grouping {
  rows: LiveRow[];
  at: number;
  /** Group key -> states waited in (see group) -> the rows. */
  by: Map<string, Map<number, { label: string; rows: LiveRow[] }>>;
  events: number;
}
/** The states a band's rows are told apart by (a row's running and ready spans say nothing of it). */
const WAIT_KINDS = ['', 'sleeping', 'waiting', 'worker'] as const;
const WAIT_INDEX: Record<Kind, number> = { running: 0, ready: 0, sleeping: 1, waiting: 2, worker: 3 };
/** The states of a code made by `group`, in order: "sleeping, waiting". */
function waitText(code: number): string {
  const names: string[] = [];
  for (; code; code = Math.floor(code / 4)) names.unshift(WAIT_KINDS[code % 4]);
  return names.join(', ');
}
/** How long a frame may spend grouping rows while a run streams. */
const GROUP_SLICE_MS = 6;
/** How long a frame may spend counting the bands' rows for what the run changed. */
const COUNT_SLICE_MS = 6;
/** While a run on the real clock is live, the chart is redrawn at most this often (30 a second). A
 *  redraw costs the page's thread and the compositor a few milliseconds, and on two cores that takes the
 *  core from under the loop's thread as it spins towards a timer's deadline. Measured in Chromium on two
 *  cores, lock at time scale 0.1 (twelve 10 ms sleeps one after another), the loop's medians after the
 *  first run: 7.4% late redrawn every frame, 3.3% at 30 a second, 2.1% never redrawn; the page's
 *  processes spent 0.69 s of CPU on a 4 s run of timing instead of 1.0 s. */
const LIVE_FRAME_MS = 33;

let UPlot: typeof uPlot | null = null;
let loading: Promise<void> | null = null;

/** Starts loading the chart library (once); resolves when it can draw. */
function loadChartLibrary(): Promise<void> {
  loading ??= import('uplot').then((m) => { UPlot = m.default; }, (e: unknown) => { loading = null; throw e; });
  return loading;
}

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

const numbers = new Intl.NumberFormat('en');
const count = (n: number) => numbers.format(n);
const compactNumbers = new Intl.NumberFormat('en', { notation: 'compact' });
const compact = (n: number) => compactNumbers.format(n);

export class Timeline {
  /** The chart itself (role img, its label says what it shows; data-rows the number of rows). */
  readonly el: HTMLElement;
  /** What the timeline puts in its host: the zoom tools, the scrolled frame around `el`. */
  readonly frame: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly tools: HTMLElement;
  private readonly toolNote: HTMLElement;
  private readonly zoomOut: HTMLButtonElement;
  private readonly zoomReset: HTMLButtonElement;
  private plotHost: HTMLElement;
  private tip: HTMLElement;
  private empty: HTMLElement;
  private plot: uPlot | null = null;
  private model = new TimelineBuilder();
  private rows: LiveRow[] = [];
  private bands: Band[] = [];
  /** The events the bands were grouped after, and when; whether a run is streaming its events in. */
  private groupedEvents = -1;
  private groupedAt = 0;
  private streaming = false;
  /** A grouping under way while the run streams, done a slice a frame; the bands drawn stay until it ends. */
  private grouping: Grouping | null = null;
  /** The view and width the bands were counted for, the events they counted, and when. */
  private bandGeometry = '';
  private bandRange = '';
  private bandData = '';
  private bandAt = 0;
  /** A count under way (see countBands): the band and row it has reached, the open spans counted so far
   *  in that band, and what it counts for. */
  private counting: { band: number; row: number; open: Int32Array | null; buckets: number; x0: number; x1: number; stop: number } | null = null;
  /** The first row shown, when they do not all fit. */
  private first = 0;
  /** The rows drawn: all, or the window. */
  private shown = 0;
  private plotHeight = 0;
  private end = 0;
  private xMax = 1;
  /** A zoomed time range, or null: the whole run. */
  private view: [number, number] | null = null;
  private minEnd = 0;
  private finalEnd = 0;
  private liveNow: (() => number) | null = null;
  private frameReq = 0;
  /** A live redraw waiting for its turn (LIVE_FRAME_MS after the last), and when the last began. */
  private liveWait = 0;
  private drawnAt = 0;
  private width = 0;
  private cursorT: number | null = null;
  private palette = { colors: {} as Record<Kind, string>, cancel: '', error: '', grid: '', cursor: '' };

  constructor(host: HTMLElement) {
    this.plotHost = h('div', { class: 'timeline-plot' });
    this.tip = h('div', { class: 'timeline-tip', hidden: true, 'aria-hidden': 'true' });
    this.empty = h('p', { class: 'timeline-empty', text: 'Run the pattern to see its tasks on a timeline.' });
    const legend = h('ul', { class: 'legend', 'aria-label': 'Timeline legend' },
      ...KINDS.map((k) => h('li', {}, h('span', { class: `swatch sw-${k}`, 'aria-hidden': 'true' }), KIND_LABEL[k])),
      h('li', {}, h('span', { class: 'mark-cancel', 'aria-hidden': 'true', text: '×' }), 'cancelled'),
      h('li', {}, h('span', { class: 'mark-error', 'aria-hidden': 'true', text: '!' }), 'failed'));
    this.el = h('div', { class: 'timeline', role: 'img', 'aria-label': 'Task timeline' }, this.empty, this.plotHost, this.tip);
    const zoomIn = h('button', { type: 'button', class: 'ghost', text: 'Zoom in', title: 'Zoom into the middle of the time shown (or drag across the chart)' });
    this.zoomOut = h('button', { type: 'button', class: 'ghost', text: 'Zoom out', disabled: true });
    this.zoomReset = h('button', { type: 'button', class: 'ghost', text: 'Whole run', disabled: true, title: 'Show the whole run (or double-click the chart)' });
    this.toolNote = h('p', { class: 'timeline-note', role: 'status' });
    this.tools = h('div', { class: 'timeline-tools', role: 'group', 'aria-label': 'Timeline zoom', hidden: true }, zoomIn, this.zoomOut, this.zoomReset, this.toolNote);
    zoomIn.addEventListener('click', () => this.zoom(0.5));
    this.zoomOut.addEventListener('click', () => this.zoom(2));
    this.zoomReset.addEventListener('click', () => this.setView(null));
    this.spacer = h('div', { class: 'timeline-spacer' });
    this.scroller = h('div', { class: 'timeline-scroll' }, this.el, this.spacer);
    this.scroller.addEventListener('scroll', () => this.scrolled(), { passive: true });
    this.frame = h('div', { class: 'timeline-frame' }, this.tools, this.scroller, legend);
    host.append(this.frame);
    new ResizeObserver(() => this.resize()).observe(host);
    onThemeChange(() => this.rebuild());
    // Fetch the library once the page has painted, and make the chart then, hidden until a run has rows:
    // made during the first run, it took a frame of 50 – 60 ms at 100,000 tasks (uPlot's setup and
    // first drawing, the theme's colours read, all of it compiled for the first time).
    requestAnimationFrame(() => setTimeout(() => loadChartLibrary().then(() => { if (!this.plot) this.rebuild(); }, () => undefined), 0));
  }

  /** Clears the chart for a new run; `ideal` gives the initial x range. While the run is live,
   *  `now` (the loop's current time, for real-clock runs) extends the open spans and the chart is
   *  redrawn every animation frame; otherwise it is redrawn once per frame with new events. */
  reset(ideal: number, now?: () => number): void {
    this.model = new TimelineBuilder();
    this.rows = [];
    this.bands = [];
    this.groupedEvents = -1;
    this.grouping = null;
    this.counting = null;
    this.streaming = true;
    this.end = 0;
    this.finalEnd = 0;
    this.view = null;
    this.liveNow = now ?? null;
    this.cursorT = null;
    this.minEnd = ideal > 0 ? ideal : 1;
    // Writing scrollTop lays the page out there and then (in the Run click's task, after the console
    // was cleared); at the first row it is within half a row of the top already.
    if (this.first) this.scroller.scrollTop = 0;
    this.first = 0;
    this.drawNow();
  }

  push(ev: TraceEvent): void {
    this.model.add(ev);
    this.schedule();
  }

  /** The run that streamed its events through `push` ended at `end`. */
  finish(end: number): void {
    this.streaming = false;
    this.liveNow = null;
    this.finalEnd = end;
    this.minEnd = end > 0 ? end : 0.001;
    this.drawNow();
  }

  /** Replaces the trace with the final one of a run. */
  set(trace: readonly TraceEvent[], end: number): void {
    this.model = new TimelineBuilder();
    for (const ev of trace) this.model.add(ev);
    this.groupedEvents = -1;
    this.grouping = null;
    this.counting = null;
    this.finish(end);
  }

  /** What running the tasks concurrently saved, from the events taken in (concurrencyComparison). */
  comparison(): ReturnType<TimelineBuilder['comparison']> {
    return this.model.comparison();
  }

  /** The rows as they stand (live: see TimelineBuilder.spans), for the trace download. */
  traceRows(): LiveRow[] {
    return this.model.rows();
  }

  /** Step mode: a vertical cursor at loop time `t` (null removes it); redraws without rebuilding. */
  cursor(t: number | null): void {
    if (t === this.cursorT) return;
    this.cursorT = t;
    this.el.dataset.cursor = t === null ? '' : String(t);
    this.plot?.redraw(false, false);
  }

  get rowLabels(): string[] {
    return this.rows.map((r) => r.label);
  }

  private schedule(): void {
    if (this.frameReq || this.liveWait) return;
    const wait = this.liveNow ? this.drawnAt + LIVE_FRAME_MS - performance.now() : 0;
    if (wait > 1) {
      this.liveWait = window.setTimeout(() => { this.liveWait = 0; this.schedule(); }, wait);
      return;
    }
    this.frameReq = requestAnimationFrame(() => {
      this.frameReq = 0;
      this.drawnAt = performance.now();
      this.update();
    });
  }

  /** The next frame redraws, whatever a live run's pace: a run began or ended. */
  private drawNow(): void {
    clearTimeout(this.liveWait);
    this.liveWait = 0;
    this.schedule();
  }

  private get stop(): number {
    const now = this.liveNow ? this.liveNow() : this.finalEnd;
    return now > this.model.last ? now : this.model.last;
  }

  private update(): void {
    if (this.liveNow) this.schedule();
    this.rows = this.model.rows();
    this.end = this.stop;
    this.xMax = Math.max(this.end, this.minEnd, 0.001) * 1.02; // room for an end mark
    const n = this.rows.length;
    this.empty.hidden = n > 0;
    this.el.dataset.rows = String(n);
    this.plotHost.hidden = n === 0;
    if (!n) { this.label(); this.tools.hidden = true; return; }
    const windowed = n > ROWS_ALL;
    // Grouping is a pass over every row: while the events stream in, at most once a second; once more
    // when the run has ended.
    const stale = this.groupedEvents !== this.model.events;
    if (windowed && (this.grouping || (stale && (!this.bands.length || !this.streaming || performance.now() - this.groupedAt > 1000)))) this.group();
    else if (windowed && stale) this.schedule();
    if (!windowed) this.bands = [];
    this.shown = windowed ? ROWS_SHOWN : n;
    this.first = windowed ? Math.min(this.first, n - ROWS_SHOWN) : 0;
    this.spacer.style.height = windowed ? `${(n - ROWS_SHOWN) * ROW_H}px` : '0';
    this.scroller.classList.toggle('scrolling', windowed);
    this.scroller.style.height = windowed ? `${this.height()}px` : '';
    if (windowed) {
      this.scroller.setAttribute('tabindex', '0');
      this.scroller.setAttribute('role', 'region');
      this.scroller.setAttribute('aria-label', 'Timeline rows: scroll for more');
    } else {
      for (const a of ['tabindex', 'role', 'aria-label']) this.scroller.removeAttribute(a);
    }
    this.tools.hidden = !windowed && !this.view;
    this.label();
    if (!this.plot) { this.rebuild(); return; }
    if (this.height() !== this.plotHeight) {
      // A new height (the rows became a window, or the other way): resized, not made again, which at
      // 100,000 rows was most of a frame.
      this.plotHeight = this.height();
      this.plot.setSize({ width: this.width, height: this.plotHeight });
    }
    // Both ranges go by the run (the y scale's range function counts the lines shown).
    this.plot.setScale('y', { min: -0.5, max: this.linesShown - 0.5 });
    this.plot.setScale('x', { min: 0, max: this.xMax });
    this.plot.redraw(false, true);
  }

  /** The chart's name for assistive technology: what it shows, in a sentence of bounded length. */
  private label(): void {
    const n = this.rows.length;
    if (n <= ROWS_ALL) {
      this.el.setAttribute('aria-label', `Task timeline: ${n} rows (${this.rows.map((r) => r.label).join(', ')})`);
      this.toolNote.textContent = '';
      return;
    }
    const groups = this.bands.map((b) => `${b.label} ×${count(b.rows.length)}`).join(', ');
    const last = Math.min(n, this.first + ROWS_SHOWN);
    this.el.setAttribute('aria-label', `Task timeline: ${count(n)} rows; ${groups ? `density bands for ${groups}; ` : ''}rows ${count(this.first + 1)} to ${count(last)} shown`);
    this.toolNote.textContent = `${count(n)} rows: ${count(this.first + 1)}–${count(last)} shown, scroll for more; bands above show how many of a group's tasks are in each state.`;
  }

  /** The density bands: rows grouped by what they do — the same label but for its numbers, and the
   *  same states they waited in, in order ("Task-# sleeping", "Task-# waiting") — the largest groups
   *  of two or more. */
  private group(): void {
    if (!this.grouping || !this.streaming) {
      this.grouping = { rows: this.rows, at: 0, by: new Map(), events: this.model.events };
      this.groupedAt = performance.now();
    }
    const job = this.grouping;
    const { by, rows } = job;
    // While the run streams, a slice a frame (a pass over 100,000 rows would hold the page up).
    const end = this.streaming ? performance.now() + GROUP_SLICE_MS : Infinity;
    while (job.at < rows.length && performance.now() < end) {
      for (const stop = Math.min(rows.length, job.at + 1024); job.at < stop; job.at++) {
        const r = rows[job.at];
        // The states it waited in, in order of first appearance, as base-4 digits of WAIT_KINDS: no
        // string is made for a row whose group is known.
        let waits = 0;
        let seen = 0;
        const c = r.closed;
        for (let i = 2; i <= c.length + 2; i += 3) {
          const w = WAIT_INDEX[i < c.length ? KINDS[c[i]] : (r.openKind ?? 'ready')];
          if (w && !(seen & (1 << w))) { seen |= 1 << w; waits = waits * 4 + w; }
        }
        let ofGroup = by.get(r.group);
        if (!ofGroup) by.set(r.group, (ofGroup = new Map()));
        const g = ofGroup.get(waits);
        if (g) g.rows.push(r);
        else ofGroup.set(waits, { label: `${r.label.replace(/\d+/g, '#')}${waits ? ` ${waitText(waits)}` : ''}`, rows: [r] });
      }
    }
    if (job.at < rows.length) {
      this.schedule();
      return;
    }
    this.grouping = null;
    this.counting = null;
    this.groupedEvents = job.events;
    this.bandData = '';  // new bands are counted from scratch, a slice a frame like any count the run asks for
    this.bands = [...by.values()].flatMap((m) => [...m.values()]).filter((g) => g.rows.length > 1).sort((a, b) => b.rows.length - a.rows.length).slice(0, MAX_BANDS)
      .map(({ label, rows }) => ({ label, rows, counts: null, closed: null, counted: new Int32Array(rows.length) }));
  }

  /** The chart's lines: the density bands, then the rows shown. */
  private get linesShown(): number {
    return this.bands.length + this.shown;
  }

  private height(): number {
    return Math.max(2, this.linesShown) * ROW_H + 44;
  }

  private destroy(): void {
    this.plot?.destroy();
    this.plot = null;
    this.plotHeight = 0;
  }

  private resize(): void {
    const w = this.plotHost.clientWidth || this.el.clientWidth;
    if (!w || w === this.width) return;
    this.width = w;
    this.plot?.setSize({ width: w, height: this.height() });
  }

  private scrolled(): void {
    const first = Math.max(0, Math.min(Math.round(this.scroller.scrollTop / ROW_H), this.rows.length - ROWS_SHOWN));
    if (first === this.first) return;
    this.first = first;
    this.label();
    this.plot?.redraw(false, true);
  }

  /** Zooms the time shown by `factor` (0.5: in) around its middle. */
  private zoom(factor: number): void {
    const [a, b] = this.view ?? [0, this.xMax];
    const mid = (a + b) / 2;
    const half = Math.max((b - a) * factor / 2, 1e-6);
    this.setView(half * 2 >= this.xMax ? null : [Math.max(0, mid - half), Math.min(this.xMax, mid + half)]);
  }

  private setView(view: [number, number] | null): void {
    this.view = view;
    this.zoomOut.disabled = this.zoomReset.disabled = view === null;
    this.el.dataset.view = view ? `${view[0]},${view[1]}` : '';
    this.tools.hidden = this.rows.length <= ROWS_ALL && !view;
    this.plot?.setScale('x', { min: 0, max: this.xMax });
  }

  /** Which row a display position shows: a band, a row, or nothing. */
  private at(d: number): { band: Band } | { row: LiveRow } | null {
    if (d < 0) return null;
    if (d < this.bands.length) return { band: this.bands[d] };
    return this.rows[this.first + d - this.bands.length] ? { row: this.rows[this.first + d - this.bands.length] } : null;
  }

  private rebuild(): void {
    this.destroy();
    if (!UPlot) {
      loadChartLibrary().then(() => this.schedule(), (e: unknown) => {
        this.empty.hidden = false;
        this.empty.textContent = `The chart library could not be loaded: ${e instanceof Error ? e.message : String(e)}`;
      });
      return;
    }
    const axisStroke = cssVar('--fg-muted');
    const grid = cssVar('--grid');
    // The theme's colours, read once per chart (reading styles at every frame costs a style pass).
    const colors = {} as Record<Kind, string>;
    for (const k of KINDS) colors[k] = cssVar(`--tl-${k}`);
    this.palette = { colors, cancel: cssVar('--tl-cancel'), error: cssVar('--tl-error'), grid, cursor: cssVar('--step-cursor') };
    const font = '12px system-ui, sans-serif';
    const width = this.plotHost.clientWidth || this.el.clientWidth || 600;
    this.width = width;
    this.plotHeight = this.height();
    const labelOf = (d: number) => {
      const x = this.at(d);
      if (x && 'band' in x) return `${x.band.label.length > 20 ? x.band.label.slice(0, 19) + '…' : x.band.label} ×${compact(x.band.rows.length)}`;
      const label = x ? x.row.label : '';
      return label.length > 20 ? label.slice(0, 19) + '…' : label;
    };
    const opts: uPlot.Options = {
      width,
      height: this.plotHeight,
      legend: { show: false },
      cursor: { y: false, points: { show: false }, drag: { x: true, y: false, setScale: false } },
      select: { show: true, left: 0, top: 0, width: 0, height: 0 },
      scales: {
        x: { time: false, auto: false, range: () => this.view ? [this.view[0], this.view[1]] : [0, this.xMax] },
        y: { auto: false, range: () => [-0.5, this.linesShown - 0.5] },
      },
      axes: [
        { stroke: axisStroke, font, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, values: (_u, splits) => splits.map((v) => `${+v.toFixed(6)}s`) },
        {
          stroke: axisStroke, font,
          // A window of rows (with its bands) has room for a band's label; a small run fits its own.
          size: () => this.bands.length || this.rows.length > ROWS_ALL ? 200 : Math.min(160, Math.max(48, 14 + 7 * this.rows.reduce((m, r) => Math.max(m, Math.min(20, r.label.length)), 0))),
          grid: { show: false }, ticks: { show: false }, gap: 6,
          splits: () => Array.from({ length: this.linesShown }, (_v, i) => i),
          values: (_u, splits) => splits.map((v) => labelOf(this.linesShown - 1 - v)),
        },
      ],
      series: [{}],
      hooks: {
        draw: [(u) => this.draw(u)],
        setCursor: [(u) => this.hover(u)],
        setSelect: [(u) => this.selected(u)],
      },
    };
    this.plot = new UPlot(opts, [[0, this.xMax]], this.plotHost);
    this.plot.over.addEventListener('dblclick', () => this.setView(null));
  }

  /** A drag across the chart: zoom into the time it covered. */
  private selected(u: uPlot): void {
    const { left, width } = u.select;
    if (width < 4) return;
    const a = u.posToVal(left, 'x');
    const b = u.posToVal(left + width, 'x');
    u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
    this.setView([Math.max(0, a), b]);
  }

  private draw(u: uPlot): void {
    const ctx = u.ctx;
    const { colors, cancel, error, grid, cursor } = this.palette;
    const { left, top, width, height } = u.bbox;
    const nb = this.bands.length;
    const n = nb + this.shown;
    const rowPx = height / n;
    const barH = Math.max(4, Math.min(rowPx * 0.62, 18 * devicePixelRatio));
    const [x0, x1] = this.view ?? [0, this.xMax];
    const stop = this.end;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    if (nb) this.drawBands(u, colors, barH, x0, x1, stop);
    const minW = 1.5 * devicePixelRatio;
    for (let i = 0; i < this.shown; i++) {
      const row = this.rows[this.first + i];
      if (!row) break;
      const cy = u.valToPos(n - 1 - (nb + i), 'y', true);
      for (const s of TimelineBuilder.spans(row, stop)) {
        if (s.t1 < x0 || s.t0 > x1) continue;
        const a = u.valToPos(s.t0, 'x', true);
        const b = u.valToPos(s.t1, 'x', true);
        ctx.fillStyle = colors[s.kind];
        const hh = s.kind === 'ready' ? barH * 0.35 : barH;
        ctx.fillRect(a, cy - hh / 2, Math.max(b - a, minW), hh);
      }
      for (const m of row.marks) {
        if (m.t < x0 || m.t > x1) continue;
        const x = u.valToPos(m.t, 'x', true);
        const r = barH / 2;
        ctx.lineWidth = 2 * devicePixelRatio;
        ctx.strokeStyle = m.kind === 'cancel' ? cancel : error;
        ctx.fillStyle = ctx.strokeStyle;
        ctx.beginPath();
        if (m.kind === 'cancel') {
          ctx.moveTo(x - r, cy - r); ctx.lineTo(x + r, cy + r);
          ctx.moveTo(x + r, cy - r); ctx.lineTo(x - r, cy + r);
          ctx.stroke();
        } else {
          ctx.moveTo(x, cy - r); ctx.lineTo(x + r, cy + r); ctx.lineTo(x - r, cy + r); ctx.closePath();
          ctx.fill();
        }
      }
    }
    if (nb) {
      // The bands end here: a rule between them and the rows.
      const y = Math.round((u.valToPos(n - nb, 'y', true) + u.valToPos(n - 1 - nb, 'y', true)) / 2);
      ctx.strokeStyle = grid;
      ctx.lineWidth = devicePixelRatio;
      ctx.beginPath();
      ctx.moveTo(left, y);
      ctx.lineTo(left + width, y);
      ctx.stroke();
    }
    if (this.cursorT !== null) {
      const x = Math.round(u.valToPos(this.cursorT, 'x', true));
      ctx.strokeStyle = cursor;
      ctx.lineWidth = 2 * devicePixelRatio;
      ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, top + height);
      ctx.stroke();
    }
    ctx.restore();
  }

  /** Counts, per bucket of BUCKET_PX and per state, the rows of each band in that state at some time
   *  within the bucket. The closed spans are counted once per zoom and width (then only the new ones),
   *  the open ones at every count. What the visitor changed (the width, the zoom) is counted at once;
   *  what the run changed (new events, a longer time axis) at most every 200 ms and a slice a frame
   *  (a pass over 100,000 rows would hold the page up), the chart drawing the last counts meanwhile. */
  private countBands(buckets: number, x0: number, x1: number, stop: number): void {
    const geometry = `${buckets}|${this.view ? this.view.join(',') : ''}`;
    const range = `${x0}|${x1}`;
    const data = `${this.model.events}|${stop}|${range}`;
    const visitor = geometry !== this.bandGeometry;
    if (!this.counting || visitor) {
      if (!visitor && data === this.bandData) return;
      if (!visitor && this.bands[0]?.counts && performance.now() - this.bandAt < 200) {
        this.schedule();
        return;
      }
      // The closed spans were counted for other buckets: counted again from the first.
      if (visitor || range !== this.bandRange) for (const band of this.bands) band.closed = null;
      this.bandGeometry = geometry;
      this.bandRange = range;
      this.bandData = data;
      this.bandAt = performance.now();
      this.counting = { band: 0, row: 0, open: null, buckets, x0, x1, stop };
    }
    const job = this.counting;
    const width = job.buckets + 1;
    const scale = job.buckets / (job.x1 - job.x0);
    const last = job.buckets - 1;
    const put = (diff: Int32Array, t0: number, t1: number, code: number) => {
      if (t1 < job.x0 || t0 > job.x1) return;
      const a = Math.max(0, Math.floor((t0 - job.x0) * scale));
      const b = Math.min(last, Math.floor((t1 - job.x0) * scale));
      const k = code * width;
      diff[k + a]++;
      diff[k + b + 1]--;
    };
    const end = visitor ? Infinity : performance.now() + COUNT_SLICE_MS;
    for (; job.band < this.bands.length; job.band++, job.row = 0, job.open = null) {
      const band = this.bands[job.band];
      if (!band.closed) { band.closed = new Int32Array(KINDS.length * width); band.counted.fill(0); }
      const closed = band.closed;
      const open = (job.open ??= new Int32Array(KINDS.length * width));
      const rows = band.rows;
      while (job.row < rows.length) {
        if (performance.now() >= end) {
          this.schedule();
          return;
        }
        for (const stopAt = Math.min(rows.length, job.row + 1024); job.row < stopAt; job.row++) {
          const r = rows[job.row];
          const c = r.closed;
          for (let j = band.counted[job.row] * 3; j < c.length; j += 3) put(closed, c[j], c[j + 1], c[j + 2]);
          band.counted[job.row] = c.length / 3;
          if (r.openKind) put(open, r.openT, Math.max(job.stop, r.openT), SPAN_CODE[r.openKind]);
          const jobs = (r as { jobs?: Map<number, { t: number }> }).jobs;
          if (jobs) for (const running of jobs.values()) put(open, running.t, Math.max(job.stop, running.t), SPAN_CODE.worker);
        }
      }
      for (let i = 0; i < open.length; i++) open[i] += closed[i];
      const counts = {} as Record<Kind, Int32Array>;
      KINDS.forEach((k, i) => {
        const c = open.subarray(i * width, i * width + width);
        for (let b = 1; b < job.buckets; b++) c[b] += c[b - 1];
        counts[k] = c;
      });
      band.counts = counts;
    }
    this.counting = null;
  }

  private drawBands(u: uPlot, colors: Record<Kind, string>, barH: number, x0: number, x1: number, stop: number): void {
    const { ctx } = u;
    const { left, width } = u.bbox;
    const buckets = Math.max(1, Math.floor(width / (BUCKET_PX * devicePixelRatio)));
    this.countBands(buckets, x0, x1, stop);
    const n = this.linesShown;
    const bw = width / buckets;
    this.bands.forEach((band, i) => {
      const counts = band.counts;
      if (!counts) return;
      const cy = u.valToPos(n - 1 - i, 'y', true);
      // A band's ground, so that it reads as a count and not as one more task.
      ctx.fillStyle = this.palette.grid;
      ctx.fillRect(left, cy - barH / 2, width, barH);
      const base = cy + barH / 2;
      const size = band.rows.length;
      for (let b = 0; b < buckets; b++) {
        let total = 0;
        for (const k of KINDS) total += counts[k][b];
        if (!total) continue;
        const scale = barH / Math.max(size, total);
        let y = base;
        for (const k of KINDS) {
          const c = counts[k][b];
          if (!c) continue;
          const hh = Math.max(c * scale, devicePixelRatio);
          ctx.fillStyle = colors[k];
          ctx.fillRect(left + b * bw, y - hh, bw + 0.5, hh);
          y -= hh;
        }
      }
    });
  }

  private hover(u: uPlot): void {
    const { left, top } = u.cursor;
    if (left === undefined || top === undefined || left < 0 || top < 0 || !this.rows.length) { this.tip.hidden = true; return; }
    const t = u.posToVal(left, 'x');
    const n = this.linesShown;
    const d = n - 1 - Math.round(u.posToVal(top, 'y'));
    const x = this.at(d);
    if (!x) { this.tip.hidden = true; return; }
    if ('band' in x) {
      const counts = x.band.counts;
      const [x0, x1] = this.view ?? [0, this.xMax];
      const buckets = counts ? counts.running.length - 1 : 0;
      const b = Math.floor(((t - x0) / (x1 - x0)) * buckets);
      const parts = counts && b >= 0 && b < buckets ? KINDS.filter((k) => counts[k][b] > 0).map((k) => `${count(counts[k][b])} ${KIND_LABEL[k]}`) : [];
      this.tip.textContent = `${x.band.label} (${count(x.band.rows.length)} rows) near ${fmtT(t)}: ${parts.join(', ') || 'none alive'}`;
    } else {
      const span = TimelineBuilder.spans(x.row, this.end).find((s) => t >= s.t0 && t <= s.t1);
      if (!span) { this.tip.hidden = true; return; }
      this.tip.textContent = `${x.row.label}: ${KIND_LABEL[span.kind]} ${fmtT(span.t0)}–${fmtT(span.t1)}${span.detail ? ` · ${span.detail}` : ''}`;
    }
    this.tip.hidden = false;
    const over = u.over.getBoundingClientRect();
    const host = this.el.getBoundingClientRect();
    this.tip.style.left = `${Math.min(over.left - host.left + left + 8, host.width - 220)}px`;
    this.tip.style.top = `${over.top - host.top + top + 14}px`;
  }
}
