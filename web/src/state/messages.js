// postMessage protocol of embed.html. Only these exact shapes are accepted from the parent:
//   { type: "aio:run", pattern: string, params?: { [key]: string | number }, engine?: "cpp" | "python",
//     id?: string | number }   (engine: the C++ port, the default, or the Python original in CPython)
//   { type: "aio:stop", id?: string | number }
// Anything else (extra keys, wrong types, prototype tricks) is ignored: parseParentMessage -> null.
// Replies: aio:ready {patterns}, aio:line {text, t}, aio:done {lines, timings: {elapsed, ideal}, cancelled},
// aio:error {message}, aio:resize {height}; each echoes the request's `id` when it had one, and the replies
// to a run its `engine`.

import { isPatternIdShape } from './validate.js';

/** @typedef {string | number} MsgId */
/** @typedef {'cpp' | 'python'} EngineName */
/** @typedef {{ type: 'aio:run', pattern: string, params: Record<string, string>, engine: EngineName, id?: MsgId }} RunMsg */
/** @typedef {{ type: 'aio:stop', id?: MsgId }} StopMsg */
/** @typedef {import('../engine/types').Limits} Limits */

const MAX_PARAMS = 20;

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
 * @returns {RunMsg | StopMsg | null}
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
    /** @type {Record<string, string>} */
    const params = Object.create(null);
    if (data.params !== undefined) {
      if (!isPlainObject(data.params)) return null;
      const entries = Object.entries(data.params);
      if (entries.length > MAX_PARAMS) return null;
      for (const [k, v] of entries) {
        if (!/^[A-Za-z_][A-Za-z0-9_]{0,31}$/.test(k)) return null;
        if (typeof v === 'string' && v.length <= limits.maxValueLength) params[k] = v;
        else if (typeof v === 'number' && Number.isFinite(v)) params[k] = String(v);
        else return null;
      }
    }
    return { type: 'aio:run', pattern: /** @type {string} */ (data.pattern), params: { ...params }, engine, ...idPart };
  }
  return null;
}
