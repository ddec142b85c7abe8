// Step mode in lockstep: the C++ engine's step records beside CPython's (native/patterns/python/_steps.py),
// compared field by field. Pure functions, unit-tested under node (tests/web/lockstep-compare.test.js).
//
// THE RULE (the same as the native suite's, tests/native/steps_compare.py): records are paired by
// position, and equal must be
//   iteration, time (to a nanosecond: the port counts nanoseconds, CPython adds floats), ran (the tasks
//   stepped, in order), printed, the tasks (by name), and for each task: state (CPython's "pending", a
//   task woken by a callback still queued, is the port's "ready": the port wakes tasks directly),
//   py_line, awaiting when CPython's names a task or a gather, and until (to a nanosecond).
// Not compared, because the two loops differ there by construction: cpp_line (no CPython counterpart),
// callbacks (asyncio runs one per gather child, the port one per gather), ready (asyncio queues callbacks
// the port does not have), timers (a cancelled sleep stays in asyncio's heap until its task runs), result
// (the port's values are C++ values), and the executor's jobs (the C++ record lists them as tasks).
//
// Some originals iterate a set of tasks (as_completed makes its tasks from one, wait.py cancels its
// `pending` set), whose order follows addresses: CPython's task names can then be a permutation of the
// port's. When the plain comparison differs, CPython's tasks are matched to the port's by what each did
// (its sequence of py_line and state) and `ran` and `printed` compared as multisets; that matching is
// used only when it explains every difference, and the page says which names it mapped.

/** @typedef {import('../state/steps.js').StepRecord} StepRecord */
/** @typedef {import('../state/steps.js').StepTask} StepTask */

/** @param {number | null | undefined} a @param {number | null | undefined} b */
function close(a, b) {
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
}

/** @param {string} s */
const state = (s) => (s === 'pending' ? 'ready' : s);

/** An executor's job in the C++ record ("blocking_io (job 2)"): CPython's record has none. @param {StepTask} t */
const isJob = (t) => t.name.includes(' (job ');

/** @param {readonly string[]} a @param {readonly string[]} b @param {boolean} asSets */
function sameList(a, b, asSets) {
  if (a.length !== b.length) return false;
  const x = asSets ? [...a].sort() : a;
  const y = asSets ? [...b].sort() : b;
  return x.every((v, i) => v === y[i]);
}

/**
 * The fields of one pair of records that differ, as the page names them: "time", "ran", "printed",
 * "tasks" (a task in one record only), "Task-3.state", "Task-3.py_line", "Task-3.awaiting", "Task-3.until".
 * A missing record on either side is "record".
 * @param {StepRecord | undefined} cpp
 * @param {StepRecord | undefined} py
 * @param {boolean} [asSets]  ran and printed as multisets
 * @returns {string[]}
 */
export function diffRecord(cpp, py, asSets = false) {
  // THE RULE (top of this file): cpp_line, callbacks, ready, timers and result are not compared.
  if (!cpp || !py) return cpp === py ? [] : ['record'];
  /** @type {string[]} */
  const out = [];
  if (cpp.iteration !== py.iteration) out.push('iteration');
  if (!close(cpp.time, py.time)) out.push('time');
  if (!sameList(cpp.ran, py.ran, asSets)) out.push('ran');
  if (!sameList(cpp.printed, py.printed, asSets)) out.push('printed');
  const pyTasks = new Map(py.tasks.map((t) => [t.name, t]));
  const cppTasks = cpp.tasks.filter((t) => !isJob(t));
  if (cppTasks.length !== py.tasks.length || cppTasks.some((t) => !pyTasks.has(t.name))) out.push('tasks');
  for (const a of cppTasks) {
    const b = pyTasks.get(a.name);
    if (!b) continue;
    if (state(a.state) !== state(b.state)) out.push(`${a.name}.state`);
    if ((a.py_line ?? null) !== (b.py_line ?? null)) out.push(`${a.name}.py_line`);
    if (b.awaiting !== null && b.awaiting !== 'future' && a.awaiting !== b.awaiting) out.push(`${a.name}.awaiting`);
    if (!close(a.until, b.until)) out.push(`${a.name}.until`);
  }
  return out;
}

/** @param {readonly StepRecord[]} records @param {string} name */
function signature(records, name) {
  const seq = [];
  for (const r of records) {
    const t = r.tasks.find((x) => x.name === name);
    if (t) seq.push(`${t.py_line}:${t.state}`);
  }
  return seq.join('|');
}

/**
 * CPython's task names mapped to the port's by what each task did, or null when no such matching exists.
 * @param {readonly StepRecord[]} cpp @param {readonly StepRecord[]} py
 * @returns {Map<string, string> | null}
 */
export function matchTasks(cpp, py) {
  if (!cpp.length || !py.length) return null;
  const free = cpp[cpp.length - 1].tasks.filter((t) => !isJob(t)).map((t) => t.name);
  const sigs = new Map(free.map((n) => [n, signature(cpp, n)]));
  /** @type {Map<string, string>} */
  const names = new Map();
  for (const t of py[py.length - 1].tasks) {
    const sig = signature(py, t.name);
    const i = free.findIndex((n) => sigs.get(n) === sig);
    if (i < 0) return null;
    names.set(t.name, free[i]);
    free.splice(i, 1);
  }
  return names;
}

/** A record with CPython's task names replaced. @param {StepRecord} r @param {Map<string, string>} names @returns {StepRecord} */
function renamed(r, names) {
  const n = (/** @type {string} */ s) => names.get(s) ?? s;
  return {
    ...r,
    ran: r.ran.map(n),
    ready: r.ready.map(n),
    timers: r.timers.map((t) => ({ ...t, task: t.task === null ? null : n(t.task) })),
    tasks: r.tasks.map((t) => ({ ...t, name: n(t.name), awaiting: t.awaiting === null ? null : n(t.awaiting) }))
      .sort((a, b) => taskNumber(a.name) - taskNumber(b.name)),
  };
}

/** @param {string} name */
function taskNumber(name) {
  const m = /-(\d+)$/.exec(name);
  return m ? Number(m[1]) : Number.MAX_SAFE_INTEGER;
}

/**
 * @typedef {{ py: StepRecord[], diffs: string[][], order: string[][], renamed: Array<[string, string]>, agree: number }} Lockstep
 *   py: CPython's records as shown (renamed when a matching was used); diffs: for every step of the
 *   longer run, the fields that differ; order: for every step, the fields (ran, printed) that hold the
 *   same items in another order, when the comparison as sets was used; renamed: [CPython's name, the
 *   port's] for each name the matching changed; agree: how many steps have no difference.
 */

/**
 * Both runs, step by step.
 * @param {readonly StepRecord[]} cpp
 * @param {readonly StepRecord[]} py
 * @returns {Lockstep}
 */
export function lockstep(cpp, py) {
  const n = Math.max(cpp.length, py.length);
  const diffsOf = (/** @type {readonly StepRecord[]} */ p, /** @type {boolean} */ asSets) =>
    Array.from({ length: n }, (_, i) => diffRecord(cpp[i], p[i], asSets));
  const count = (/** @type {string[][]} */ d) => d.filter((x) => !x.length).length;
  const plain = diffsOf(py, false);
  if (count(plain) < n) {
    const names = matchTasks(cpp, py);
    if (names) {
      const mapped = py.map((r) => renamed(r, names));
      const d = diffsOf(mapped, true);
      // As sets, every step agrees: what the plain comparison still finds is order alone.
      if (count(d) === n) return { py: mapped, diffs: d, order: diffsOf(mapped, false), renamed: [...names].filter(([a, b]) => a !== b), agree: n };
    }
  }
  return { py: [...py], diffs: plain, order: plain.map(() => []), renamed: [], agree: count(plain) };
}

/**
 * The one-line verdict of a step: "identical", "identical but for the order of ran (a set's order)",
 * or "differs in: ready, Task-3.state" (at most `max` fields named, then how many more).
 * @param {readonly string[]} diffs
 * @param {readonly string[]} [order]  fields that hold the same items in another order
 * @param {number} [max]
 */
export function verdict(diffs, order = [], max = 8) {
  if (!diffs.length) return order.length ? `identical but for the order of ${order.join(' and ')} (a set’s order)` : 'identical';
  const shown = diffs.slice(0, max).join(', ');
  return `differs in: ${shown}${diffs.length > max ? ` and ${diffs.length - max} more` : ''}`;
}
