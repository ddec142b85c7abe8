// Unit tests of the lockstep comparison (web/src/python/lockstep.js): which fields of a C++ step record
// and CPython's are compared, how a difference is named, the matching of tasks made from a set, and the
// verdict line. Records written by hand in the shape of aio/steps.hpp; lockstep.test.js steps the real ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffRecord, lockstep, matchTasks, verdict } from '../../web/src/python/lockstep.js';
import { parseParentMessage } from '../../web/src/state/messages.js';

const task = (name, state, extra = {}) => ({ name, state, cpp_line: null, py_line: null, awaiting: null, until: null, result: null, ...extra });
const rec = (extra) => ({ iteration: 1, time: 0, ran: [], callbacks: [], printed: [], ready: [], timers: [], tasks: [], ...extra });

test('equal records: nothing differs, whatever the fields left out of the comparison hold', () => {
  const cpp = rec({
    iteration: 4, time: 0.5, ran: ['Task-2', 'Task-3'], ready: ['gather: child done'], callbacks: [],
    timers: [], tasks: [task('Task-1', 'waiting', { awaiting: 'gather', cpp_line: 23, py_line: 18 }), task('Task-2', 'done', { result: null })],
  });
  const py = rec({
    iteration: 4, time: 0.5 + 1e-12, ran: ['Task-2', 'Task-3'], ready: ['gather: child done', 'gather: child done'],
    timers: [{ task: null, at: 9 }], callbacks: ['gather: child done'],
    tasks: [task('Task-1', 'waiting', { awaiting: 'gather', py_line: 18 }), task('Task-2', 'done', { result: "{'id': 1}" })],
  });
  assert.deepEqual(diffRecord(cpp, py), []);
  // CPython's "pending" is the port's "ready"; a future CPython cannot name is not compared.
  assert.deepEqual(diffRecord(rec({ tasks: [task('Task-2', 'ready', { awaiting: 'Task-3' })] }), rec({ tasks: [task('Task-2', 'pending', { awaiting: 'future' })] })), []);
  // The executor's jobs are in the C++ record only.
  assert.deepEqual(diffRecord(rec({ tasks: [task('Task-1', 'waiting'), task('blocking_io (job 1)', 'running')] }), rec({ tasks: [task('Task-1', 'waiting')] })), []);
});

test('each compared field that differs is named', () => {
  const cpp = rec({ iteration: 3, time: 0.5, ran: ['Task-2'], printed: ['a'], tasks: [task('Task-2', 'sleeping', { py_line: 11, until: 1 }), task('Task-3', 'waiting', { awaiting: 'Task-2' })] });
  const py = rec({ iteration: 4, time: 1, ran: ['Task-3'], printed: ['b'], tasks: [task('Task-2', 'ready', { py_line: 12 }), task('Task-3', 'waiting', { awaiting: 'gather' })] });
  assert.deepEqual(diffRecord(cpp, py), ['iteration', 'time', 'ran', 'printed', 'Task-2.state', 'Task-2.py_line', 'Task-2.until', 'Task-3.awaiting']);
  assert.deepEqual(diffRecord(rec({ tasks: [task('Task-1', 'done')] }), rec({ tasks: [task('Task-1', 'done'), task('Task-2', 'done')] })), ['tasks']);
  assert.deepEqual(diffRecord(rec({}), undefined), ['record']);
  assert.deepEqual(diffRecord(undefined, rec({})), ['record']);
});

test('the verdict line', () => {
  assert.equal(verdict([]), 'identical');
  assert.equal(verdict(['time', 'Task-3.state']), 'differs in: time, Task-3.state');
  assert.equal(verdict(['a', 'b', 'c'], [], 2), 'differs in: a, b and 1 more');
  assert.equal(verdict([], ['ran']), 'identical but for the order of ran (a set’s order)');
});

test('lockstep pairs the records by position; a longer run shows its extra steps as missing records', () => {
  const a = [rec({ iteration: 1 }), rec({ iteration: 2, time: 0.5 })];
  const b = [rec({ iteration: 1 }), rec({ iteration: 2, time: 1 }), rec({ iteration: 3, time: 1 })];
  const ls = lockstep(a, b);
  assert.deepEqual(ls.diffs, [[], ['time'], ['record']]);
  assert.equal(ls.agree, 1);
  assert.deepEqual(ls.renamed, []);
  assert.deepEqual(ls.order, [[], [], []]);
});

test('a set cancelled in another order: the same tasks stepped, compared as a set, the order said', () => {
  const tasks = [task('Task-1', 'done', { py_line: null }), task('Task-2', 'cancelled'), task('Task-3', 'cancelled')];
  const cpp = [rec({ ran: ['Task-2', 'Task-3'], tasks })];
  const py = [rec({ ran: ['Task-3', 'Task-2'], tasks })];
  const ls = lockstep(cpp, py);
  assert.deepEqual(ls.diffs, [[]]);
  assert.deepEqual(ls.order, [['ran']]);
  assert.deepEqual(ls.renamed, []);
  assert.deepEqual(ls.py[0].ran, ['Task-3', 'Task-2'], 'CPython\'s order is shown');
});

test('tasks made from a set: matched by what they did, used only when that explains every difference', () => {
  // CPython created its two tasks in the other order: the one that sleeps at line 11 is its Task-2.
  const c = (n2, n3) => [
    rec({ iteration: 1, ran: ['Task-1'], tasks: [task('Task-1', 'waiting', { py_line: 5 }), task(n2, 'ready', { py_line: 9 }), task(n3, 'ready', { py_line: 9 })] }),
    rec({ iteration: 2, ran: [n2, n3], tasks: [task('Task-1', 'waiting', { py_line: 5 }), task(n2, 'sleeping', { py_line: 10, until: 1 }), task(n3, 'sleeping', { py_line: 11, until: 2 })] }),
  ].map((r) => ({ ...r, tasks: [...r.tasks].sort((x, y) => x.name.localeCompare(y.name)) }));
  const cpp = c('Task-2', 'Task-3');
  const py = c('Task-3', 'Task-2');
  assert.deepEqual(lockstep(cpp, cpp).diffs, [[], []]);
  assert.notDeepEqual(lockstep(cpp, py).renamed, []);
  const names = matchTasks(cpp, py);
  assert.equal(names?.get('Task-3'), 'Task-2');
  const ls = lockstep(cpp, py);
  assert.equal(ls.agree, 2);
  assert.deepEqual(ls.renamed.sort(), [['Task-2', 'Task-3'], ['Task-3', 'Task-2']]);
  assert.deepEqual(ls.py[1].ran, ['Task-2', 'Task-3'], 'in the port\'s names');
  assert.deepEqual(ls.py[1].tasks.map((t) => [t.name, t.py_line]), [['Task-1', 5], ['Task-2', 10], ['Task-3', 11]]);
  // A real difference is not hidden by a matching: the plain comparison stands.
  const edited = py.map((r) => ({ ...r, time: r.time + 1 }));
  const d = lockstep(cpp, edited);
  assert.deepEqual(d.renamed, []);
  assert.equal(d.agree, 0);
  assert.ok(d.diffs[1].includes('time') && d.diffs[1].includes('Task-2.until'));
});

test('aio:step takes an engine: "python" steps CPython beside, "cpp" stops that; anything else is ignored', () => {
  const limits = { timeScale: { min: 0.001, max: 100 }, maxValueLength: 200, quoteLength: 40 };
  assert.deepEqual(parseParentMessage({ type: 'aio:step', pattern: 'gather', engine: 'python', id: 1 }, limits), { type: 'aio:step', pattern: 'gather', engine: 'python', id: 1 });
  assert.deepEqual(parseParentMessage({ type: 'aio:step', to: 'next', engine: 'cpp' }, limits), { type: 'aio:step', to: 'next', engine: 'cpp' });
  assert.equal(parseParentMessage({ type: 'aio:step', engine: 'pypy' }, limits), null);
  assert.equal(parseParentMessage({ type: 'aio:step', engine: 1 }, limits), null);
});
