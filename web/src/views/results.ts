// Run summary (elapsed vs ideal), what concurrency saved (from the trace), and the table of earlier
// runs.
import type { PatternInfo, RunResult } from '../engine/types';
import { concurrencyComparison, overhead } from '../state/trace.js';
import { h, store } from './dom';

const fmtS = (n: number) => `${n.toFixed(3)} s`;

/** `cmp`: what concurrency saved, when the page has it already (the timeline takes it in as the events
 *  stream); otherwise it is computed from the trace. */
export function renderSummary(box: HTMLElement, r: RunResult, cmp = concurrencyComparison(r.trace)): void {
  const o = overhead(r.elapsed, r.ideal);
  const status = r.error ? 'failed' : r.cancelled ? 'cancelled' : 'finished';
  const items: Array<[string, string]> = [
    ['Status', status],
    ['Elapsed', fmtS(r.elapsed)],
    ['Ideal', fmtS(r.ideal)],
    ['Overhead', r.cancelled || r.error ? 'n/a (the run did not finish)' : `${o.abs >= 0 ? '+' : ''}${o.abs.toFixed(3)} s${o.pct === null ? '' : ` (${o.pct >= 0 ? '+' : ''}${o.pct.toFixed(1)}%)`}`],
    ['Clock', `${r.clock}, scale ${r.time_scale}`],
  ];
  const dl = h('dl', { class: 'summary-list' });
  for (const [k, v] of items) dl.append(h('div', {}, h('dt', { text: k }), h('dd', { text: v })));
  box.replaceChildren(dl);
  if (r.throttled) box.append(h('p', { class: 'msg msg-notice', text: 'The page was hidden during the run, so the browser throttled its timers: the elapsed time is inflated.' }));
  if (cmp) {
    const max = Math.max(cmp.sequential, cmp.concurrent, 1e-9);
    const bar = (label: string, v: number, cls: string) => {
      const fill = h('span', { class: `cmp-fill ${cls}` });
      fill.style.width = `${Math.max(1, (v / max) * 100)}%`;
      return h('div', { class: 'cmp-row' }, h('span', { class: 'cmp-label', text: label }), h('span', { class: 'cmp-bar' }, fill), h('span', { class: 'cmp-val', text: `${v.toFixed(2)} s` }));
    };
    const speed = cmp.concurrent > 0 ? `${(cmp.sequential / cmp.concurrent).toFixed(1)}× faster concurrently` : 'concurrent took no time';
    const what = `${cmp.tasks} tasks: their times added up, and from the first one's start to the last one's end`;
    box.append(h('figure', { class: 'compare', 'aria-label': 'Sequential versus concurrent' },
      bar('Sequential', cmp.sequential, 'sw-sleeping'), bar('Concurrent', cmp.concurrent, 'sw-running'),
      h('figcaption', { text: `${speed} (${what})` })));
  }
}

export interface RunRecord { id: string; params: string; clock: string; scale: number; elapsed: number; ideal: number; status: string }

const KEY = 'aio-runs';
const MAX_RUNS = 10;

export class RunHistory {
  private runs: RunRecord[] = [];
  private body: HTMLTableSectionElement;
  readonly el: HTMLElement;

  constructor(host: HTMLElement) {
    this.body = h('tbody');
    const head = h('thead', {}, h('tr', {}, ...['Pattern', 'Parameters', 'Clock', 'Elapsed', 'Ideal', 'Status'].map((t) => h('th', { scope: 'col', text: t }))));
    // Focusable so that a keyboard can scroll it; named apart from its panel (one landmark, one name).
    this.el = h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Table of the earlier runs' }, h('table', { class: 'runs' }, h('caption', { text: `Last ${MAX_RUNS} runs` }), head, this.body));
    host.append(this.el);
    try {
      const saved = JSON.parse(store.get(KEY) ?? '[]') as unknown;
      if (Array.isArray(saved)) this.runs = saved.filter(isRecord).slice(0, MAX_RUNS);
    } catch { /* ignore a corrupt entry */ }
    this.render();
  }

  add(r: RunResult, pattern: PatternInfo | undefined): void {
    const params = (pattern?.params ?? []).filter((s) => r.params[s.key] !== undefined && r.params[s.key] !== s.default)
      .map((s) => `${s.key}=${r.params[s.key]}`).join(' ') || 'defaults';
    this.runs.unshift({ id: r.id, params, clock: r.clock, scale: r.time_scale, elapsed: r.elapsed, ideal: r.ideal, status: r.error ? 'failed' : r.cancelled ? 'cancelled' : 'ok' });
    this.runs.length = Math.min(this.runs.length, MAX_RUNS);
    store.set(KEY, JSON.stringify(this.runs));
    this.render();
  }

  private render(): void {
    this.body.replaceChildren(...this.runs.map((r) => h('tr', {},
      h('td', { text: r.id }), h('td', { text: r.params }), h('td', { text: r.scale === 1 ? r.clock : `${r.clock} ×${r.scale}` }),
      h('td', { class: 'num', text: fmtS(r.elapsed) }), h('td', { class: 'num', text: fmtS(r.ideal) }), h('td', { text: r.status }))));
    if (!this.runs.length) this.body.append(h('tr', {}, h('td', { colspan: 6, class: 'empty', text: 'No runs yet.' })));
  }
}

function isRecord(v: unknown): v is RunRecord {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return typeof r.id === 'string' && typeof r.params === 'string' && typeof r.clock === 'string' && typeof r.scale === 'number' &&
    typeof r.elapsed === 'number' && typeof r.ideal === 'number' && typeof r.status === 'string';
}
