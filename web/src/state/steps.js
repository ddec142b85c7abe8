// Step mode's pure side: what the page says and marks for one step record (native/include/aio/steps.hpp),
// with no DOM. A stepped run is the pattern run once on the virtual clock, every iteration's record
// collected; stepping is then indexing into the records, so stepping back is exact.
//
//   narrate(record, previous)   one sentence saying what the iteration did, built from the record alone
//   lineMarks(record, lang)     the source lines live tasks are suspended at, with the task names
//   nextPrinted(records, i)     the next step that prints something (the last step when none does)
//   compactRecord(rec, prev)    a record the page can hold at any size: long lists cut, with their counts
//   resolveStep(to, at, count)  a step request (a number from 1, "next", "prev", "start", "end") as an index

/**
 * @typedef {'pending' | 'ready' | 'running' | 'sleeping' | 'waiting' | 'done' | 'cancelled' | 'failed'} StepState
 * @typedef {{ name: string, state: StepState, cpp_line: number | null, py_line: number | null,
 *             awaiting: string | null, until: number | null, result: string | null }} StepTask
 * @typedef {{ task: string | null, at: number }} StepTimer
 * @typedef {Map<number, { names: string[], count: number, label: string, ran: boolean }>} LineMarks
 * @typedef {{ ran: number, callbacks: number, ready: number, timers: number, tasks: number }} StepCounts
 * @typedef {{ iteration: number, time: number, ran: string[], callbacks: string[], printed: string[],
 *             ready: string[], timers: StepTimer[], tasks: StepTask[], counts?: StepCounts,
 *             narration?: string, marks?: { cpp: LineMarks, python: LineMarks } }} StepRecord
 * A record cut by compactRecord has `counts` (how long its lists were), and what the page shows of it
 * that needs the whole record: its `narration` and its source lines' `marks`.
 */

/** The most entries a list of a compacted record keeps (and a line mark names). */
export const LIST_MAX = 1000;

export const FINISHED = new Set(['done', 'cancelled', 'failed']);
const TIMER_FIRED = 'timer fired for ';
const GATHER_CHILD = 'gather: child done';

/** A loop time as Python prints a float: 2.0, 0.5, 0.25 (no binary noise). @param {number} t */
export function fmtSeconds(t) {
  const r = Number(t.toFixed(6));
  return Number.isInteger(r) ? r.toFixed(1) : String(r);
}

/** Names in a sentence: "Task-2", "Task-2 and Task-3", "Task-2, Task-3 and Task-4", or for more
 *  "Task-2 … Task-101 (100 tasks)". @param {readonly string[]} names */
export function nameList(names) {
  if (names.length <= 1) return names[0] ?? '';
  if (names.length <= 3) return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  return `${names[0]} … ${names[names.length - 1]} (${names.length} tasks)`;
}

/** A gutter label of at most 11 characters for usual names: "Task-2", "Task-2 +99" (`count`: how many
 *  there are, where `names` lists only the first). @param {readonly string[]} names */
export function shortNames(names, count = names.length) {
  return count <= 1 ? names[0] ?? '' : `${names[0]} +${count - 1}`;
}

/** @param {string} s */
function q(s) {
  return `'${s.length > 60 ? s.slice(0, 59) + '…' : s}'`;
}

/** "printed 'a'", "printed 'a' and 'b'", "printed 'a' and 9 more lines". @param {readonly string[]} lines */
function printedPhrase(lines) {
  if (lines.length === 1) return `printed ${q(lines[0])}`;
  if (lines.length === 2) return `printed ${q(lines[0])} and ${q(lines[1])}`;
  return `printed ${q(lines[0])} and ${lines.length - 1} more lines`;
}

/** What a task is doing once its step ran: a verb phrase for one task ("sleeps until 2.0 s").
 *  @param {StepTask | undefined} t */
function outcome(t) {
  if (!t) return 'is gone';
  switch (t.state) {
    case 'done': return t.result === null || t.result === 'None' ? 'finished' : `finished, returning ${t.result}`;
    case 'failed': return `failed with ${t.result ?? 'an error'}`;
    case 'cancelled': return 'was cancelled';
    case 'sleeping': return t.until === null ? 'sleeps' : `sleeps until ${fmtSeconds(t.until)} s`;
    case 'waiting':
      if (t.awaiting === 'gather') return 'waits for gather';
      if (t.awaiting && t.awaiting !== 'future') return `waits for ${t.awaiting}`;
      return 'waits on a future';
    case 'ready': return 'yielded, to run again next iteration';
    case 'pending': return 'has not started';
    default: return 'is still running';
  }
}

/** The same phrase for several tasks: "each sleeps until 0.5 s", "all finished". @param {string} phrase */
function plural(phrase) {
  return /^(finished|failed|was cancelled)/.test(phrase) ? `all ${phrase.replace(/^was /, 'were ')}` : `each ${phrase}`;
}

/**
 * One sentence saying what an iteration did, from its record (and the one before, to know who was
 * waiting on what). Never hand-written per pattern.
 * @param {StepRecord} rec
 * @param {StepRecord | null} [prev]
 * @returns {string}
 */
export function narrate(rec, prev = null) {
  const byName = new Map(rec.tasks.map((t) => [t.name, t]));
  const ranSet = new Set(rec.ran);
  const ran = [...ranSet];
  /** @type {string[]} */
  const clauses = [];

  // The task steps, grouped by where they ended up.
  /** @type {Map<string, string[]>} */
  const groups = new Map();
  for (const name of ran) {
    const phrase = outcome(byName.get(name));
    const list = groups.get(phrase);
    if (list) list.push(name); else groups.set(phrase, [name]);
  }
  const printed = rec.printed;
  if (groups.size === 1) {
    const [[phrase, names]] = [...groups];
    const who = nameList(names);
    const what = names.length === 1 ? phrase : plural(phrase);
    if (printed.length) clauses.push(`${who} ran: ${names.length === 1 ? 'it' : 'they'} ${printedPhrase(printed)} and ${what}`);
    else clauses.push(`${who} ran and ${what}`);
  } else {
    for (const [phrase, names] of groups) clauses.push(`${nameList(names)} ran and ${names.length === 1 ? phrase : plural(phrase)}`);
    if (printed.length) clauses.push(`${groups.size ? 'between them they ' : ''}${printedPhrase(printed)}`);
  }

  // Callbacks that are not timers wake the tasks waiting on what they completed: a task that waited
  // before this iteration and is ready after it resumes next iteration.
  const resumed = (/** @type {(t: StepTask) => boolean} */ on) => (prev?.tasks ?? [])
    .filter((t) => t.state === 'waiting' && on(t) && !ranSet.has(t.name) && byName.get(t.name)?.state === 'ready')
    .map((t) => t.name);
  const resumes = (/** @type {string[]} */ names) => `${nameList(names)} ${names.length === 1 ? 'resumes' : 'resume'}`;
  // gather's callbacks: a child's result arrived; when it was the last, the awaiting task is ready.
  const gathered = rec.callbacks.filter((c) => c === GATHER_CHILD).length;
  if (gathered) {
    const woken = resumed((t) => t.awaiting === 'gather');
    if (woken.length) clauses.push(`gather has all results; ${resumes(woken)}`);
    else clauses.push(`gather took ${gathered === 1 ? 'a child’s result' : `${gathered} children’s results`}`);
  }

  // Timers fire after the ready callbacks: their tasks run in the next iteration.
  const fired = rec.callbacks.filter((c) => c.startsWith(TIMER_FIRED)).map((c) => c.slice(TIMER_FIRED.length));
  if (fired.length) {
    const ready = new Set(rec.ready);
    const next = fired.filter((n) => ready.has(n));
    const head = fired.length === 1 ? `the timer for ${fired[0]} fired` : `the timers for ${nameList(fired)} fired`;
    if (next.length === fired.length) clauses.push(`${head}; ${fired.length === 1 ? `${fired[0]} runs` : 'they run'} next iteration`);
    else clauses.push(head);
  }
  const others = rec.callbacks.length - gathered - fired.length;
  if (others) {
    const woken = resumed((t) => t.awaiting !== 'gather');
    clauses.push(`${others === 1 ? 'a callback ran' : `${others} callbacks ran`}${woken.length ? `; ${resumes(woken)}` : ''}`);
  }
  if (!clauses.length) clauses.push('nothing ran');
  return clauses.join('; ');
}

/**
 * The source lines live tasks are suspended at, for one language: line -> the tasks there (in creation
 * order; the first LIST_MAX named, `count` in all), a short label of them for the gutter, and whether
 * one of them ran in this iteration.
 * @param {StepRecord} rec
 * @param {'cpp' | 'python'} lang
 * @returns {LineMarks}
 */
export function lineMarks(rec, lang) {
  const ran = new Set(rec.ran);
  /** @type {LineMarks} */
  const marks = new Map();
  for (const t of rec.tasks) {
    const line = lang === 'cpp' ? t.cpp_line : t.py_line;
    if (line === null || line === undefined || FINISHED.has(t.state)) continue;
    let m = marks.get(line);
    if (!m) { m = { names: [], count: 0, label: '', ran: false }; marks.set(line, m); }
    if (m.count++ < LIST_MAX) m.names.push(t.name);
    if (ran.has(t.name)) m.ran = true;
  }
  for (const m of marks.values()) m.label = shortNames(m.names, m.count);
  return marks;
}

/**
 * A record the page can hold at any size. A record lists every task, so a run of 100,000 tasks makes
 * records of over 10 MB, each 70 – 170 ms to parse or to copy between threads, and as long to narrate:
 * a record with a list longer than LIST_MAX keeps the first LIST_MAX entries of each list, their lengths
 * in `counts`, and its narration and line marks made here, from the whole record (and the one before).
 * A record within LIST_MAX is returned as it is. Where the loop runs in a worker this runs there.
 * @param {StepRecord} rec
 * @param {StepRecord | null} prev the record before, whole
 * @returns {StepRecord}
 */
export function compactRecord(rec, prev) {
  const max = LIST_MAX;
  const { ran, callbacks, ready, timers, tasks } = rec;
  if (Math.max(ran.length, callbacks.length, ready.length, timers.length, tasks.length) <= max) return rec;
  return {
    ...rec,
    ran: ran.slice(0, max), callbacks: callbacks.slice(0, max), ready: ready.slice(0, max),
    timers: timers.slice(0, max), tasks: tasks.slice(0, max),
    counts: { ran: ran.length, callbacks: callbacks.length, ready: ready.length, timers: timers.length, tasks: tasks.length },
    narration: narrate(rec, prev),
    marks: { cpp: lineMarks(rec, 'cpp'), python: lineMarks(rec, 'python') },
  };
}

/** @param {readonly StepRecord[]} records @param {number} i */
export function nextPrinted(records, i) {
  for (let k = i + 1; k < records.length; k++) if (records[k].printed.length) return k;
  return records.length - 1;
}

/**
 * A step request as an index into the records: a step number counts from 1; "next"/"prev" move from
 * `at` and stop at the ends; "start"/"end" jump. Out of range numbers are refused with a message.
 * @param {number | 'next' | 'prev' | 'start' | 'end'} to
 * @param {number} at  the index shown now
 * @param {number} count
 * @returns {{ ok: true, index: number } | { ok: false, message: string }}
 */
export function resolveStep(to, at, count) {
  if (count < 1) return { ok: false, message: 'the run has no steps' };
  if (to === 'next') return { ok: true, index: Math.min(at + 1, count - 1) };
  if (to === 'prev') return { ok: true, index: Math.max(at - 1, 0) };
  if (to === 'start') return { ok: true, index: 0 };
  if (to === 'end') return { ok: true, index: count - 1 };
  if (!Number.isInteger(to) || to < 1 || to > count) return { ok: false, message: `step ${String(to)} is out of range [1, ${count}]` };
  return { ok: true, index: to - 1 };
}
