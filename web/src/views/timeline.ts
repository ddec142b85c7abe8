// Task timeline: one row per task and per executor worker, drawn from TraceEvents.
// uPlot was chosen for the chart (≈50 KB, canvas, cheap live redraws): it supplies the axes,
// scales and cursor; the spans and marks are drawn in a `draw` hook. Live updates are batched
// to one redraw per animation frame. uPlot is loaded after the page is up (it is not needed until
// the first run draws), which keeps its parse and evaluation off the time to ready.
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { TraceEvent } from '../engine/types';
import { buildTimeline, fmtT } from '../state/trace.js';
import { h } from './dom';
import { onThemeChange } from './theme';

type Row = ReturnType<typeof buildTimeline>['rows'][number];
const ROW_H = 26;
const KINDS = ['running', 'sleeping', 'waiting', 'worker', 'ready'] as const;
const KIND_LABEL: Record<(typeof KINDS)[number], string> = {
  running: 'running', sleeping: 'sleeping (timer)', waiting: 'waiting on tasks', worker: 'running in a worker', ready: 'created, not started',
};

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

export class Timeline {
  readonly el: HTMLElement;
  private plotHost: HTMLElement;
  private tip: HTMLElement;
  private empty: HTMLElement;
  private plot: uPlot | null = null;
  private trace: TraceEvent[] = [];
  private rows: Row[] = [];
  private end = 0;
  private xMax = 1;
  private minEnd = 0;
  private finalEnd = 0;
  private liveNow: (() => number) | null = null;
  private frame = 0;
  private width = 0;
  private cursorT: number | null = null;

  constructor(host: HTMLElement) {
    this.plotHost = h('div', { class: 'timeline-plot' });
    this.tip = h('div', { class: 'timeline-tip', hidden: true, 'aria-hidden': 'true' });
    this.empty = h('p', { class: 'timeline-empty', text: 'Run the pattern to see its tasks on a timeline.' });
    const legend = h('ul', { class: 'legend', 'aria-label': 'Timeline legend' },
      ...KINDS.map((k) => h('li', {}, h('span', { class: `swatch sw-${k}`, 'aria-hidden': 'true' }), KIND_LABEL[k])),
      h('li', {}, h('span', { class: 'mark-cancel', 'aria-hidden': 'true', text: '×' }), 'cancelled'),
      h('li', {}, h('span', { class: 'mark-error', 'aria-hidden': 'true', text: '!' }), 'failed'));
    this.el = h('div', { class: 'timeline', role: 'img', 'aria-label': 'Task timeline' }, this.empty, this.plotHost, this.tip, legend);
    host.append(this.el);
    new ResizeObserver(() => this.resize()).observe(host);
    onThemeChange(() => this.rebuild());
    // Fetch the library once the page has painted, so the first run rarely waits for it.
    requestAnimationFrame(() => setTimeout(() => loadChartLibrary().catch(() => undefined), 0));
  }

  /** Clears the chart for a new run; `ideal` gives the initial x range. While the run is live,
   *  `now` (the loop's current time, for real-clock runs) extends the open spans and the chart is
   *  redrawn every animation frame; otherwise it is redrawn once per frame with new events. */
  reset(ideal: number, now?: () => number): void {
    this.trace = [];
    this.rows = [];
    this.end = 0;
    this.finalEnd = 0;
    this.liveNow = now ?? null;
    this.cursorT = null;
    this.minEnd = ideal > 0 ? ideal : 1;
    this.schedule();
  }

  push(ev: TraceEvent): void {
    this.trace.push(ev);
    this.schedule();
  }

  /** Replaces the trace with the final one of a run. */
  set(trace: readonly TraceEvent[], end: number): void {
    this.trace = [...trace];
    this.liveNow = null;
    this.finalEnd = end;
    this.minEnd = end > 0 ? end : 0.001;
    this.schedule();
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
    if (!this.frame) this.frame = requestAnimationFrame(() => { this.frame = 0; this.update(); });
  }

  private update(): void {
    const tl = buildTimeline(this.trace, this.liveNow ? this.liveNow() : this.finalEnd);
    if (this.liveNow) this.schedule();
    const rowsChanged = tl.rows.length !== this.rows.length;
    this.rows = tl.rows;
    this.end = tl.end;
    this.xMax = Math.max(this.end, this.minEnd, 0.001) * 1.02; // room for an end mark
    this.empty.hidden = this.rows.length > 0;
    this.el.setAttribute('aria-label', `Task timeline: ${this.rows.length} rows (${this.rows.map((r) => r.label).join(', ')})`);
    this.el.dataset.rows = String(this.rows.length);
    if (!this.rows.length) { this.destroy(); return; }
    if (!this.plot || rowsChanged) { this.rebuild(); return; }
    this.plot.setScale('x', { min: 0, max: this.xMax });
  }

  private height(): number {
    return Math.max(2, this.rows.length) * ROW_H + 44;
  }

  private destroy(): void {
    this.plot?.destroy();
    this.plot = null;
  }

  private resize(): void {
    const w = this.plotHost.clientWidth || this.el.clientWidth;
    if (!w || w === this.width) return;
    this.width = w;
    this.plot?.setSize({ width: w, height: this.height() });
  }

  private rebuild(): void {
    this.destroy();
    if (!this.rows.length) return;
    if (!UPlot) {
      loadChartLibrary().then(() => this.schedule(), (e: unknown) => {
        this.empty.hidden = false;
        this.empty.textContent = `The chart library could not be loaded: ${e instanceof Error ? e.message : String(e)}`;
      });
      return;
    }
    const axisStroke = cssVar('--fg-muted');
    const grid = cssVar('--grid');
    const font = '12px system-ui, sans-serif';
    const width = this.plotHost.clientWidth || 600;
    this.width = width;
    const opts: uPlot.Options = {
      width,
      height: this.height(),
      legend: { show: false },
      cursor: { y: false, points: { show: false }, drag: { x: false, y: false } },
      scales: {
        x: { time: false, auto: false, range: () => [0, this.xMax] },
        y: { auto: false, range: () => [-0.5, this.rows.length - 0.5] },
      },
      axes: [
        { stroke: axisStroke, font, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, values: (_u, splits) => splits.map((v) => `${+v.toFixed(3)}s`) },
        {
          stroke: axisStroke, font, size: () => Math.min(160, Math.max(48, 14 + 7 * Math.max(...this.rows.map((r) => Math.min(20, r.label.length))))),
          grid: { show: false }, ticks: { show: false }, gap: 6,
          splits: () => this.rows.map((_r, i) => i),
          values: (_u, splits) => splits.map((v) => {
            const label = this.rows[this.rows.length - 1 - v]?.label ?? '';
            return label.length > 20 ? label.slice(0, 19) + '…' : label;
          }),
        },
      ],
      series: [{}],
      hooks: {
        draw: [(u) => this.draw(u)],
        setCursor: [(u) => this.hover(u)],
      },
    };
    this.plot = new UPlot(opts, [[0, this.xMax]], this.plotHost);
  }

  private draw(u: uPlot): void {
    const ctx = u.ctx;
    const colors: Record<string, string> = {};
    for (const k of KINDS) colors[k] = cssVar(`--tl-${k}`);
    const cancel = cssVar('--tl-cancel');
    const error = cssVar('--tl-error');
    const { left, top, width, height } = u.bbox;
    const n = this.rows.length;
    const rowPx = height / n;
    const barH = Math.max(4, Math.min(rowPx * 0.62, 18 * devicePixelRatio));
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    this.rows.forEach((row, i) => {
      const cy = u.valToPos(n - 1 - i, 'y', true);
      for (const s of row.spans) {
        const x0 = u.valToPos(s.t0, 'x', true);
        const x1 = u.valToPos(s.t1, 'x', true);
        ctx.fillStyle = colors[s.kind];
        const hh = s.kind === 'ready' ? barH * 0.35 : barH;
        ctx.fillRect(x0, cy - hh / 2, Math.max(x1 - x0, 1.5 * devicePixelRatio), hh);
      }
      for (const m of row.marks) {
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
    });
    if (this.cursorT !== null) {
      const x = Math.round(u.valToPos(this.cursorT, 'x', true));
      ctx.strokeStyle = cssVar('--step-cursor');
      ctx.lineWidth = 2 * devicePixelRatio;
      ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, top + height);
      ctx.stroke();
    }
    ctx.restore();
  }

  private hover(u: uPlot): void {
    const { left, top } = u.cursor;
    if (left === undefined || top === undefined || left < 0 || top < 0 || !this.rows.length) { this.tip.hidden = true; return; }
    const t = u.posToVal(left, 'x');
    const v = Math.round(u.posToVal(top, 'y'));
    const row = this.rows[this.rows.length - 1 - v];
    const span = row?.spans.find((s) => t >= s.t0 && t <= s.t1);
    if (!row || !span) { this.tip.hidden = true; return; }
    this.tip.textContent = `${row.label}: ${KIND_LABEL[span.kind]} ${fmtT(span.t0)}–${fmtT(span.t1)}${span.detail ? ` · ${span.detail}` : ''}`;
    this.tip.hidden = false;
    const over = u.over.getBoundingClientRect();
    const host = this.el.getBoundingClientRect();
    this.tip.style.left = `${Math.min(over.left - host.left + left + 8, host.width - 220)}px`;
    this.tip.style.top = `${over.top - host.top + top + 14}px`;
  }
}
