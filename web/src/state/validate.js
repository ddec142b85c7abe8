// Validation of everything that comes from outside the page: URL query values, form fields and
// postMessage payloads. The rules are the C++ registry's, asked of the engine (`Rules`: parse_params,
// limits_json, parse_time_scale): the page has no grammar, range or length of
// its own, so what it accepts is exactly what the CLI and the engine accept, with the same messages.
// Pure functions over a `Rules`, plain JS with JSDoc types so that `node --test` imports it directly
// and `tsc --checkJs` checks it. Every refusal carries a specific message; the caller shows it (as
// text) and falls back to the default.

/** @typedef {import('../engine/types').PatternInfo} PatternInfo */
/** @typedef {import('../engine/types').Clock} Clock */
/** @typedef {import('../engine/types').Limits} Limits */
/** @typedef {Pick<import('../engine/types').Engine, 'check' | 'checkScale' | 'limits'>} Rules */
/** @typedef {{ ok: true, value: string } | { ok: false, message: string }} Checked */

export const SCALE_DEFAULT = 1;
/** @type {Clock} */
export const CLOCK_DEFAULT = 'real';

/** @param {unknown} e */
const messageOf = (e) => (e instanceof Error ? e.message : String(e));

/**
 * A short, printable rendering of an untrusted value for use inside a message (shown as text), cut
 * where the registry cuts the values it quotes.
 * @param {unknown} raw
 * @param {Limits} limits
 */
export function quote(raw, limits) {
  const s = String(raw).replace(/[\u0000-\u001f\u007f]/g, '?');
  return `'${s.length > limits.quoteLength ? s.slice(0, limits.quoteLength) + '...' : s}'`;
}

/**
 * Checks one parameter value of a pattern (an unknown key too): the value as the registry keeps it
 * (list items without spaces; the spelling otherwise unchanged, because the C++ side, like Python,
 * tells 2 from 2.0).
 * @param {Rules} rules
 * @param {PatternInfo} pattern
 * @param {string} key
 * @param {unknown} raw
 * @returns {Checked}
 */
export function validateParam(rules, pattern, key, raw) {
  if (typeof raw === 'number' && Number.isFinite(raw)) raw = String(raw);
  if (typeof raw !== 'string') return { ok: false, message: `${pattern.id} parameter '${key}': the value must be text` };
  try {
    return { ok: true, value: rules.check(pattern.id, { [key]: raw })[key] };
  } catch (e) {
    return { ok: false, message: messageOf(e) };
  }
}

/**
 * Validates a whole parameter set, each key on its own so that every bad one is named. Missing keys
 * take the default; unknown keys are refused.
 * @param {Rules} rules
 * @param {PatternInfo} pattern
 * @param {Record<string, unknown>} params
 * @returns {{ values: Record<string, string>, errors: Array<{ key: string, message: string }> }}
 */
export function validateParams(rules, pattern, params) {
  /** @type {Record<string, string>} */
  const values = Object.fromEntries(pattern.params.map((s) => [s.key, s.default]));
  const errors = [];
  for (const [key, raw] of Object.entries(params)) {
    const c = validateParam(rules, pattern, key, raw);
    if (c.ok) values[key] = c.value;
    else errors.push({ key, message: c.message });
  }
  return { values, errors };
}

/**
 * The time scale, read as the CLI reads --time-scale (the registry's grammar and limits).
 * @param {Rules} rules
 * @param {unknown} raw
 * @returns {{ ok: true, value: number } | { ok: false, message: string }}
 */
export function validateScale(rules, raw) {
  if (typeof raw === 'number') raw = String(raw);
  if (typeof raw !== 'string') return { ok: false, message: 'Time scale: the value must be text' };
  try {
    return { ok: true, value: rules.checkScale(raw) };
  } catch (e) {
    return { ok: false, message: messageOf(e) };
  }
}

/**
 * @param {unknown} raw
 * @param {Limits} limits
 * @returns {{ ok: true, value: Clock } | { ok: false, message: string }}
 */
export function validateClock(raw, limits) {
  if (raw === 'real' || raw === 'virtual') return { ok: true, value: raw };
  return { ok: false, message: `Clock: ${quote(raw, limits)} is not real or virtual` };
}

/** Pattern ids: what the C++ registry could plausibly produce. @param {unknown} raw @returns {raw is string} */
export function isPatternIdShape(raw) {
  return typeof raw === 'string' && /^[a-z0-9][a-z0-9_-]{0,63}$/.test(raw);
}
