// The URL holds the playground state as readable query values:
//   ?p=gather&users=8&delay=0.25&scale=0.5&clock=virtual
// and, in Step mode, the step shown (&step=7, from 1), so that a link opens at that iteration.
// Defaults are left out. Parsing never throws: unknown keys produce notices, bad values produce
// errors (and the default is used). Values are checked by the registry's rules (validate.js).
import {
  CLOCK_DEFAULT, SCALE_DEFAULT, quote, validateClock, validateParam, validateScale, isPatternIdShape,
} from './validate.js';

/** @typedef {import('../engine/types').PatternInfo} PatternInfo */
/** @typedef {import('../engine/types').Clock} Clock */
/** @typedef {import('./validate.js').Rules} Rules */
/**
 * @typedef {object} UrlState
 * @property {string} id
 * @property {Record<string, string>} params  every parameter of the pattern, defaults filled in
 * @property {number} scale
 * @property {Clock} clock
 * @property {'full' | 'output'} view
 * @property {number | null} step  Step mode's step (from 1), or null: not stepping
 * @property {string[]} notices   ignored keys and similar (informational)
 * @property {string[]} errors    refused values (the default was used)
 */

// `py` (an edited Python program) is read by the playground itself (pycode.js).
const RESERVED = ['p', 'scale', 'clock', 'view', 'theme', 'py', 'step'];
const MAX_STEP = 10_000_000;
const MAX_QUERY = 4000;
const MAX_KEYS = 50;

/**
 * @param {string} search  location.search (with or without the leading "?")
 * @param {PatternInfo[]} patterns
 * @param {Rules} rules
 * @param {{ allowView?: boolean }} [opts]
 * @returns {UrlState}
 */
export function parseQuery(search, patterns, rules, opts = {}) {
  const limits = rules.limits();
  /** @param {unknown} v */
  const shown = (v) => quote(v, limits);
  const notices = [];
  const errors = [];
  if (search.length > MAX_QUERY) {
    errors.push(`The link is too long (${search.length} characters); it was ignored`);
    search = '';
  }
  /** @type {Map<string, string>} */
  const q = new Map();
  let count = 0;
  let sp;
  try {
    sp = new URLSearchParams(search);
  } catch {
    sp = new URLSearchParams();
  }
  for (const [k, v] of sp) {
    if (++count > MAX_KEYS) { notices.push(`Ignored parameters beyond the first ${MAX_KEYS}`); break; }
    if (q.has(k)) { notices.push(`Ignored repeated parameter ${shown(k)}`); continue; }
    q.set(k, v);
  }
  const first = patterns[0];
  let pattern = first;
  const pid = q.get('p');
  if (pid !== undefined) {
    const found = isPatternIdShape(pid) ? patterns.find((p) => p.id === pid) : undefined;
    if (found) pattern = found;
    else errors.push(`Unknown pattern ${shown(pid)}; showing ${first ? first.id : 'nothing'}`);
  }
  /** @type {Record<string, string>} */
  const params = {};
  for (const spec of pattern ? pattern.params : []) {
    params[spec.key] = spec.default;
    const raw = q.get(spec.key);
    if (raw === undefined) continue;
    const c = validateParam(rules, pattern, spec.key, raw);
    if (c.ok) params[spec.key] = c.value;
    else errors.push(`${c.message}; using the default ${spec.default}`);
  }
  let scale = SCALE_DEFAULT;
  if (q.has('scale')) {
    const c = validateScale(rules, q.get('scale'));
    if (c.ok) scale = c.value; else errors.push(`${c.message}; using ${SCALE_DEFAULT}`);
  }
  /** @type {Clock} */
  let clock = CLOCK_DEFAULT;
  if (q.has('clock')) {
    const c = validateClock(q.get('clock'), limits);
    if (c.ok) clock = c.value; else errors.push(`${c.message}; using ${CLOCK_DEFAULT}`);
  }
  /** @type {'full' | 'output'} */
  let view = 'full';
  if (q.has('view')) {
    const v = q.get('view');
    if (opts.allowView && (v === 'output' || v === 'full')) view = v;
    else if (opts.allowView) errors.push(`View: ${shown(v)} must be output or full`);
  }
  /** @type {number | null} */
  let step = null;
  if (q.has('step')) {
    const v = q.get('step') ?? '';
    step = /^[0-9]{1,8}$/.test(v) && Number(v) >= 1 && Number(v) <= MAX_STEP ? Number(v) : 1;
    if (step !== Number(v)) errors.push(`Step: ${shown(v)} must be a whole number from 1; starting at step 1`);
  }
  const known = new Set([...RESERVED, ...(pattern ? pattern.params.map((s) => s.key) : [])]);
  for (const k of q.keys()) if (!known.has(k)) notices.push(`Ignored unknown parameter ${shown(k)}`);
  return { id: pattern ? pattern.id : '', params, scale, clock, view, step, notices, errors };
}

/** Readable encoding: commas and colons stay as they are. @param {string} s */
function enc(s) {
  return encodeURIComponent(s).replace(/%2C/gi, ',').replace(/%3A/gi, ':');
}

/**
 * Builds "?p=...&key=value..." with defaults left out.
 * @param {{ id: string, params: Record<string, string>, scale: number, clock: Clock, view?: 'full' | 'output', step?: number | null }} state
 * @param {PatternInfo | undefined} pattern
 */
export function buildQuery(state, pattern) {
  const parts = [`p=${enc(state.id)}`];
  for (const spec of pattern ? pattern.params : []) {
    const v = state.params[spec.key];
    if (v !== undefined && v !== spec.default) parts.push(`${enc(spec.key)}=${enc(v)}`);
  }
  if (state.scale !== SCALE_DEFAULT) parts.push(`scale=${enc(String(state.scale))}`);
  if (state.clock !== CLOCK_DEFAULT) parts.push(`clock=${state.clock}`);
  if (state.view === 'output') parts.push('view=output');
  if (state.step) parts.push(`step=${state.step}`);
  return '?' + parts.join('&');
}

/** HTML attribute escaping for the generated embed snippet (which is text, never rendered here). @param {string} s */
function attr(s) {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * @param {string} embedUrl absolute URL of embed.html with its query
 * @param {string} title
 */
export function embedSnippet(embedUrl, title) {
  return `<iframe src="${attr(embedUrl)}" title="${attr(title)}" width="100%" height="420" loading="lazy" ` +
    `sandbox="allow-scripts allow-same-origin" style="border:0"></iframe>`;
}
