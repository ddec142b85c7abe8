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
 * Builds one row per task (in order of id) and one per executor worker (in order of worker).
 * Open spans are closed at `end` (the current time of a live run).
 * @param {readonly TraceEvent[]} trace
 * @param {number} [end]
 * @returns {{ rows: Row[], end: number }}
 */
export function buildTimeline(trace, end) {
  let last = 0;
  for (const ev of trace) if (ev.t > last) last = ev.t;
  const stop = end !== undefined && end > last ? end : last;
  /** @type {Map<number, Row & { open?: { t: number, kind: SpanKind, detail?: string } }>} */
  const tasks = new Map();
  /** @type {Map<string, Row & { jobs: Map<number, { t: number, name?: string }> }>} */
  const workers = new Map();
  /** @type {Map<number, string>} job id -> worker row key */
  const jobWorker = new Map();
  for (const ev of trace) {
    if (ev.kind === 'task') {
      let row = tasks.get(ev.id);
      if (!row) {
        row = { key: `task:${ev.id}`, label: ev.name || `Task #${ev.id}`, type: 'task', spans: [], marks: [] };
        tasks.set(ev.id, row);
      } else if (ev.name) {
        row.label = ev.name;
      }
      if (row.open) {
        if (ev.t > row.open.t || row.open.kind !== 'ready') {
          row.spans.push({ t0: row.open.t, t1: ev.t, kind: row.open.kind, ...(row.open.detail ? { detail: row.open.detail } : {}) });
        }
        row.open = undefined;
      }
      const kind = TASK_SPAN[ev.state];
      if (kind) row.open = { t: ev.t, kind, ...(ev.detail ? { detail: ev.detail } : {}) };
      if (ev.state === 'cancelled') row.marks.push({ t: ev.t, kind: 'cancel', ...(ev.detail ? { detail: ev.detail } : {}) });
      if (ev.state === 'failed') row.marks.push({ t: ev.t, kind: 'error', ...(ev.detail ? { detail: ev.detail } : {}) });
    } else if (ev.kind === 'job') {
      if (ev.state === 'running') {
        const key = ev.worker !== undefined ? `worker:${ev.worker}` : 'worker:?';
        let row = workers.get(key);
        if (!row) {
          row = { key, label: ev.worker !== undefined ? `worker ${ev.worker}` : 'executor', type: 'worker', spans: [], marks: [], jobs: new Map() };
          workers.set(key, row);
        }
        row.jobs.set(ev.id, { t: ev.t, ...(ev.name ? { name: ev.name } : {}) });
        jobWorker.set(ev.id, key);
      } else if (ev.state === 'done' || ev.state === 'failed') {
        const key = jobWorker.get(ev.id);
        const row = key ? workers.get(key) : undefined;
        const job = row?.jobs.get(ev.id);
        if (row && job) {
          row.spans.push({ t0: job.t, t1: ev.t, kind: 'worker', detail: job.name ? `${job.name} (job ${ev.id})` : `job ${ev.id}` });
          row.jobs.delete(ev.id);
          if (ev.state === 'failed') row.marks.push({ t: ev.t, kind: 'error', ...(ev.detail ? { detail: ev.detail } : {}) });
        }
      }
    }
  }
  /** @type {Row[]} */
  const rows = [];
  for (const row of [...tasks.keys()].sort((a, b) => a - b).map((k) => /** @type {NonNullable<ReturnType<typeof tasks.get>>} */ (tasks.get(k)))) {
    if (row.open) row.spans.push({ t0: row.open.t, t1: stop, kind: row.open.kind, ...(row.open.detail ? { detail: row.open.detail } : {}) });
    rows.push({ key: row.key, label: row.label, type: row.type, spans: row.spans, marks: row.marks });
  }
  const wkeys = [...workers.keys()].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  for (const k of wkeys) {
    const row = /** @type {NonNullable<ReturnType<typeof workers.get>>} */ (workers.get(k));
    for (const [id, job] of row.jobs) row.spans.push({ t0: job.t, t1: stop, kind: 'worker', detail: job.name ? `${job.name} (job ${id})` : `job ${id}` });
    rows.push({ key: row.key, label: row.label, type: row.type, spans: row.spans, marks: row.marks });
  }
  return { rows, end: stop };
}

/**
 * Chrome trace-event format (opens in Perfetto / chrome://tracing). Times in microseconds.
 * @param {Pick<RunResult, 'id' | 'params' | 'clock' | 'time_scale' | 'elapsed' | 'ideal' | 'trace'>} result
 */
export function toChromeTrace(result) {
  const { rows } = buildTimeline(result.trace, result.elapsed);
  const us = (/** @type {number} */ t) => Math.round(t * 1e6);
  /** @type {Array<Record<string, unknown>>} */
  const events = [{ name: 'process_name', ph: 'M', pid: 1, tid: 0, args: { name: `asyncio pattern ${result.id}` } }];
  rows.forEach((row, i) => {
    const tid = i + 1;
    events.push({ name: 'thread_name', ph: 'M', pid: 1, tid, args: { name: row.label } });
    events.push({ name: 'thread_sort_index', ph: 'M', pid: 1, tid, args: { sort_index: i } });
    for (const s of row.spans) {
      events.push({ name: s.kind, cat: row.type, ph: 'X', pid: 1, tid, ts: us(s.t0), dur: us(s.t1) - us(s.t0), ...(s.detail ? { args: { detail: s.detail } } : {}) });
    }
    for (const m of row.marks) {
      events.push({ name: m.kind, cat: row.type, ph: 'i', s: 't', pid: 1, tid, ts: us(m.t), ...(m.detail ? { args: { detail: m.detail } } : {}) });
    }
  });
  for (const ev of result.trace) {
    if (ev.kind === 'line') events.push({ name: ev.text, cat: 'output', ph: 'i', s: 'p', pid: 1, tid: 0, ts: us(ev.t) });
  }
  return {
    traceEvents: events,
    displayTimeUnit: 'ms',
    metadata: { pattern: result.id, params: result.params, clock: result.clock, time_scale: result.time_scale, elapsed: result.elapsed, ideal: result.ideal },
  };
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
  /** @type {Map<number, { t0: number, t1?: number }>} */
  const children = new Map();
  for (const ev of trace) {
    if (ev.kind !== 'task') continue;
    if (ev.state === 'created' && ev.parent !== undefined) children.set(ev.id, { t0: ev.t });
    else if (ev.state === 'done' || ev.state === 'cancelled' || ev.state === 'failed') {
      const c = children.get(ev.id);
      if (c) c.t1 = ev.t;
    }
  }
  const ended = [...children.values()].filter((c) => c.t1 !== undefined);
  if (ended.length < 2) return null;
  let sequential = 0;
  let first = Infinity;
  let last = -Infinity;
  for (const c of ended) {
    const t1 = /** @type {number} */ (c.t1);
    sequential += t1 - c.t0;
    first = Math.min(first, c.t0);
    last = Math.max(last, t1);
  }
  return sequential > 0 ? { sequential, concurrent: last - first, tasks: ended.length } : null;
}

/** Loop timestamp as shown in the console, e.g. 0.500s */
export function fmtT(/** @type {number} */ t) {
  return `${Number.isFinite(t) ? t.toFixed(3) : '?'}s`;
}
