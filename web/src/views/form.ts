// Parameter form generated from the pattern's ParamSpecs, plus time scale and clock. Every field is
// checked by the registry's rules as it is typed (validate.js asks the engine).
import type { Clock, ParamSpec, PatternInfo } from '../engine/types';
import { SCALE_DEFAULT, validateClock, validateParam, validateScale, type Rules } from '../state/validate.js';
import { h } from './dom';

export interface FormValues {
  params: Record<string, string>;
  scale: number;
  clock: Clock;
  errors: string[];
}

interface Field { spec: ParamSpec; input: HTMLInputElement | HTMLSelectElement; error: HTMLElement }

function describe(spec: ParamSpec): string {
  const parts: string[] = [];
  if (spec.help && spec.help !== spec.label) parts.push(spec.help.replace(/\.$/, '')); // the registry's help is a sentence
  if (spec.type === 'list') parts.push(`comma-separated${spec.maxItems !== undefined ? `, up to ${spec.maxItems} items` : ''}`);
  if (spec.type === 'integer') parts.push('whole number');
  if (spec.min !== undefined || spec.max !== undefined) parts.push(`${spec.min ?? '−∞'} to ${spec.max ?? '∞'}`);
  if (spec.optional) parts.push('or none');
  return parts.join('; ');
}

export class ParamForm {
  readonly el: HTMLFieldSetElement;
  private fields: Field[] = [];
  private scale: HTMLInputElement;
  private scaleError: HTMLElement;
  private clock: HTMLSelectElement;
  private paramsBox: HTMLElement;
  private pattern: PatternInfo | null = null;

  constructor(host: HTMLElement, private readonly rules: Rules, private readonly onChange: () => void, private readonly idPrefix = 'f') {
    const { min, max } = rules.limits().timeScale;
    this.paramsBox = h('div', { class: 'fields' });
    const sid = `${idPrefix}-scale`;
    this.scale = h('input', { id: sid, name: 'scale', type: 'text', inputmode: 'decimal', autocomplete: 'off', spellcheck: 'false', value: String(SCALE_DEFAULT), 'aria-describedby': `${sid}-help ${sid}-err` });
    this.scaleError = h('p', { class: 'field-error', id: `${sid}-err`, role: 'alert' });
    const cid = `${idPrefix}-clock`;
    this.clock = h('select', { id: cid, name: 'clock', 'aria-describedby': `${cid}-help` },
      h('option', { value: 'real', text: 'real' }), h('option', { value: 'virtual', text: 'virtual' }));
    const general = h('div', { class: 'fields fields-run' },
      h('div', { class: 'field' }, h('label', { for: sid, text: 'Time scale' }), this.scale,
        h('p', { class: 'field-help', id: `${sid}-help`, text: `${min} to ${max}; 0.5 runs twice as fast` }), this.scaleError),
      h('div', { class: 'field' }, h('label', { for: cid, text: 'Clock' }), this.clock,
        h('p', { class: 'field-help', id: `${cid}-help`, text: 'real waits; virtual jumps to the next timer' })));
    this.el = h('fieldset', { class: 'params' }, h('legend', { text: 'Parameters' }), this.paramsBox, general);
    host.append(this.el);
    this.scale.addEventListener('input', () => { this.check(); this.onChange(); });
    this.clock.addEventListener('change', () => this.onChange());
  }

  setPattern(p: PatternInfo, values: Record<string, string>): void {
    this.pattern = p;
    this.fields = p.params.map((spec) => {
      const id = `${this.idPrefix}-p-${spec.key}`;
      const error = h('p', { class: 'field-error', id: `${id}-err`, role: 'alert' });
      const describedBy = `${id}-help ${id}-err`;
      let input: HTMLInputElement | HTMLSelectElement;
      if (spec.type === 'choice') {
        input = h('select', { id, name: spec.key, 'aria-describedby': describedBy }, ...(spec.choices ?? []).map((c) => h('option', { value: c, text: c })));
      } else {
        input = h('input', {
          id, name: spec.key, type: 'text', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': describedBy,
          inputmode: spec.type === 'integer' ? 'numeric' : spec.type === 'number' && !spec.optional ? 'decimal' : 'text',
        });
      }
      input.value = values[spec.key] ?? spec.default;
      const field: Field = { spec, input, error };
      input.addEventListener(spec.type === 'choice' ? 'change' : 'input', () => { this.checkField(field); this.onChange(); });
      return field;
    });
    this.paramsBox.replaceChildren(...this.fields.map((f) => h('div', { class: 'field' },
      h('label', { for: f.input.id, text: f.spec.label }), f.input,
      h('p', { class: 'field-help', id: `${f.input.id}-help`, text: describe(f.spec) }), f.error)));
    if (!this.fields.length) this.paramsBox.append(h('p', { class: 'field-help', text: 'This pattern has no parameters.' }));
    this.check();
  }

  setRun(scale: number, clock: Clock): void {
    this.scale.value = String(scale);
    this.clock.value = clock;
    this.check();
  }

  /** A field's value as the registry is asked about it: what was typed, without surrounding spaces. */
  private check1(f: Field) {
    return validateParam(this.rules, this.pattern!, f.spec.key, f.input.value.trim());
  }

  private checkField(f: Field): string | null {
    const c = this.check1(f);
    const msg = c.ok ? '' : c.message;
    f.error.textContent = msg;
    f.input.setAttribute('aria-invalid', String(!c.ok));
    return c.ok ? null : msg;
  }

  /** Validates every field, showing messages next to them. */
  check(): string[] {
    const errors: string[] = [];
    for (const f of this.fields) { const e = this.checkField(f); if (e) errors.push(e); }
    const s = validateScale(this.rules, this.scale.value.trim());
    this.scaleError.textContent = s.ok ? '' : s.message;
    this.scale.setAttribute('aria-invalid', String(!s.ok));
    if (!s.ok) errors.push(s.message);
    return errors;
  }

  values(): FormValues {
    const errors = this.check();
    const params: Record<string, string> = {};
    for (const f of this.fields) {
      const c = this.check1(f);
      params[f.spec.key] = c.ok ? c.value : f.spec.default;
    }
    const s = validateScale(this.rules, this.scale.value.trim());
    const c = validateClock(this.clock.value, this.rules.limits());
    return { params, scale: s.ok ? s.value : SCALE_DEFAULT, clock: c.ok ? c.value : 'real', errors };
  }

  /** Focus the first invalid field. */
  focusError(): void {
    const bad = this.el.querySelector<HTMLElement>('[aria-invalid="true"]');
    bad?.focus();
  }

  setDisabled(disabled: boolean): void {
    this.el.disabled = disabled;
  }
}
