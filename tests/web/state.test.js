// Unit tests of the pure state modules (validation, URL, postMessage shapes, trace conversion).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateParam, validateParams, validateScale, validateClock } from '../../web/src/state/validate.js';
import { parseQuery, buildQuery, embedSnippet } from '../../web/src/state/url.js';
import { parseParentMessage } from '../../web/src/state/messages.js';
import { buildTimeline, toChromeTrace, overhead, timingComparison, fmtT } from '../../web/src/state/trace.js';

const num = { key: 'delay', label: 'Delay', type: 'number', default: '0.5', min: 0, max: 60, help: '' };
const int = { key: 'users', label: 'Users', type: 'integer', default: '5', min: 1, max: 100, help: '' };
const list = { key: 'delays', label: 'Delays', type: 'list', default: '1,2,3', min: 0, max: 60, maxItems: 4, help: '' };
const choice = { key: 'return_when', label: 'Return when', type: 'choice', default: 'FIRST_COMPLETED', choices: ['FIRST_COMPLETED', 'ALL_COMPLETED'], help: '' };
const opt = { key: 'timeout', label: 'Timeout', type: 'number', default: 'none', min: 0, max: 60, optional: true, help: '' };
const PATTERNS = [
  { id: 'gather', title: 'Gather', summary: '', ideal: 0.5, params: [int, num] },
  { id: 'wait', title: 'Wait', summary: '', ideal: 1, params: [list, choice, opt] },
];

test('numbers: canonical form, bounds, malformed', () => {
  assert.deepEqual(validateParam(num, ' 0.50 '), { ok: true, value: '0.50' });
  assert.deepEqual(validateParam(num, '1e-1'), { ok: true, value: '1e-1' });
  assert.deepEqual(validateParam(num, '2.0'), { ok: true, value: '2.0' }, 'spelling kept: Python tells 2 from 2.0');
  assert.equal(validateParam(num, '1e1000').ok, false);
  for (const bad of ['NaN', 'Infinity', '-1', '61', '1e999', '0x10', '', '1,2', '<script>', '١']) {
    const r = validateParam(num, bad);
    assert.equal(r.ok, false, bad);
  }
  assert.match(/** @type {any} */ (validateParam(num, '-1')).message, /below the minimum 0/);
  assert.match(/** @type {any} */ (validateParam(num, '61')).message, /above the maximum 60/);
  assert.match(/** @type {any} */ (validateParam(num, 'abc')).message, /"abc" is not a number/);
  assert.match(/** @type {any} */ (validateParam(num, 'x'.repeat(500))).message, /too long/);
});

test('integers, lists, choices, optional', () => {
  assert.deepEqual(validateParam(int, '8'), { ok: true, value: '8' });
  assert.equal(validateParam(int, '2.5').ok, false);
  assert.equal(validateParam(int, '99999999999999999999').ok, false);
  assert.equal(validateParam(int, '2.0').ok, false);
  assert.deepEqual(validateParam(list, '1, 2.50 ,3'), { ok: true, value: '1,2.50,3' });
  assert.match(/** @type {any} */ (validateParam(list, '1,2,3,4,5')).message, /at most 4/);
  assert.equal(validateParam(list, '1,,2').ok, false);
  assert.equal(validateParam(list, '1,-2').ok, false);
  assert.deepEqual(validateParam(choice, 'ALL_COMPLETED'), { ok: true, value: 'ALL_COMPLETED' });
  assert.equal(validateParam(choice, 'all_completed').ok, false);
  assert.equal(validateParam(choice, '__proto__').ok, false);
  assert.deepEqual(validateParam(opt, 'none'), { ok: true, value: 'none' });
  assert.deepEqual(validateParam(opt, '2'), { ok: true, value: '2' });
  assert.equal(validateParam(num, 'none').ok, false);
  assert.equal(validateParam(num, /** @type {any} */ ({})).ok, false);
});

test('scale and clock', () => {
  assert.deepEqual(validateScale('0.5'), { ok: true, value: 0.5 });
  for (const bad of ['0', '0.001', '11', 'NaN', '-1', '', 'fast']) assert.equal(validateScale(bad).ok, false, bad);
  assert.deepEqual(validateClock('virtual'), { ok: true, value: 'virtual' });
  assert.equal(validateClock('Virtual').ok, false);
});

test('validateParams: defaults, unknown keys', () => {
  const r = validateParams(PATTERNS[0], { users: '8', bogus: '1' });
  assert.deepEqual(r.values, { users: '8', delay: '0.5' });
  assert.equal(r.errors.length, 1);
  assert.match(r.errors[0].message, /Unknown parameter "bogus"/);
});

test('parseQuery / buildQuery round trip, defaults left out, readable', () => {
  const q = '?p=gather&users=8&delay=0.25&scale=0.5&clock=virtual';
  const s = parseQuery(q, PATTERNS);
  assert.deepEqual(s.errors, []);
  assert.deepEqual(s.notices, []);
  assert.equal(s.id, 'gather');
  assert.deepEqual(s.params, { users: '8', delay: '0.25' });
  assert.equal(buildQuery(s, PATTERNS[0]), q);
  assert.equal(buildQuery({ id: 'gather', params: { users: '5', delay: '0.5' }, scale: 1, clock: 'real' }, PATTERNS[0]), '?p=gather');
  assert.equal(buildQuery({ id: 'wait', params: { delays: '1,2', return_when: 'ALL_COMPLETED', timeout: 'none' }, scale: 1, clock: 'real' }, PATTERNS[1]),
    '?p=wait&delays=1,2&return_when=ALL_COMPLETED');
});

test('parseQuery refuses hostile values with specific messages and keeps defaults', () => {
  const s = parseQuery('?p=gather&users=-5&delay=NaN&scale=1e999&clock=%3Cscript%3E&evil=%3Cimg%3E&users=9', PATTERNS);
  assert.equal(s.id, 'gather');
  assert.deepEqual(s.params, { users: '5', delay: '0.5' });
  assert.equal(s.scale, 1);
  assert.equal(s.clock, 'real');
  assert.equal(s.errors.length, 4);
  assert.ok(s.errors.some((e) => /Users: "-5" is below the minimum 1/.test(e)));
  assert.ok(s.notices.some((n) => /unknown parameter "evil"/.test(n)));
  assert.ok(s.notices.some((n) => /repeated parameter "users"/.test(n)));
  const u = parseQuery('?p=%3Cscript%3Ealert(1)%3C/script%3E', PATTERNS);
  assert.equal(u.id, 'gather');
  assert.match(u.errors[0], /Unknown pattern/);
  const long = parseQuery('?p=gather&users=' + '9'.repeat(5000), PATTERNS);
  assert.match(long.errors[0], /too long/);
  const view = parseQuery('?p=wait&view=output', PATTERNS, { allowView: true });
  assert.equal(view.view, 'output');
});

test('embed snippet escapes attributes', () => {
  const s = embedSnippet('https://x.test/embed.html?p=gather&users=8', 'A "title"');
  assert.match(s, /^<iframe src="https:\/\/x\.test\/embed\.html\?p=gather&amp;users=8"/);
  assert.match(s, /sandbox="allow-scripts allow-same-origin"/);
  assert.match(s, /title="A &quot;title&quot;"/);
});

test('postMessage: only the exact shapes', () => {
  assert.deepEqual(parseParentMessage({ type: 'aio:stop' }), { type: 'aio:stop' });
  assert.deepEqual(parseParentMessage({ type: 'aio:stop', id: 3 }), { type: 'aio:stop', id: 3 });
  assert.deepEqual(parseParentMessage({ type: 'aio:run', pattern: 'gather', params: { users: 8, delay: '0.5' }, id: 'a' }),
    { type: 'aio:run', pattern: 'gather', params: { users: '8', delay: '0.5' }, id: 'a' });
  const bad = [
    null, 'aio:run', [], { type: 'aio:run' }, { type: 'aio:run', pattern: '<script>' }, { type: 'aio:run', pattern: 'gather', extra: 1 },
    { type: 'aio:run', pattern: 'gather', params: [] }, { type: 'aio:run', pattern: 'gather', params: { users: {} } },
    { type: 'aio:run', pattern: 'gather', params: { users: NaN } }, { type: 'aio:run', pattern: 'gather', id: {} },
    { type: 'aio:stop', pattern: 'x' }, { type: 'aio:go' }, JSON.parse('{"type":"aio:run","pattern":"gather","params":{"__proto__":{"x":1}}}'),
    { type: 'aio:run', pattern: 'gather', params: { 'a b': '1' } }, new Date(),
  ];
  for (const m of bad) assert.equal(parseParentMessage(m), null, JSON.stringify(m));
});

const TRACE = [
  { kind: 'task', t: 0, id: 1, state: 'created', name: 'main' },
  { kind: 'task', t: 0, id: 1, state: 'running' },
  { kind: 'task', t: 0, id: 2, state: 'created', name: 'child', parent: 1 },
  { kind: 'task', t: 0, id: 1, state: 'waiting' },
  { kind: 'task', t: 0, id: 2, state: 'running' },
  { kind: 'task', t: 0, id: 2, state: 'sleeping' },
  { kind: 'job', t: 0, id: 1, state: 'queued', task: 2 },
  { kind: 'job', t: 0.1, id: 1, state: 'running', worker: 0, name: 'blocking' },
  { kind: 'job', t: 0.6, id: 1, state: 'done', worker: 0 },
  { kind: 'line', t: 0.5, text: 'hello' },
  { kind: 'task', t: 1, id: 2, state: 'running' },
  { kind: 'task', t: 1, id: 2, state: 'cancelled', detail: 'CancelledError' },
  { kind: 'task', t: 1, id: 1, state: 'running' },
  { kind: 'task', t: 1.2, id: 1, state: 'failed', detail: 'boom' },
];

test('buildTimeline: rows per task and per worker, spans and marks', () => {
  const { rows, end } = buildTimeline(TRACE);
  assert.equal(end, 1.2);
  assert.deepEqual(rows.map((r) => r.label), ['main', 'child', 'worker 0']);
  assert.ok(rows[1].spans.some((s) => s.kind === 'sleeping' && s.t0 === 0 && s.t1 === 1));
  assert.deepEqual(rows[1].marks, [{ t: 1, kind: 'cancel', detail: 'CancelledError' }]);
  assert.deepEqual(rows[0].marks, [{ t: 1.2, kind: 'error', detail: 'boom' }]);
  assert.deepEqual(rows[2].spans, [{ t0: 0.1, t1: 0.6, kind: 'worker', detail: 'blocking (job 1)' }]);
  // an open span is extended to the live end
  const live = buildTimeline(TRACE.slice(0, 6), 0.4);
  assert.ok(live.rows[1].spans.some((s) => s.kind === 'sleeping' && s.t1 === 0.4));
});

test('toChromeTrace: valid trace-event JSON', () => {
  const json = toChromeTrace({ id: 'x', params: {}, clock: 'virtual', time_scale: 1, elapsed: 1.2, ideal: 1, trace: TRACE });
  const parsed = JSON.parse(JSON.stringify(json));
  assert.ok(Array.isArray(parsed.traceEvents));
  const names = parsed.traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => e.args.name);
  assert.deepEqual(names, ['main', 'child', 'worker 0']);
  const x = parsed.traceEvents.filter((e) => e.ph === 'X');
  assert.ok(x.every((e) => Number.isInteger(e.ts) && e.dur >= 0 && typeof e.tid === 'number'));
  assert.ok(x.some((e) => e.name === 'sleeping' && e.ts === 0 && e.dur === 1e6));
  assert.ok(parsed.traceEvents.some((e) => e.ph === 'i' && e.name === 'hello'));
});

test('summaries', () => {
  const o = overhead(1.1, 1);
  assert.ok(Math.abs(o.abs - 0.1) < 1e-9 && o.pct !== null && Math.abs(o.pct - 10) < 1e-6);
  assert.equal(overhead(0, 0).pct, null);
  assert.deepEqual(timingComparison([{ text: 'Sequential: 3.00s' }, { text: 'Concurrent: 1.00s' }]), { sequential: 3, concurrent: 1 });
  assert.equal(timingComparison([{ text: 'Sequential: 3.00s' }]), null);
  assert.equal(fmtT(0.5), '0.500s');
});
