// embed.html: one pattern with minimal chrome, for <iframe>s on other sites.
// ?p=ID&param=value...&scale=..&clock=..&view=output (output only). The page never rewrites
// its own URL and works when storage is blocked. postMessage protocol: see state/messages.js.
import './styles.css';
import { createEngine } from './engine';
import type { Clock, Engine, Line, PatternInfo, RunResult } from './engine/types';
import { buildQuery, parseQuery } from './state/url.js';
import { parseParentMessage } from './state/messages.js';
import { validateClock, validateParams, validateScale } from './state/validate.js';
import { fmtT } from './state/trace.js';
import { $, showMessages } from './views/dom';
import { initTheme } from './views/theme';
import { OutputConsole } from './views/console';
import { Timeline } from './views/timeline';

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

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

async function start(): Promise<void> {
  const status = $('#status');
  let engine: Engine;
  let patterns: PatternInfo[];
  try {
    engine = await createEngine();
    patterns = engine.patterns();
    if (!patterns.length) throw new Error('the engine reports no patterns');
  } catch (e) {
    status.textContent = `The engine could not be loaded: ${errorText(e)}`;
    status.classList.add('msg-error');
    announce({ type: 'aio:error', message: 'engine failed to load' });
    return;
  }
  status.hidden = true;
  new Embed(engine, patterns);
}

class Embed {
  private current: PatternInfo;
  private params: Record<string, string>;
  private scale: number;
  private clock: Clock;
  private running = false;
  private readonly title = $('#title');
  private readonly openLink = $('#open') as HTMLAnchorElement;
  private readonly runBtn = $('#run') as HTMLButtonElement;
  private readonly stopBtn = $('#stop') as HTMLButtonElement;
  private readonly messages = $('#messages');
  private readonly summary = $('#summary');
  private readonly out: OutputConsole;
  private readonly timeline: Timeline | null;

  constructor(private readonly engine: Engine, private readonly patterns: PatternInfo[]) {
    const url = parseQuery(location.search, patterns, { allowView: true });
    showMessages(this.messages, url.errors, url.notices);
    this.current = patterns.find((p) => p.id === url.id) ?? patterns[0];
    this.params = url.params;
    this.scale = url.scale;
    this.clock = url.clock;
    this.out = new OutputConsole($('#output'));
    const chart = $('#chart');
    if (url.view === 'output') { chart.remove(); this.timeline = null; document.body.classList.add('view-output'); }
    else this.timeline = new Timeline(chart);
    this.runBtn.addEventListener('click', () => void this.run(this.current, this.params, this.scale, this.clock, null));
    this.stopBtn.addEventListener('click', () => this.engine.stop());
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); this.runBtn.click(); }
      else if (e.key === 'Escape' && this.running) { e.preventDefault(); this.engine.stop(); }
    });
    window.addEventListener('message', (ev) => this.onMessage(ev));
    this.showPattern(this.current, this.params);
    $('#app').hidden = false;
    this.watchSize();
    announce({ type: 'aio:ready', patterns: patterns.map((p) => p.id) });
  }

  private showPattern(p: PatternInfo, params: Record<string, string>): void {
    this.current = p;
    this.title.textContent = p.title;
    document.title = `${p.id} · asyncio patterns in C++`;
    const query = buildQuery({ id: p.id, params, scale: this.scale, clock: this.clock }, p);
    this.openLink.href = new URL('index.html' + query, location.href).href;
  }

  private onMessage(ev: MessageEvent): void {
    if (!embedded || ev.source !== window.parent) return; // only the embedding page may drive us
    const msg = parseParentMessage(ev.data);
    if (!msg) return;
    const to: Target = { source: ev.source as Window, origin: ev.origin };
    replyTo = to;
    const idPart = msg.id !== undefined ? { id: msg.id } : {};
    if (msg.type === 'aio:stop') {
      if (this.running) this.engine.stop();
      return;
    }
    const fail = (message: string) => post({ type: 'aio:error', message, ...idPart }, to);
    const p = this.patterns.find((x) => x.id === msg.pattern);
    if (!p) return fail(`unknown pattern "${msg.pattern}"`);
    const { scale: rawScale, clock: rawClock, ...rest } = msg.params;
    let scale = this.scale;
    let clock = this.clock;
    if (rawScale !== undefined) { const c = validateScale(rawScale); if (!c.ok) return fail(c.message); scale = c.value; }
    if (rawClock !== undefined) { const c = validateClock(rawClock); if (!c.ok) return fail(c.message); clock = c.value; }
    const checked = validateParams(p, rest);
    if (checked.errors.length) return fail(checked.errors.map((e) => e.message).join('; '));
    if (this.running) return fail('a run is already in progress');
    void this.run(p, checked.values, scale, clock, { to, idPart });
  }

  private async run(p: PatternInfo, params: Record<string, string>, scale: number, clock: Clock,
    origin: { to: Target; idPart: Record<string, unknown> } | null): Promise<void> {
    if (this.running) return;
    const to = origin?.to ?? replyTo;
    const idPart = origin?.idPart ?? {};
    let ideal = p.ideal;
    try { ideal = this.engine.ideal(p.id, params); } catch (e) {
      showMessages(this.messages, [errorText(e)]);
      post({ type: 'aio:error', message: errorText(e), ...idPart }, to);
      return;
    }
    this.running = true;
    this.showPattern(p, params);
    this.runBtn.disabled = true;
    this.stopBtn.disabled = false;
    showMessages(this.messages, []);
    this.summary.textContent = '';
    this.out.clear();
    const t0 = performance.now();
    this.timeline?.reset(ideal, clock === 'real' ? () => (performance.now() - t0) / 1000 / scale : undefined);
    let streamed = 0;
    const emit = (line: Line) => { this.out.line(line); post({ type: 'aio:line', text: line.text, t: line.t, ...idPart }, to); };
    let r: RunResult | null = null;
    try {
      r = await this.engine.run(p.id, {
        params, timeScale: scale, clock,
        onLine: (line) => { streamed++; emit(line); },
        onTrace: (ev) => this.timeline?.push(ev),
      });
    } catch (e) {
      this.out.system(`Error: ${errorText(e)}`, 'error');
      showMessages(this.messages, [errorText(e)]);
      post({ type: 'aio:error', message: errorText(e), ...idPart }, to);
    } finally {
      this.running = false;
      this.runBtn.disabled = false;
      this.stopBtn.disabled = true;
    }
    if (!r) return;
    if (!streamed) for (const line of r.lines) emit(line);
    this.timeline?.set(r.trace, r.elapsed);
    this.summary.textContent = `${r.cancelled ? 'Cancelled' : r.error ? 'Failed' : 'Finished'} · elapsed ${fmtT(r.elapsed)} · ideal ${fmtT(r.ideal)}`;
    if (r.error) {
      this.out.system(`Error: ${r.error}`, 'error');
      post({ type: 'aio:error', message: r.error, ...idPart }, to);
      return;
    }
    if (r.cancelled) this.out.system(`Run cancelled at ${fmtT(r.elapsed)}.`, 'cancel');
    post({
      type: 'aio:done', lines: r.lines.map((l) => ({ t: l.t, text: l.text })), timings: { elapsed: r.elapsed, ideal: r.ideal },
      cancelled: r.cancelled, ...idPart,
    }, to);
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
