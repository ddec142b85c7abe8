// embed.html: one pattern with minimal chrome, for <iframe>s on other sites.
// ?p=ID&param=value...&scale=..&clock=..&view=output (output only). The page never rewrites
// its own URL and works when storage is blocked. postMessage protocol: see state/messages.js.
// &step=N opens in Step mode at step N (stepmode.ts); aio:step drives it from the parent, and each step
// shown in answer is reported as aio:state (the record, its step and the run's count). An aio:step with
// engine "python" turns "CPython too" on: aio:state then carries CPython's record of the step beside.
import './styles.css';
import type { Clock, PatternInfo, RunResult, StepRecord } from './engine/types';
import { PageRunner } from './runner';
import { StepMode, type StepTo } from './stepmode';
import { buildQuery, parseQuery } from './state/url.js';
import { parseParentMessage } from './state/messages.js';
import { validateClock, validateParams, validateScale } from './state/validate.js';
import { fmtT } from './state/trace.js';
import { $, showMessages } from './views/dom';
import { initTheme } from './views/theme';
import { OutputConsole } from './views/console';
import { Timeline } from './views/timeline';
import type { PythonEngine } from './python/engine';

const themeParam = new URLSearchParams(location.search).get('theme');
initTheme(themeParam === 'light' || themeParam === 'dark' ? themeParam : null);

type Target = { source: Window; origin: string };
const embedded = window.parent !== window;
/** The parent that last spoke to us; replies go to it (event.source, targetOrigin event.origin). */
let replyTo: Target | null = null;

function post(msg: Record<string, unknown>, to: Target | null = replyTo): void {
  try {
    // An opaque ("null") origin cannot be named as targetOrigin; the reply still goes only to event.source.
    if (to) to.source.postMessage(msg, { targetOrigin: to.origin === 'null' ? '*' : to.origin });
  } catch { /* the parent went away */ }
}

/** ready and resize carry nothing but ids/height, so '*' is acceptable before the parent speaks. */
function announce(msg: Record<string, unknown>): void {
  if (!embedded) return;
  if (replyTo) post(msg);
  else window.parent.postMessage(msg, '*');
}

async function start(): Promise<void> {
  const runner = await PageRunner.load($('#status'));
  if (runner) new Embed(runner);
  else announce({ type: 'aio:error', message: 'engine failed to load' });
}

class Embed {
  private current: PatternInfo;
  private params: Record<string, string>;
  private scale: number;
  private clock: Clock;
  private readonly title = $('#title');
  private readonly openLink = $('#open') as HTMLAnchorElement;
  private readonly runBtn = $('#run') as HTMLButtonElement;
  private readonly stopBtn = $('#stop') as HTMLButtonElement;
  private readonly stepBtn = $('#step') as HTMLButtonElement;
  private readonly steps: StepMode;
  /** Where the next aio:state goes (the parent that asked), with the id of its request. */
  private stateTo: { to: Target; idPart: Record<string, unknown> } | null = null;
  /** No aio:state while "CPython too" is being turned on for a request: its answer waits for CPython. */
  private holdState = false;
  private readonly messages = $('#messages');
  private readonly summary = $('#summary');
  private readonly out: OutputConsole;
  private readonly timeline: Timeline | null;
  /** The CPython engine, once a parent asked for a Python run. */
  private python: PythonEngine | null = null;

  constructor(private readonly runner: PageRunner) {
    const patterns = runner.patterns;
    const url = parseQuery(location.search, patterns, runner.engine, { allowView: true });
    showMessages(this.messages, url.errors, url.notices);
    this.current = runner.find(url.id) ?? patterns[0];
    this.params = url.params;
    this.scale = url.scale;
    this.clock = url.clock;
    this.out = new OutputConsole($('#output'));
    const chart = $('#chart');
    if (url.view === 'output') { chart.remove(); this.timeline = null; document.body.classList.add('view-output'); }
    else this.timeline = new Timeline(chart);
    this.runBtn.addEventListener('click', () => void this.run(this.current, this.params, this.scale, this.clock, null));
    this.stopBtn.addEventListener('click', () => { this.runner.stop(); this.python?.stop(); });
    this.steps = new StepMode(runner, {
      host: $('#steps'), out: this.out, timeline: this.timeline, level: 2,
      onStep: (i, rec, count) => this.reportState(i, rec, count),
      onClose: () => { this.steps.stop(); this.out.clear(); },
      pythonProgram: () => null,
    });
    this.stepBtn.addEventListener('click', () => void this.step(this.current, this.params, 'start', null));
    runner.bindKeys(() => this.runBtn.click());
    window.addEventListener('message', (ev) => this.onMessage(ev));
    this.showPattern(this.current, this.params);
    $('#app').hidden = false;
    this.watchSize();
    // Ready once warm: a run asked for at once then keeps its timings (PageRunner.warm).
    void runner.warm.then(() => announce({ type: 'aio:ready', patterns: patterns.map((p) => p.id) }));
    if (url.step !== null) void this.step(this.current, this.params, url.step, null);
  }

  private showPattern(p: PatternInfo, params: Record<string, string>): void {
    this.current = p;
    this.title.textContent = p.title;
    this.runner.title(p);
    const query = buildQuery({ id: p.id, params, scale: this.scale, clock: this.clock }, p);
    this.openLink.href = new URL('index.html' + query, location.href).href;
  }

  private onMessage(ev: MessageEvent): void {
    if (!embedded || ev.source !== window.parent) return; // only the embedding page may drive us
    const msg = parseParentMessage(ev.data, this.runner.limits);
    if (!msg) return;
    const to: Target = { source: ev.source as Window, origin: ev.origin };
    replyTo = to;
    const idPart = msg.id !== undefined ? { id: msg.id } : {};
    if (msg.type === 'aio:stop') {
      this.runner.stop();
      this.python?.stop();
      return;
    }
    const fail = (message: string) => post({ type: 'aio:error', message, ...idPart }, to);
    if (msg.type === 'aio:step') return this.onStep(msg, { to, idPart }, fail);
    const p = this.runner.find(msg.pattern);
    if (!p) return fail(`unknown pattern "${msg.pattern}"`);
    const { scale: rawScale, clock: rawClock, ...rest } = msg.params;
    let scale = this.scale;
    let clock = this.clock;
    const rules = this.runner.engine;
    if (rawScale !== undefined) { const c = validateScale(rules, rawScale); if (!c.ok) return fail(c.message); scale = c.value; }
    if (rawClock !== undefined) { const c = validateClock(rawClock, this.runner.limits); if (!c.ok) return fail(c.message); clock = c.value; }
    const checked = validateParams(rules, p, rest);
    if (checked.errors.length) return fail(checked.errors.map((e) => e.message).join('; '));
    if (this.runner.running || this.python?.running) return fail('a run is already in progress');
    if (msg.engine === 'python') void this.runPython(p, checked.values, scale, clock, to, idPart);
    else void this.run(p, checked.values, scale, clock, { to, idPart: { ...idPart, engine: 'cpp' } });
  }

  /** aio:step: a pattern or params start a stepped run (the first step, or `to`); otherwise `to`
   *  (default: the next step) moves the one shown. The answer is aio:state, or aio:error. */
  private onStep(msg: { pattern?: string; params?: Record<string, string>; to?: StepTo; engine?: 'cpp' | 'python' }, origin: { to: Target; idPart: Record<string, unknown> },
    fail: (message: string) => void): void {
    if (this.runner.running || this.python?.running) return fail('a run is already in progress');
    if (msg.pattern === undefined && msg.params === undefined) {
      if (!this.steps.active) return void this.step(this.current, this.params, msg.to ?? 'start', origin, msg.engine);
      if (msg.engine !== undefined) return void this.moveWith(msg.engine, msg.to ?? 'next', origin, fail);
      this.stateTo = origin;
      const refused = this.steps.go(msg.to ?? 'next');
      if (refused) { this.stateTo = null; fail(refused); }
      return;
    }
    const p = msg.pattern === undefined ? this.current : this.runner.find(msg.pattern);
    if (!p) return fail(`unknown pattern "${msg.pattern}"`);
    const raw = msg.params ?? {};
    if (raw.scale !== undefined || raw.clock !== undefined) return fail('a stepped run is on the virtual clock: it takes no scale or clock');
    const checked = validateParams(this.runner.engine, p, raw);
    if (checked.errors.length) return fail(checked.errors.map((e) => e.message).join('; '));
    void this.step(p, checked.values, msg.to ?? 'start', origin, msg.engine);
  }

  /** "CPython too" on or off (CPython loaded and stepped first), then the move; one aio:state answers. */
  private async moveWith(engine: 'cpp' | 'python', to: StepTo, origin: { to: Target; idPart: Record<string, unknown> },
    fail: (message: string) => void): Promise<void> {
    this.holdState = true;
    const failed = await this.steps.setPython(engine === 'python');
    this.holdState = false;
    if (failed) return fail(failed);
    this.stateTo = origin;
    const refused = this.steps.go(to);
    if (refused) { this.stateTo = null; fail(refused); }
  }

  private async step(p: PatternInfo, params: Record<string, string>, to: StepTo,
    origin: { to: Target; idPart: Record<string, unknown> } | null, engine?: 'cpp' | 'python'): Promise<void> {
    if (this.runner.running) return;
    const reply = origin ?? { to: replyTo, idPart: {} };
    this.showPattern(p, params);
    this.params = params;
    this.runBtn.disabled = this.stepBtn.disabled = true;
    showMessages(this.messages, []);
    this.summary.textContent = '';
    this.stateTo = reply.to ? { to: reply.to, idPart: reply.idPart } : null;
    this.holdState = engine !== undefined;
    const started = await this.steps.start(p, params, to);
    this.runBtn.disabled = this.stepBtn.disabled = false;
    if (started.ok && engine !== undefined) {
      const failed = await this.steps.setPython(engine === 'python');
      this.holdState = false;
      if (failed) {
        this.stateTo = null;
        post({ type: 'aio:error', message: failed, ...reply.idPart }, reply.to);
        return;
      }
      this.steps.go(this.steps.index + 1); // the step again, now with CPython's record: the answer
    }
    this.holdState = false;
    if (!started.ok) {
      this.stateTo = null;
      showMessages(this.messages, [started.message]);
      post({ type: 'aio:error', message: started.message, ...reply.idPart }, reply.to);
      return;
    }
    if (started.notice) showMessages(this.messages, [], [`${started.notice}; showing the last step`]);
  }

  /** aio:state: exactly the record shown, its step (from 1) and the run's count of steps, to the parent
   *  that asked (with its id), or to the parent that last spoke when the visitor stepped. */
  private reportState(i: number, rec: StepRecord, count: number): void {
    if (this.holdState) return;
    const target = this.stateTo ?? (replyTo ? { to: replyTo, idPart: {} } : null);
    this.stateTo = null;
    const beside = this.steps.besideAt(i);
    const python = beside ? { python: { record: beside.record, differs: beside.differs, order: beside.order } } : {};
    // The record as the engine made it: a compacted one keeps its `counts`, not what the page derived.
    const { narration: _narration, marks: _marks, ...record } = rec;
    if (target) post({ type: 'aio:state', ...record, step: i + 1, count, ...python, ...target.idPart }, target.to);
  }

  private async run(p: PatternInfo, params: Record<string, string>, scale: number, clock: Clock,
    origin: { to: Target; idPart: Record<string, unknown> } | null): Promise<void> {
    if (this.runner.running) return;
    const to = origin?.to ?? replyTo;
    const idPart = origin?.idPart ?? {};
    this.steps.stop();
    const done = (r: RunResult) => post({
      type: 'aio:done', lines: r.lines.map((l) => ({ t: l.t, text: l.text })), timings: { elapsed: r.elapsed, ideal: r.ideal },
      cancelled: r.cancelled, ...idPart,
    }, to);
    // Asked for before the page shows it: the host times the run from its request.
    const ending = this.runner.run({ pattern: p, params, scale, clock }, {
      out: this.out, timeline: this.timeline,
      onLine: (line) => post({ type: 'aio:line', text: line.text, t: line.t, ...idPart }, to),
      // The host hears of the end before the timeline draws it.
      onResult: (r) => { if (!r.error) done(r); },
    });
    this.showPattern(p, params);
    this.runBtn.disabled = this.stepBtn.disabled = true;
    this.stopBtn.disabled = false;
    showMessages(this.messages, []);
    this.summary.textContent = '';
    const end = await ending;
    this.runBtn.disabled = this.stepBtn.disabled = false;
    this.stopBtn.disabled = true;
    if (!end.ok) {
      showMessages(this.messages, [end.message]);
      post({ type: 'aio:error', message: end.message, ...idPart }, to);
      return;
    }
    const r = end.result;
    this.summary.textContent = `${r.cancelled ? 'Cancelled' : r.error ? 'Failed' : 'Finished'} · elapsed ${fmtT(r.elapsed)} · ideal ${fmtT(r.ideal)}`;
    if (r.error) post({ type: 'aio:error', message: r.error, ...idPart }, to);
  }

  /** The pattern's Python original in CPython (loaded on the first such request), answered with the
   *  same messages as a C++ run. */
  private async runPython(p: PatternInfo, params: Record<string, string>, scale: number, clock: Clock,
    to: Target, id: Record<string, unknown>): Promise<void> {
    const idPart = { ...id, engine: 'python' };
    this.showPattern(p, params);
    this.runBtn.disabled = true;
    showMessages(this.messages, []);
    this.out.clear();
    this.summary.textContent = 'Loading CPython…';
    try {
      const { python, pythonSource } = await import('./python/engine');
      this.python = python;
      const source = pythonSource(p.id);
      if (source === undefined) throw new Error(`${p.id} has no Python original`);
      const all = this.runner.engine.check(p.id, params);
      await python.load();
      this.summary.textContent = 'Running in CPython…';
      this.stopBtn.disabled = false;
      const r = await python.run({
        source, filename: `${p.id}.py`, params: all, clock, scale,
        onLine: (line) => { this.out.line(line); post({ type: 'aio:line', text: line.text, t: line.t, ...idPart }, to); },
      });
      const ideal = this.runner.engine.ideal(p.id, params);
      this.summary.textContent = `CPython · ${r.cancelled ? 'Cancelled' : r.error ? 'Failed' : 'Finished'} · elapsed ${fmtT(r.elapsed)} · ideal ${fmtT(ideal)}`;
      if (r.error) {
        this.out.system(r.error, 'error');
        post({ type: 'aio:error', message: r.error, ...idPart }, to);
        return;
      }
      post({ type: 'aio:done', lines: r.lines, timings: { elapsed: r.elapsed, ideal }, cancelled: r.cancelled, ...idPart }, to);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      showMessages(this.messages, [message]);
      this.summary.textContent = '';
      post({ type: 'aio:error', message, ...idPart }, to);
    } finally {
      this.runBtn.disabled = false;
      this.stopBtn.disabled = true;
    }
  }

  private watchSize(): void {
    let last = -1;
    let frame = 0;
    const send = () => {
      frame = 0;
      const height = Math.ceil(document.documentElement.scrollHeight);
      if (height !== last) { last = height; announce({ type: 'aio:resize', height }); }
    };
    new ResizeObserver(() => { if (!frame) frame = requestAnimationFrame(send); }).observe(document.body);
  }
}

void start();
