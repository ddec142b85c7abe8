// Validation of everything that comes from outside the page: URL query values, form fields and
// postMessage payloads. Pure functions, no DOM, plain JS with JSDoc types so that `node --test`
// imports it directly and `tsc --checkJs` checks it. Every refusal carries a specific message;
// the caller shows it (as text) and falls back to the default.

/** @typedef {import('../engine/types').ParamSpec} ParamSpec */
/** @typedef {import('../engine/types').PatternInfo} PatternInfo */
/** @typedef {import('../engine/types').Clock} Clock */
/** @typedef {{ ok: true, value: string } | { ok: false, message: string }} Checked */

export const SCALE_MIN = 0.01;
export const SCALE_MAX = 10;
export const SCALE_DEFAULT = 1;
/** @type {Clock} */
export const CLOCK_DEFAULT = 'real';
/** Longest raw value looked at; anything longer is refused before parsing. */
export const MAX_RAW_LENGTH = 200;
// The same grammar as the C++ registry (Python's int()/float() spellings, bounded lengths).
const NUMBER_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,3})?$/;
const INTEGER_RE = /^[+-]?\d{1,15}$/;

/** A short, printable rendering of an untrusted value for use inside a message (shown as text). @param {unknown} raw */
export function quote(raw) {
  const s = String(raw).replace(/[\u0000-\u001f\u007f]/g, '?');
  return `"${s.length > 24 ? s.slice(0, 24) + '…' : s}"`;
}

/**
 * @param {ParamSpec} spec
 * @param {string} item
 * @param {'number'|'integer'} type
 * @returns {{ ok: true, n: number } | { ok: false, message: string }}
 */
function checkNumber(spec, item, type) {
  const s = item.trim();
  if (s === '') return { ok: false, message: `${spec.label}: a value is required` };
  if (type === 'integer' ? !INTEGER_RE.test(s) : !NUMBER_RE.test(s)) {
    return { ok: false, message: `${spec.label}: ${quote(s)} is not ${type === 'integer' ? 'a whole number' : 'a number'}` };
  }
  const n = Number(s);
  if (!Number.isFinite(n) || (type === 'integer' && !Number.isSafeInteger(n))) {
    return { ok: false, message: `${spec.label}: ${quote(s)} is too large` };
  }
  if (spec.min !== undefined && n < spec.min) return { ok: false, message: `${spec.label}: ${quote(s)} is below the minimum ${spec.min}` };
  if (spec.max !== undefined && n > spec.max) return { ok: false, message: `${spec.label}: ${quote(s)} is above the maximum ${spec.max}` };
  return { ok: true, n };
}

/**
 * Checks one parameter value against its spec. The value keeps its spelling (trimmed; list items
 * without spaces) because the C++ side, like Python, tells 2 from 2.0.
 * @param {ParamSpec} spec
 * @param {unknown} raw
 * @returns {Checked}
 */
export function validateParam(spec, raw) {
  if (typeof raw === 'number' && Number.isFinite(raw)) raw = String(raw);
  if (typeof raw !== 'string') return { ok: false, message: `${spec.label}: the value must be text` };
  if (raw.length > MAX_RAW_LENGTH) return { ok: false, message: `${spec.label}: the value is too long (${raw.length} characters)` };
  const s = raw.trim();
  if (spec.optional && s === 'none') return { ok: true, value: 'none' };
  switch (spec.type) {
    case 'choice': {
      const choices = spec.choices ?? [];
      if (choices.includes(s)) return { ok: true, value: s };
      return { ok: false, message: `${spec.label}: ${quote(s)} is not one of ${choices.join(', ')}` };
    }
    case 'list': {
      const items = s.split(',');
      if (s === '') return { ok: false, message: `${spec.label}: at least one number is required` };
      if (spec.maxItems !== undefined && items.length > spec.maxItems) {
        return { ok: false, message: `${spec.label}: ${items.length} items, at most ${spec.maxItems} allowed` };
      }
      const out = [];
      for (const raw of items) {
        const item = raw.replace(/ /g, '');
        if (item === '') return { ok: false, message: `${spec.label}: an empty item in ${quote(s)}` };
        const c = checkNumber(spec, item, 'number');
        if (!c.ok) return c;
        out.push(item);
      }
      return { ok: true, value: out.join(',') };
    }
    case 'integer':
    case 'number': {
      if (s === '' && spec.optional) return { ok: true, value: 'none' };
      const c = checkNumber(spec, s, spec.type);
      return c.ok ? { ok: true, value: s } : c;
    }
    default:
      return { ok: false, message: `${spec.label}: unsupported parameter type` };
  }
}

/**
 * Validates a whole parameter set. Missing keys take the default; unknown keys are refused.
 * @param {PatternInfo} pattern
 * @param {Record<string, unknown>} params
 * @returns {{ values: Record<string, string>, errors: Array<{ key: string, message: string }> }}
 */
export function validateParams(pattern, params) {
  /** @type {Record<string, string>} */
  const values = {};
  const errors = [];
  for (const spec of pattern.params) {
    values[spec.key] = spec.default;
    if (!Object.prototype.hasOwnProperty.call(params, spec.key)) continue;
    const c = validateParam(spec, params[spec.key]);
    if (c.ok) values[spec.key] = c.value;
    else errors.push({ key: spec.key, message: c.message });
  }
  for (const key of Object.keys(params)) {
    if (!pattern.params.some((p) => p.key === key)) errors.push({ key, message: `Unknown parameter ${quote(key)} for ${pattern.id}` });
  }
  return { values, errors };
}

/**
 * @param {unknown} raw
 * @returns {{ ok: true, value: number } | { ok: false, message: string }}
 */
export function validateScale(raw) {
  if (typeof raw === 'number') raw = String(raw);
  if (typeof raw !== 'string' || raw.length > 32 || !NUMBER_RE.test(raw.trim())) {
    return { ok: false, message: `Time scale: ${quote(raw)} is not a number` };
  }
  const n = Number(raw.trim());
  if (!(n >= SCALE_MIN && n <= SCALE_MAX)) {
    return { ok: false, message: `Time scale: ${quote(raw)} must be between ${SCALE_MIN} and ${SCALE_MAX}` };
  }
  return { ok: true, value: n };
}

/**
 * @param {unknown} raw
 * @returns {{ ok: true, value: Clock } | { ok: false, message: string }}
 */
export function validateClock(raw) {
  if (raw === 'real' || raw === 'virtual') return { ok: true, value: raw };
  return { ok: false, message: `Clock: ${quote(raw)} must be real or virtual` };
}

/** Pattern ids: what the C++ registry could plausibly produce. @param {unknown} raw @returns {raw is string} */
export function isPatternIdShape(raw) {
  return typeof raw === 'string' && /^[a-z0-9][a-z0-9_-]{0,63}$/.test(raw);
}
