// Unit tests of Step mode's pure side (web/src/state/steps.js) and of the step's place in the URL and
// in the postMessage protocol. The records are written by hand in the shape of aio/steps.hpp; the
// browser tests (stepper.test.js) step the engine's real records.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { narrate, lineMarks, nextPrinted, resolveStep, nameList, shortNames, fmtSeconds, compactRecord, LIST_MAX } from '../../web/src/state/steps.js';
import { parseParentMessage } from '../../web/src/state/messages.js';
import { parseQuery, buildQuery } from '../../web/src/state/url.js';

const task = (name, state, extra = {}) => ({ name, state, cpp_line: null, py_line: null, awaiting: null, until: null, result: null, ...extra });
const rec = (extra) => ({ iteration: 1, time: 0, ran: [], callbacks: [], printed: [], ready: [], timers: [], tasks: [], ...extra });

test('narrate: one task ran, printed and went to sleep', () => {
  const r = rec({
    iteration: 2, ran: ['Task-2'], printed: ['Task 1 started'], ready: ['Task-3'],
    timers: [{ task: 'Task-2', at: 2 }],
    tasks: [task('Task-1', 'sleeping', { until: 1 }), task('Task-2', 'sleeping', { until: 2 }), task('Task-3', 'ready')],
  });
  assert.equal(narrate(r), "Task-2 ran: it printed 'Task 1 started' and sleeps until 2.0 s");
});

test('narrate: a timer fired, its task runs next iteration', () => {
  const r = rec({ time: 1, callbacks: ['timer fired for Task-3'], ready: ['Task-3'], tasks: [task('Task-3', 'ready')] });
  assert.equal(narrate(r), 'the timer for Task-3 fired; Task-3 runs next iteration');
  const two = rec({ callbacks: ['timer fired for Task-2', 'timer fired for Task-3'], ready: ['Task-2', 'Task-3'] });
  assert.equal(narrate(two), 'the timers for Task-2 and Task-3 fired; they run next iteration');
});

test('narrate: gather has all results, the awaiting task resumes', () => {
  const prev = rec({ tasks: [task('Task-1', 'waiting', { awaiting: 'gather' }), task('Task-2', 'done', { result: '1' })] });
  const r = rec({ callbacks: ['gather: child done'], ready: ['Task-1'], tasks: [task('Task-1', 'ready'), task('Task-2', 'done', { result: '1' })] });
  assert.equal(narrate(r, prev), 'gather has all results; Task-1 resumes');
  // a child's result that was not the last
  const partial = rec({ callbacks: ['gather: child done'], tasks: [task('Task-1', 'waiting', { awaiting: 'gather' })] });
  assert.equal(narrate(partial, prev), 'gather took a child’s result');
});

test('narrate: many tasks in one sentence, outcomes grouped', () => {
  const names = Array.from({ length: 100 }, (_, i) => `Task-${i + 2}`);
  const r = rec({
    ran: ['Task-1', ...names], printed: names.map((n) => `fetching ${n}`),
    tasks: [task('Task-1', 'waiting', { awaiting: 'gather' }), ...names.map((n) => task(n, 'sleeping', { until: 0.5 }))],
  });
  assert.equal(narrate(r),
    "Task-1 ran and waits for gather; Task-2 … Task-101 (100 tasks) ran and each sleeps until 0.5 s; between them they printed 'fetching Task-2' and 99 more lines");
  const same = rec({ ran: ['Task-2', 'Task-3'], tasks: [task('Task-2', 'done', { result: "'a'" }), task('Task-3', 'done', { result: "'a'" })] });
  assert.equal(narrate(same), "Task-2 and Task-3 ran and all finished, returning 'a'");
});

test('narrate: results, failures, cancellations, waits and yields', () => {
  const one = (t, extra = {}) => narrate(rec({ ran: [t.name], tasks: [t], ...extra }));
  assert.equal(one(task('Task-2', 'done', { result: "'Result from Task 1'" }), { printed: ['Task 1 completed'] }),
    "Task-2 ran: it printed 'Task 1 completed' and finished, returning 'Result from Task 1'");
  assert.equal(one(task('Task-1', 'done', { result: 'None' })), 'Task-1 ran and finished');
  assert.equal(one(task('Task-4', 'failed', { result: "ValueError('bad')" })), "Task-4 ran and failed with ValueError('bad')");
  assert.equal(one(task('Task-4', 'cancelled')), 'Task-4 ran and was cancelled');
  assert.equal(one(task('Task-1', 'waiting', { awaiting: 'Task-2' })), 'Task-1 ran and waits for Task-2');
  assert.equal(one(task('Task-1', 'waiting', { awaiting: 'future' })), 'Task-1 ran and waits on a future');
  assert.equal(one(task('Task-1', 'ready')), 'Task-1 ran and yielded, to run again next iteration');
  assert.equal(narrate(rec({ callbacks: ['callback'] })), 'a callback ran');
  // a done callback that woke the task waiting on a future
  const waiting = rec({ tasks: [task('Task-1', 'waiting', { awaiting: 'future' })] });
  assert.equal(narrate(rec({ callbacks: ['callback', 'callback'], ready: ['Task-1'], tasks: [task('Task-1', 'ready')] }), waiting),
    '2 callbacks ran; Task-1 resumes');
  assert.equal(narrate(rec({ printed: ['done'] })), "printed 'done'");
  assert.equal(narrate(rec({})), 'nothing ran');
});

test('names, labels and times', () => {
  assert.equal(nameList(['A']), 'A');
  assert.equal(nameList(['A', 'B', 'C']), 'A, B and C');
  assert.equal(nameList(['A', 'B', 'C', 'D']), 'A … D (4 tasks)');
  assert.equal(shortNames(['Task-2']), 'Task-2');
  assert.equal(shortNames(['Task-2', 'Task-3', 'Task-4']), 'Task-2 +2');
  assert.equal(shortNames(['Task-2'], 100_000), 'Task-2 +99999', 'the count, where the names are the first only');
  assert.equal(fmtSeconds(2), '2.0');
  assert.equal(fmtSeconds(0.1 + 0.2), '0.3');
  assert.equal(fmtSeconds(0.25), '0.25');
});

test('lineMarks: live tasks by line in each language, finished ones left out, the ones that ran marked', () => {
  const r = rec({
    ran: ['Task-2'],
    tasks: [
      task('Task-1', 'waiting', { awaiting: 'gather', cpp_line: 30, py_line: 20 }),
      task('Task-2', 'sleeping', { until: 0.5, cpp_line: 12, py_line: 8 }),
      task('Task-3', 'sleeping', { until: 0.5, cpp_line: 12, py_line: 8 }),
      task('Task-4', 'done', { result: '1' }),
      task('Task-5', 'pending', { cpp_line: 10, py_line: null }),
    ],
  });
  const cpp = lineMarks(r, 'cpp');
  assert.deepEqual([...cpp.keys()], [30, 12, 10]);
  assert.deepEqual(cpp.get(12), { names: ['Task-2', 'Task-3'], count: 2, label: 'Task-2 +1', ran: true });
  assert.deepEqual(cpp.get(30), { names: ['Task-1'], count: 1, label: 'Task-1', ran: false });
  const py = lineMarks(r, 'python');
  assert.deepEqual([...py.keys()], [20, 8]);
});

test('compactRecord: a record of many tasks keeps the first of each list, its counts, and what the page derives from all of it', () => {
  const n = LIST_MAX + 500;
  const names = Array.from({ length: n }, (_v, k) => `Task-${k + 2}`);
  const main = task('Task-1', 'waiting', { awaiting: 'gather', cpp_line: 30, py_line: 20 });
  const small = rec({ iteration: 1, ran: ['Task-1'], tasks: [main] });
  const created = rec({ iteration: 2, ran: ['Task-1'], ready: names, tasks: [main, ...names.map((x) => task(x, 'pending', { cpp_line: 10, py_line: 7 }))] });
  const ran = rec({
    iteration: 3, time: 0, ran: names, timers: names.map((x) => ({ task: x, at: 0.5 })),
    tasks: [main, ...names.map((x) => task(x, 'sleeping', { until: 0.5, cpp_line: 12, py_line: 8 }))],
  });
  const [a, b, c] = [compactRecord(small, null), compactRecord(created, small), compactRecord(ran, created)];
  assert.equal(a, small, 'a record within the limit is passed as it is');
  for (const [cut, whole] of [[b, created], [c, ran]]) {
    assert.equal(cut.tasks.length, LIST_MAX);
    assert.deepEqual(cut.tasks, whole.tasks.slice(0, LIST_MAX));
    assert.deepEqual(cut.counts, { ran: whole.ran.length, callbacks: 0, ready: whole.ready.length, timers: whole.timers.length, tasks: n + 1 });
    assert.ok(cut.ran.length <= LIST_MAX && cut.ready.length <= LIST_MAX && cut.timers.length <= LIST_MAX);
  }
  // Narrated from the whole records, the previous one included: every task is counted.
  assert.equal(c.narration, narrate(ran, created));
  assert.match(c.narration ?? '', new RegExp(`\\(${n} tasks\\)`));
  const marks = c.marks?.cpp.get(12);
  assert.equal(marks?.count, n);
  assert.equal(marks?.names.length, LIST_MAX);
  assert.equal(marks?.label, `Task-2 +${n - 1}`);
  assert.equal(c.marks?.python.get(8)?.count, n);
});

test('nextPrinted and resolveStep', () => {
  const rs = [rec({}), rec({ printed: ['a'] }), rec({}), rec({ printed: ['b'] }), rec({})];
  assert.equal(nextPrinted(rs, 0), 1);
  assert.equal(nextPrinted(rs, 1), 3);
  assert.equal(nextPrinted(rs, 3), 4);
  assert.deepEqual(resolveStep('next', 4, 5), { ok: true, index: 4 });
  assert.deepEqual(resolveStep('prev', 0, 5), { ok: true, index: 0 });
  assert.deepEqual(resolveStep('end', 0, 5), { ok: true, index: 4 });
  assert.deepEqual(resolveStep('start', 3, 5), { ok: true, index: 0 });
  assert.deepEqual(resolveStep(3, 0, 5), { ok: true, index: 2 });
  assert.deepEqual(resolveStep(6, 0, 5), { ok: false, message: 'step 6 is out of range [1, 5]' });
  assert.deepEqual(resolveStep(0, 0, 5), { ok: false, message: 'step 0 is out of range [1, 5]' });
});

const LIMITS = { timeScale: { min: 0.001, max: 100 }, maxValueLength: 200, quoteLength: 40 };

test('aio:step messages: the accepted shapes, and everything else ignored', () => {
  assert.deepEqual(parseParentMessage({ type: 'aio:step' }, LIMITS), { type: 'aio:step' });
  assert.deepEqual(parseParentMessage({ type: 'aio:step', to: 'next', id: 3 }, LIMITS), { type: 'aio:step', to: 'next', id: 3 });
  assert.deepEqual(parseParentMessage({ type: 'aio:step', pattern: 'gather', params: { users: 3 }, to: 7 }, LIMITS),
    { type: 'aio:step', pattern: 'gather', params: { users: '3' }, to: 7 });
  for (const bad of [
    { type: 'aio:step', to: 0 }, { type: 'aio:step', to: 1.5 }, { type: 'aio:step', to: 'later' }, { type: 'aio:step', to: '3' },
    { type: 'aio:step', pattern: '<x>' }, { type: 'aio:step', params: { users: {} } }, { type: 'aio:step', extra: 1 },
    { type: 'aio:step', to: Infinity }, { type: 'aio:step', to: 1e9 },
  ]) assert.equal(parseParentMessage(bad, LIMITS), null, JSON.stringify(bad));
});

test('the step in the URL', () => {
  const patterns = [{ id: 'gather', group: 'A', title: 'Gather', summary: '', ideal: 0.5, params: [] }];
  const rules = { limits: () => LIMITS, check: () => ({}), checkValue: (_w, _s, v) => v };
  assert.equal(parseQuery('?p=gather&step=7', patterns, rules).step, 7);
  assert.equal(parseQuery('?p=gather', patterns, rules).step, null);
  const bad = parseQuery('?p=gather&step=-2', patterns, rules);
  assert.equal(bad.step, 1);
  assert.match(bad.errors[0], /^Step: '-2' must be a whole number from 1/);
  assert.deepEqual(parseQuery('?p=gather&step=2', patterns, rules).notices, []);
  assert.equal(buildQuery({ id: 'gather', params: {}, scale: 1, clock: 'real', step: 7 }, patterns[0]), '?p=gather&step=7');
  assert.equal(buildQuery({ id: 'gather', params: {}, scale: 1, clock: 'real', step: null }, patterns[0]), '?p=gather');
});
