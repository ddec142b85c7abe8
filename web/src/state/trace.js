// From TraceEvents to timeline rows, a Chrome trace-event (Perfetto) JSON, and run summaries.
// Pure functions (no DOM), unit-tested under node.

/** @typedef {import('../engine/types').TraceEvent} TraceEvent */
/** @typedef {import('../engine/types').RunResult} RunResult */
/** @typedef {'ready' | 'running' | 'sleeping' | 'waiting' | 'worker'} SpanKind */
/** @typedef {{ t0: number, t1: number, kind: SpanKind, detail?: string }} Span */
/** @typedef {{ t: number, kind: 'cancel' | 'error', detail?: string }} Mark */
/** @typedef {{ key: string, label: string, type: 'task' | 'worker', spans: Span[], marks: Mark[] }} Row */

/** @type {Record<string, SpanKind | undefined>} */
const TASK_SPAN = { created: 'ready', running: 'running', sleeping: 'sleeping', waiting: 'waiting' };

/**
 * What a row's tasks do, as a key to group them by: its label with the numbers taken out
 * ("fetch_user #17" and "fetch_user #18" are one group).
 * @param {string} label
 * @param {'task' | 'worker'} type
 */
export function groupKey(label, type) {
  return `${type}:${label.replace(/\d+/g, '#')}`;
}

/** The span kinds in the order of their codes in a LiveRow's `closed`. */
export const SPAN_KINDS = /** @type {const} */ (['running', 'sleeping', 'waiting', 'worker', 'ready']);
/** A kind's code: its index in SPAN_KINDS. @type {Record<SpanKind, number>} */
export const SPAN_CODE = { running: 0, sleeping: 1, waiting: 2, worker: 3, ready: 4 };

/**
 * @typedef {{ key: string, label: string, type: 'task' | 'worker', group: string, marks: Mark[],
 *   closed: number[], details?: (string | undefined)[], openKind: SpanKind | null, openT: number,
 *   openDetail: string | undefined }} LiveRow
 * A row as it grows: the spans closed so far and the one still open (drawn up to the current time), its
 * kind, start and detail kept in the row itself: an object for it at each change of state would make
 * 100,000 of them alive at a time in a big run, for each collection of the young objects to copy.
 * The closed spans are packed three numbers each — t0, t1 and the kind's index in SPAN_KINDS — in one
 * array of doubles, and their details (rare) kept aside by span index: a run of 100,000 tasks closes
 * some 400,000 spans, and as objects each would be three more for every garbage collection to copy.
 */

/** The marks of a row that has none, shared (most rows never get one); replaced on a row's first mark.
 *  @type {Mark[]} */
const NO_MARKS = /** @type {Mark[]} */ (/** @type {unknown} */ (Object.freeze([])));

/**
 * The timeline's rows, built as the events stream (one `add` per event, constant time), so that a run
 * of 100,000 tasks costs the page one pass over its events, not one per frame.
 */
export class TimelineBuilder {
  constructor() {
    /** @type {Map<number, LiveRow>} */
    this.tasks = new Map();
    /** @type {Map<string, LiveRow & { jobs: Map<number, { t: number, name?: string }> }>} */
    this.workers = new Map();
    /** @type {Map<number, string>} job id -> worker row key */
    this.jobWorker = new Map();
    /** @type {Map<number, number>} tasks another task created, for `comparison`: where their times are */
    this.children = new Map();
    /** @type {number[]} each child's creation and end (NaN until it ends), in pairs */
    this.childTimes = [];
    /** The latest event time. */
    this.last = 0;
    /** Events taken in. */
    this.events = 0;
    /** The row list, built again after a row is added or relabelled. @type {LiveRow[] | null} */
    this.list = null;
    this.maxTaskId = -Infinity;
    this.sorted = true;
    /** @type {Map<string, string>} see intern */
    this.groups = new Map();
  }

  /** @param {TraceEvent} ev */
  add(ev) {
    this.events++;
    if (ev.t > this.last) this.last = ev.t;
    if (ev.kind === 'task') {
      let row = this.tasks.get(ev.id);
      if (!row) {
        const label = ev.name || `Task #${ev.id}`;
        row = { key: `task:${ev.id}`, label, type: 'task', group: this.intern(groupKey(label, 'task')), closed: [], marks: NO_MARKS, openKind: null, openT: 0, openDetail: undefined };
        this.tasks.set(ev.id, row);
        if (ev.id < this.maxTaskId) this.sorted = false; else this.maxTaskId = ev.id;
        this.changed();
      } else if (ev.name && ev.name !== row.label) {
        row.label = ev.name;
        row.group = this.intern(groupKey(ev.name, 'task'));
        this.changed();
      }
      const open = row.openKind;
      if (open) {
        if (ev.t > row.openT || open !== 'ready') TimelineBuilder.close(row, row.openT, ev.t, open, row.openDetail);
        row.openKind = null;
        row.openDetail = undefined;
      }
      const kind = TASK_SPAN[ev.state];
      if (kind) {
        row.openKind = kind;
        row.openT = ev.t;
        row.openDetail = ev.detail || undefined;
      }
      if (ev.state === 'cancelled' || ev.state === 'failed') {
        if (row.marks === NO_MARKS) row.marks = [];
        row.marks.push({ t: ev.t, kind: ev.state === 'cancelled' ? 'cancel' : 'error', ...(ev.detail ? { detail: ev.detail } : {}) });
      }
      if (ev.state === 'created' && ev.parent !== undefined) {
        this.children.set(ev.id, this.childTimes.length);
        this.childTimes.push(ev.t, NaN);
      } else if (ev.state === 'done' || ev.state === 'cancelled' || ev.state === 'failed') {
        const c = this.children.get(ev.id);
        if (c !== undefined) this.childTimes[c + 1] = ev.t;
      }
    } else if (ev.kind === 'job') {
      if (ev.state === 'running') {
        const key = ev.worker !== undefined ? `worker:${ev.worker}` : 'worker:?';
        let row = this.workers.get(key);
        if (!row) {
          const label = ev.worker !== undefined ? `worker ${ev.worker}` : 'executor';
          row = { key, label, type: 'worker', group: groupKey(label, 'worker'), closed: [], marks: [], openKind: null, openT: 0, openDetail: undefined, jobs: new Map() };
          this.workers.set(key, row);
          this.changed();
        }
        row.jobs.set(ev.id, { t: ev.t, ...(ev.name ? { name: ev.name } : {}) });
        this.jobWorker.set(ev.id, key);
      } else if (ev.state === 'done' || ev.state === 'failed') {
        const key = this.jobWorker.get(ev.id);
        const row = key ? this.workers.get(key) : undefined;
        const job = row?.jobs.get(ev.id);
        if (row && job) {
          TimelineBuilder.close(row, job.t, ev.t, 'worker', job.name ? `${job.name} (job ${ev.id})` : `job ${ev.id}`);
          row.jobs.delete(ev.id);
          if (ev.state === 'failed') row.marks.push({ t: ev.t, kind: 'error', ...(ev.detail ? { detail: ev.detail } : {}) });
        }
      }
    }
  }

  /**
   * One string for each group key: a run of 100,000 tasks has a handful of groups, and each string
   * kept is one more object for every garbage collection to copy.
   * @private
   * @param {string} key
   */
  intern(key) {
    const known = this.groups.get(key);
    if (known !== undefined) return known;
    this.groups.set(key, key);
    return key;
  }

  /** @private */
  changed() {
    this.list = null;
  }

  /**
   * The rows as they stand: one per task (in order of id), then one per executor worker (in order of
   * worker). Live objects: a row's open span is `openKind` (null: none), `openT` and `openDetail`, and
   * the running jobs of a worker are in `jobs`.
   * @returns {LiveRow[]}
   */
  rows() {
    if (this.list) return this.list;
    /** @type {LiveRow[]} */
    const list = [];
    if (this.sorted) for (const row of this.tasks.values()) list.push(row);
    else for (const id of [...this.tasks.keys()].sort((a, b) => a - b)) list.push(/** @type {LiveRow} */ (this.tasks.get(id)));
    const wkeys = [...this.workers.keys()].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    for (const k of wkeys) list.push(/** @type {LiveRow} */ (this.workers.get(k)));
    this.list = list;
    return list;
  }

  /**
   * Closes a span of a row.
   * @param {LiveRow} row
   * @param {number} t0
   * @param {number} t1
   * @param {SpanKind} kind
   * @param {string} [detail]
   */
  static close(row, t0, t1, kind, detail) {
    if (detail) (row.details ??= [])[row.closed.length / 3] = detail;
    row.closed.push(t0, t1, SPAN_CODE[kind]);
  }

  /**
   * Every span of a row, its open one (and a worker's running jobs) closed at `stop`.
   * @param {LiveRow | Row} row
   * @param {number} stop
   * @returns {Span[]}
   */
  static spans(row, stop) {
    if ('spans' in row) return /** @type {Row} */ (row).spans;
    const jobs = /** @type {{ jobs?: Map<number, { t: number, name?: string }> }} */ (row).jobs;
    /** @type {Span[]} */
    const out = [];
    const c = row.closed;
    for (let i = 0; i < c.length; i += 3) {
      const detail = row.details?.[i / 3];
      const kind = SPAN_KINDS[c[i + 2]];
      out.push(detail ? { t0: c[i], t1: c[i + 1], kind, detail } : { t0: c[i], t1: c[i + 1], kind });
    }
    if (row.openKind) out.push({ t0: row.openT, t1: Math.max(stop, row.openT), kind: row.openKind, ...(row.openDetail ? { detail: row.openDetail } : {}) });
    if (jobs) for (const [id, job] of jobs) out.push({ t0: job.t, t1: Math.max(stop, job.t), kind: 'worker', detail: job.name ? `${job.name} (job ${id})` : `job ${id}` });
    return out;
  }

  /**
   * Plain rows with every open span closed at `end` (the current time of a live run), as buildTimeline.
   * @param {number} [end]
   * @returns {{ rows: Row[], end: number }}
   */
  finish(end) {
    const stop = end !== undefined && end > this.last ? end : this.last;
    const rows = this.rows().map((r) => ({ key: r.key, label: r.label, type: r.type, spans: TimelineBuilder.spans(r, stop), marks: r.marks }));
    return { rows, end: stop };
  }

  /** What running the tasks concurrently saved (see concurrencyComparison). */
  comparison() {
    // Read off the pairs as they are: an object per child would be 100,000 at the end of a big run.
    return compare(this.childTimes);
  }
}

/**
 * Builds one row per task (in order of id) and one per executor worker (in order of worker).
 * Open spans are closed at `end` (the current time of a live run).
 * @param {readonly TraceEvent[]} trace
 * @param {number} [end]
 * @returns {{ rows: Row[], end: number }}
 */
export function buildTimeline(trace, end) {
  const b = new TimelineBuilder();
  for (const ev of trace) b.add(ev);
  return b.finish(end);
}

/**
 * Chrome trace-event format (opens in Perfetto / chrome://tracing). Times in microseconds.
 * @param {Pick<RunResult, 'id' | 'params' | 'clock' | 'time_scale' | 'elapsed' | 'ideal' | 'trace' | 'lines'>} result
 */
export function toChromeTrace(result) {
  const { rows } = buildTimeline(result.trace, result.elapsed);
  return { traceEvents: [...chromeTraceEvents(result, rows)], displayTimeUnit: 'ms', metadata: chromeTraceMetadata(result) };
}

/**
 * The trace's events one by one, from rows already built (a page that took the events in as they
 * streamed has them; spans still open are closed at the run's end): a large trace can then be written
 * a slice at a time.
 * @param {Pick<RunResult, 'id' | 'lines' | 'elapsed'>} result
 * @param {readonly (Row | LiveRow)[]} rows
 * @returns {Generator<Record<string, unknown>>}
 */
export function* chromeTraceEvents(result, rows) {
  const us = (/** @type {number} */ t) => Math.round(t * 1e6);
  yield { name: 'process_name', ph: 'M', pid: 1, tid: 0, args: { name: `asyncio pattern ${result.id}` } };
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    const tid = i + 1;
    yield { name: 'thread_name', ph: 'M', pid: 1, tid, args: { name: row.label } };
    yield { name: 'thread_sort_index', ph: 'M', pid: 1, tid, args: { sort_index: i } };
    for (const s of TimelineBuilder.spans(/** @type {LiveRow} */ (row), result.elapsed)) {
      yield { name: s.kind, cat: row.type, ph: 'X', pid: 1, tid, ts: us(s.t0), dur: us(s.t1) - us(s.t0), ...(s.detail ? { args: { detail: s.detail } } : {}) };
    }
    for (const m of row.marks) {
      yield { name: m.kind, cat: row.type, ph: 'i', s: 't', pid: 1, tid, ts: us(m.t), ...(m.detail ? { args: { detail: m.detail } } : {}) };
    }
  }
  // The printed lines from `lines`, not from the trace: a page keeps a large trace as text until read.
  for (const line of result.lines) yield { name: line.text, cat: 'output', ph: 'i', s: 'p', pid: 1, tid: 0, ts: us(line.t) };
}

/** @param {Pick<RunResult, 'id' | 'params' | 'clock' | 'time_scale' | 'elapsed' | 'ideal'>} result */
export function chromeTraceMetadata(result) {
  return { pattern: result.id, params: result.params, clock: result.clock, time_scale: result.time_scale, elapsed: result.elapsed, ideal: result.ideal };
}

/**
 * @param {number} elapsed
 * @param {number} ideal
 */
export function overhead(elapsed, ideal) {
  const abs = elapsed - ideal;
  return { abs, pct: ideal > 0 ? (abs / ideal) * 100 : null };
}

/**
 * What running the tasks concurrently saved, from the trace alone: the lifetimes of every task that
 * another task created (from `created` to done, cancelled or failed), added up — what awaiting them one
 * after another would have taken — against the span from the first one's creation to the last one's
 * end. Null with fewer than two such tasks, or when they took no time.
 * @param {readonly TraceEvent[]} trace
 * @returns {{ sequential: number, concurrent: number, tasks: number } | null}
 */
export function concurrencyComparison(trace) {
  /** @type {Map<number, number>} child id -> index of its pair in `times` */
  const children = new Map();
  /** @type {number[]} */
  const times = [];
  for (const ev of trace) {
    if (ev.kind !== 'task') continue;
    if (ev.state === 'created' && ev.parent !== undefined) {
      children.set(ev.id, times.length);
      times.push(ev.t, NaN);
    } else if (ev.state === 'done' || ev.state === 'cancelled' || ev.state === 'failed') {
      const c = children.get(ev.id);
      if (c !== undefined) times[c + 1] = ev.t;
    }
  }
  return compare(times);
}

/**
 * @param {readonly number[]} times each child's creation and end (NaN: it has not ended), in pairs
 * @returns {{ sequential: number, concurrent: number, tasks: number } | null}
 */
function compare(times) {
  let sequential = 0;
  let first = Infinity;
  let last = -Infinity;
  let tasks = 0;
  for (let i = 0; i < times.length; i += 2) {
    const t0 = times[i];
    const t1 = times[i + 1];
    if (Number.isNaN(t1)) continue;
    tasks++;
    sequential += t1 - t0;
    if (t0 < first) first = t0;
    if (t1 > last) last = t1;
  }
  if (tasks < 2) return null;
  return sequential > 0 ? { sequential, concurrent: last - first, tasks } : null;
}

/** Loop timestamp as shown in the console, e.g. 0.500s */
export function fmtT(/** @type {number} */ t) {
  return `${Number.isFinite(t) ? t.toFixed(3) : '?'}s`;
}
