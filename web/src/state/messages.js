// postMessage protocol of embed.html. Only these exact shapes are accepted from the parent:
//   { type: "aio:run", pattern: string, params?: { [key]: string | number }, engine?: "cpp" | "python",
//     id?: string | number }   (engine: the C++ port, the default, or the Python original in CPython)
//   { type: "aio:stop", id?: string | number }
//   { type: "aio:step", pattern?: string, params?: {...}, to?: number | "next" | "prev" | "start" | "end",
//     engine?: "cpp" | "python", id?: string | number }
//                              Step mode: a pattern or params start a new stepped run (of the pattern
//                              shown when only params are given); `to` a step from 1 (default: the first
//                              of a new run, the next otherwise); engine "python" turns "CPython too" on
//                              (CPython's record beside, in aio:state's `python`), "cpp" turns it off
// Anything else (extra keys, wrong types, prototype tricks) is ignored: parseParentMessage -> null.
// Replies: aio:ready {patterns}, aio:line {text, t}, aio:done {lines, timings: {elapsed, ideal}, cancelled},
// aio:error {message}, aio:resize {height}, aio:state {the step record shown, step, count}; each echoes
// the request's `id` when it had one, and the replies to a run its `engine`.

import { isPatternIdShape } from './validate.js';

/** @typedef {string | number} MsgId */
/** @typedef {'cpp' | 'python'} EngineName */
/** @typedef {{ type: 'aio:run', pattern: string, params: Record<string, string>, engine: EngineName, id?: MsgId }} RunMsg */
/** @typedef {{ type: 'aio:stop', id?: MsgId }} StopMsg */
/** @typedef {number | 'next' | 'prev' | 'start' | 'end'} StepTo */
/** @typedef {{ type: 'aio:step', pattern?: string, params?: Record<string, string>, to?: StepTo, engine?: EngineName, id?: MsgId }} StepMsg */
/** @typedef {import('../engine/types').Limits} Limits */

const MAX_PARAMS = 20;
const MAX_STEP = 10_000_000;
const STEP_WORDS = ['next', 'prev', 'start', 'end'];

/** @param {unknown} v @returns {v is Record<string, unknown>} */
function isPlainObject(v) {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** @param {unknown} v */
function isId(v) {
  return (typeof v === 'string' && v.length <= 100) || (typeof v === 'number' && Number.isFinite(v));
}

/**
 * @param {unknown} data  event.data
 * @param {Limits} limits  the registry's: no value longer than it accepts is taken
 * @returns {RunMsg | StopMsg | StepMsg | null}
 */
export function parseParentMessage(data, limits) {
  if (!isPlainObject(data)) return null;
  const keys = Object.keys(data);
  if (data.id !== undefined && !isId(data.id)) return null;
  /** @type {{ id?: MsgId }} */
  const idPart = data.id !== undefined ? { id: /** @type {MsgId} */ (data.id) } : {};
  if (data.type === 'aio:stop') {
    if (!keys.every((k) => k === 'type' || k === 'id')) return null;
    return { type: 'aio:stop', ...idPart };
  }
  if (data.type === 'aio:run') {
    if (!keys.every((k) => k === 'type' || k === 'id' || k === 'pattern' || k === 'params' || k === 'engine')) return null;
    if (data.engine !== undefined && data.engine !== 'cpp' && data.engine !== 'python') return null;
    /** @type {EngineName} */
    const engine = data.engine === 'python' ? 'python' : 'cpp';
    if (!isPatternIdShape(data.pattern)) return null;
    const params = parseParams(data.params, limits);
    if (!params) return null;
    return { type: 'aio:run', pattern: /** @type {string} */ (data.pattern), params, engine, ...idPart };
  }
  if (data.type === 'aio:step') {
    if (!keys.every((k) => k === 'type' || k === 'id' || k === 'pattern' || k === 'params' || k === 'to' || k === 'engine')) return null;
    if (data.pattern !== undefined && !isPatternIdShape(data.pattern)) return null;
    if (data.engine !== undefined && data.engine !== 'cpp' && data.engine !== 'python') return null;
    const to = data.to;
    if (to !== undefined && !(typeof to === 'string' && STEP_WORDS.includes(to)) &&
        !(typeof to === 'number' && Number.isInteger(to) && to >= 1 && to <= MAX_STEP)) return null;
    /** @type {StepMsg} */
    const msg = { type: 'aio:step', ...idPart };
    if (data.pattern !== undefined) msg.pattern = /** @type {string} */ (data.pattern);
    if (data.params !== undefined) {
      const params = parseParams(data.params, limits);
      if (!params) return null;
      msg.params = params;
    }
    if (to !== undefined) msg.to = /** @type {StepTo} */ (to);
    if (data.engine !== undefined) msg.engine = /** @type {EngineName} */ (data.engine);
    return msg;
  }
  return null;
}

/**
 * A message's params: string values (finite numbers become strings) under identifier keys; null for
 * any other shape.
 * @param {unknown} raw
 * @param {Limits} limits
 * @returns {Record<string, string> | null}
 */
function parseParams(raw, limits) {
  /** @type {Record<string, string>} */
  const params = Object.create(null);
  if (raw === undefined) return {};
  if (!isPlainObject(raw)) return null;
  const entries = Object.entries(raw);
  if (entries.length > MAX_PARAMS) return null;
  for (const [k, v] of entries) {
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,31}$/.test(k)) return null;
    if (typeof v === 'string' && v.length <= limits.maxValueLength) params[k] = v;
    else if (typeof v === 'number' && Number.isFinite(v)) params[k] = String(v);
    else return null;
  }
  return { ...params };
}
