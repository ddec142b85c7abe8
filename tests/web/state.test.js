// Unit tests of the pure state modules (validation, URL, postMessage shapes, trace conversion, the
// edited program in a link).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateParam, validateParams, validateScale, validateClock, quote } from '../../web/src/state/validate.js';
import { parseQuery, buildQuery, embedSnippet } from '../../web/src/state/url.js';
import { parseParentMessage } from '../../web/src/state/messages.js';
import { buildTimeline, toChromeTrace, overhead, concurrencyComparison, fmtT } from '../../web/src/state/trace.js';
import { encodeProgram, decodeProgram, MAX_LINK_CHARS, MAX_PROGRAM_BYTES } from '../../web/src/state/pycode.js';

const num = { key: 'delay', label: 'Delay', type: 'number', default: '0.5', min: 0, max: 60, help: '' };
const int = { key: 'users', label: 'Users', type: 'integer', default: '5', min: 1, max: 100, help: '' };
const list = { key: 'delays', label: 'Delays', type: 'list', default: '1,2,3', min: 0, max: 60, maxItems: 4, help: '' };
const choice = { key: 'return_when', label: 'Return when', type: 'choice', default: 'FIRST_COMPLETED', choices: ['FIRST_COMPLETED', 'ALL_COMPLETED'], help: '' };
const opt = { key: 'timeout', label: 'Timeout', type: 'number', default: 'none', min: 0, max: 60, optional: true, help: '' };
const PATTERNS = [
  { id: 'gather', group: 'A', title: 'Gather', summary: '', ideal: 0.5, params: [int, num] },
  { id: 'wait', group: 'A', title: 'Wait', summary: '', ideal: 1, params: [list, choice, opt] },
];
const LIMITS = { timeScale: { min: 0.001, max: 100 }, maxValueLength: 200, quoteLength: 40 };

// A stand-in for the engine's rules, to test what the page does with their answers. The rules
// themselves are the C++ registry's, run in the browser by engine.test.js and the page tests.
const calls = [];
const RULES = {
  limits: () => LIMITS,
  check(id, params) {
    calls.push([id, params]);
    const p = PATTERNS.find((x) => x.id === id);
    if (!p) throw new Error(`unknown pattern '${id}'`);
    const values = Object.fromEntries(p.params.map((s) => [s.key, s.default]));
    for (const [k, v] of Object.entries(params)) {
      if (!p.params.some((s) => s.key === k)) throw new Error(`${id} has no parameter '${k}'`);
      if (v === 'bad') throw new Error(`${id} parameter '${k}': 'bad' is not a number`);
      values[k] = v.replace(/ /g, '');
    }
    return values;
  },
  checkScale(v) {
    if (!/^[0-9.]+$/.test(v)) throw new Error(`Time scale: '${v}' is not a number`);
    if (Number(v) < 0.001 || Number(v) > 100) throw new Error(`Time scale: ${v} is out of range [0.001, 100]`);
    return Number(v);
  },
};

test('values are the rules\' answers: the value as kept, or the message', () => {
  assert.deepEqual(validateParam(RULES, PATTERNS[1], 'delays', '1, 2'), { ok: true, value: '1,2' });
  assert.deepEqual(calls.at(-1), ['wait', { delays: '1, 2' }], 'the raw value is what the rules see');
  assert.deepEqual(validateParam(RULES, PATTERNS[0], 'users', 'bad'), { ok: false, message: "gather parameter 'users': 'bad' is not a number" });
  assert.deepEqual(validateParam(RULES, PATTERNS[0], 'users', 8), { ok: true, value: '8' }, 'a finite number travels as text');
  assert.match(/** @type {any} */ (validateParam(RULES, PATTERNS[0], 'users', {})).message, /must be text/);
});

test('validateParams: defaults, every bad key named', () => {
  const r = validateParams(RULES, PATTERNS[0], { users: '8', bogus: '1', delay: 'bad' });
  assert.deepEqual(r.values, { users: '8', delay: '0.5' });
  assert.deepEqual(r.errors.map((e) => e.key), ['bogus', 'delay']);
  assert.match(r.errors[0].message, /gather has no parameter 'bogus'/);
});

test('the time scale is checked against the registry\'s limits; the clock by name', () => {
  assert.deepEqual(validateScale(RULES, '0.5'), { ok: true, value: 0.5 });
  assert.deepEqual(validateScale(RULES, '0.001'), { ok: true, value: 0.001 });
  assert.deepEqual(validateScale(RULES, '101'), { ok: false, message: 'Time scale: 101 is out of range [0.001, 100]' });
  assert.equal(validateScale(RULES, null).ok, false);
  assert.deepEqual(validateClock('virtual', LIMITS), { ok: true, value: 'virtual' });
  assert.deepEqual(validateClock('Virtual', LIMITS), { ok: false, message: "Clock: 'Virtual' is not real or virtual" });
});

test('quote cuts where the registry cuts and hides control characters', () => {
  assert.equal(quote('a\u0000b', LIMITS), "'a?b'");
  assert.equal(quote('x'.repeat(41), LIMITS), `'${'x'.repeat(40)}...'`);
});

test('parseQuery / buildQuery round trip, defaults left out, readable', () => {
  const q = '?p=gather&users=8&delay=0.25&scale=0.5&clock=virtual';
  const s = parseQuery(q, PATTERNS, RULES);
  assert.deepEqual(s.errors, []);
  assert.deepEqual(s.notices, []);
  assert.equal(s.id, 'gather');
  assert.deepEqual(s.params, { users: '8', delay: '0.25' });
  assert.equal(buildQuery(s, PATTERNS[0]), q);
  assert.equal(buildQuery({ id: 'gather', params: { users: '5', delay: '0.5' }, scale: 1, clock: 'real' }, PATTERNS[0]), '?p=gather');
  assert.equal(buildQuery({ id: 'wait', params: { delays: '1,2', return_when: 'ALL_COMPLETED', timeout: 'none' }, scale: 1, clock: 'real' }, PATTERNS[1]),
    '?p=wait&delays=1,2&return_when=ALL_COMPLETED');
});

test('parseQuery refuses hostile values with the rules\' messages and keeps defaults', () => {
  const s = parseQuery('?p=gather&users=bad&delay=bad&scale=1e999&clock=%3Cscript%3E&evil=%3Cimg%3E&users=9', PATTERNS, RULES);
  assert.equal(s.id, 'gather');
  assert.deepEqual(s.params, { users: '5', delay: '0.5' });
  assert.equal(s.scale, 1);
  assert.equal(s.clock, 'real');
  assert.deepEqual(s.errors, [
    "gather parameter 'users': 'bad' is not a number; using the default 5",
    "gather parameter 'delay': 'bad' is not a number; using the default 0.5",
    "Time scale: '1e999' is not a number; using 1",
    "Clock: '<script>' is not real or virtual; using real",
  ]);
  assert.ok(s.notices.some((n) => /unknown parameter 'evil'/.test(n)));
  assert.ok(s.notices.some((n) => /repeated parameter 'users'/.test(n)));
  const u = parseQuery('?p=%3Cscript%3Ealert(1)%3C/script%3E', PATTERNS, RULES);
  assert.equal(u.id, 'gather');
  assert.match(u.errors[0], /Unknown pattern/);
  const long = parseQuery('?p=gather&users=' + '9'.repeat(5000), PATTERNS, RULES);
  assert.match(long.errors[0], /too long/);
  const view = parseQuery('?p=wait&view=output', PATTERNS, RULES, { allowView: true });
  assert.equal(view.view, 'output');
});

test('embed snippet escapes attributes', () => {
  const s = embedSnippet('https://x.test/embed.html?p=gather&users=8', 'A "title"');
  assert.match(s, /^<iframe src="https:\/\/x\.test\/embed\.html\?p=gather&amp;users=8"/);
  assert.match(s, /sandbox="allow-scripts allow-same-origin"/);
  assert.match(s, /title="A &quot;title&quot;"/);
});

test('postMessage: only the exact shapes', () => {
  assert.deepEqual(parseParentMessage({ type: 'aio:stop' }, LIMITS), { type: 'aio:stop' });
  assert.deepEqual(parseParentMessage({ type: 'aio:stop', id: 3 }, LIMITS), { type: 'aio:stop', id: 3 });
  assert.deepEqual(parseParentMessage({ type: 'aio:run', pattern: 'gather', params: { users: 8, delay: '0.5' }, id: 'a' }, LIMITS),
    { type: 'aio:run', pattern: 'gather', params: { users: '8', delay: '0.5' }, engine: 'cpp', id: 'a' });
  assert.deepEqual(parseParentMessage({ type: 'aio:run', pattern: 'gather', engine: 'python' }, LIMITS),
    { type: 'aio:run', pattern: 'gather', params: {}, engine: 'python' });
  assert.equal(parseParentMessage({ type: 'aio:run', pattern: 'gather', engine: 'pypy' }, LIMITS), null, 'unknown engine');
  assert.equal(parseParentMessage({ type: 'aio:run', pattern: 'gather', engine: 1 }, LIMITS), null, 'engine not a string');
  const bad = [
    null, 'aio:run', [], { type: 'aio:run' }, { type: 'aio:run', pattern: '<script>' }, { type: 'aio:run', pattern: 'gather', extra: 1 },
    { type: 'aio:run', pattern: 'gather', params: [] }, { type: 'aio:run', pattern: 'gather', params: { users: {} } },
    { type: 'aio:run', pattern: 'gather', params: { users: NaN } }, { type: 'aio:run', pattern: 'gather', id: {} },
    { type: 'aio:stop', pattern: 'x' }, { type: 'aio:go' }, JSON.parse('{"type":"aio:run","pattern":"gather","params":{"__proto__":{"x":1}}}'),
    { type: 'aio:run', pattern: 'gather', params: { 'a b': '1' } }, new Date(),
  ];
  for (const m of bad) assert.equal(parseParentMessage(m, LIMITS), null, JSON.stringify(m));
  assert.equal(parseParentMessage({ type: 'aio:run', pattern: 'gather', params: { users: 'x'.repeat(201) } }, LIMITS), null, 'longer than the registry takes');
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
  const json = toChromeTrace({ id: 'x', params: {}, clock: 'virtual', time_scale: 1, elapsed: 1.2, ideal: 1, trace: TRACE, lines: [{ t: 0.5, text: 'hello' }] });
  const parsed = JSON.parse(JSON.stringify(json));
  assert.ok(Array.isArray(parsed.traceEvents));
  const names = parsed.traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => e.args.name);
  assert.deepEqual(names, ['main', 'child', 'worker 0']);
  const x = parsed.traceEvents.filter((e) => e.ph === 'X');
  assert.ok(x.every((e) => Number.isInteger(e.ts) && e.dur >= 0 && typeof e.tid === 'number'));
  assert.ok(x.some((e) => e.name === 'sleeping' && e.ts === 0 && e.dur === 1e6));
  assert.deepEqual(parsed.traceEvents.filter((e) => e.ph === 'i' && e.cat === 'output'), [{ name: 'hello', cat: 'output', ph: 'i', s: 'p', pid: 1, tid: 0, ts: 500000 }]);
});

test('summaries', () => {
  const o = overhead(1.1, 1);
  assert.ok(Math.abs(o.abs - 0.1) < 1e-9 && o.pct !== null && Math.abs(o.pct - 10) < 1e-6);
  assert.equal(overhead(0, 0).pct, null);
  // Three children created at 3 s and done at 4 s: 3 s one after another, 1 s concurrently. From
  // trace events only: printed lines saying otherwise change nothing.
  const run = [
    { kind: 'task', t: 0, id: 1, state: 'created', name: 'main' },
    { kind: 'line', t: 3, text: 'Sequential: 9.99s' },
    ...[2, 3, 4].map((id) => ({ kind: 'task', t: 3, id, state: 'created', parent: 1 })),
    ...[2, 3, 4].map((id) => ({ kind: 'task', t: 4, id, state: 'done' })),
    { kind: 'task', t: 4, id: 1, state: 'done' },
  ];
  assert.deepEqual(concurrencyComparison(run), { sequential: 3, concurrent: 1, tasks: 3 });
  assert.equal(concurrencyComparison(run.filter((e) => e.kind !== 'task' || e.id !== 3 || e.state !== 'done').slice(0, 4)), null, 'fewer than two ended children');
  assert.equal(concurrencyComparison(TRACE), null, 'one child');
  assert.equal(fmtT(0.5), '0.500s');
});

test('an edited program in a link: deflate-raw and base64url both ways; too long, or not such a value, is refused', async () => {
  const program = 'import asyncio\n\nasync def main():\n    print("héllo ✓")\n\nasyncio.run(main())\n';
  const e = await encodeProgram(program);
  assert.ok(e.ok && /^[A-Za-z0-9_-]+$/.test(e.value) && e.value.length < program.length * 2);
  assert.deepEqual(await decodeProgram(e.ok ? e.value : ''), { ok: true, text: program });
  let noise = '';
  for (let i = 0; noise.length < 4 * MAX_LINK_CHARS; i++) noise += ((i * 2654435761) >>> 0).toString(36);
  const long = await encodeProgram(noise);
  assert.ok(!long.ok && long.chars > MAX_LINK_CHARS);
  const refused = async (value, why) => {
    const d = await decodeProgram(value);
    assert.equal(d.ok, false, value.slice(0, 40));
    assert.match(d.ok ? '' : d.message, why);
  };
  await refused('a'.repeat(MAX_LINK_CHARS + 1), /longer than 2048 characters/);
  await refused('abc+/=', /not base64url/);
  await refused('AAAAAAAA', /not deflate-raw/);
  const bomb = await encodeProgram('x'.repeat(MAX_PROGRAM_BYTES + 1));
  assert.ok(bomb.ok);
  await refused(bomb.ok ? bomb.value : '', /more than 64 KB/);
});
