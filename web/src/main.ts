// The playground page: pattern list (grouped as the registry groups them), sources, parameter form,
// run/stop, Step mode (stepmode.ts), console, timeline, summary, earlier runs, share link and embed code. Everything is driven
// by the engine's registry; the runs go through the page runner.
import './styles.css';
import type { PatternInfo, RunResult } from './engine/types';
import { PageRunner, errorText } from './runner';
import { StepMode, type StepTo } from './stepmode';
import { buildQuery, embedSnippet, parseQuery } from './state/url.js';
import { MAX_LINK_CHARS, decodeProgram, encodeProgram } from './state/pycode.js';
import { chromeTraceEvents, chromeTraceMetadata } from './state/trace.js';
import { $, h, showMessages } from './views/dom';
import { initTheme, themeButton } from './views/theme';
import { OutputConsole } from './views/console';
import { Timeline } from './views/timeline';
import { ParamForm } from './views/form';
import { SourceView } from './views/sources';
import { RunHistory, renderSummary } from './views/results';
import { PythonPanel } from './python/panel';

initTheme();
themeButton($('#theme') as HTMLButtonElement);

async function start(): Promise<void> {
  const runner = await PageRunner.load($('#status'));
  if (runner) new Playground(runner);
}

/** The patterns under their registry groups, in the registry's order. */
function grouped(patterns: PatternInfo[]): Array<[string, PatternInfo[]]> {
  const groups = new Map<string, PatternInfo[]>();
  for (const p of patterns) {
    const list = groups.get(p.group);
    if (list) list.push(p); else groups.set(p.group, [p]);
  }
  return [...groups];
}

class Playground {
  private current: PatternInfo;
  private running: Promise<void> | null = null;
  private lastResult: RunResult | null = null;
  private readonly nav = $('#nav');
  private readonly title: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly form: ParamForm;
  private readonly runBtn: HTMLButtonElement;
  private readonly stopBtn: HTMLButtonElement;
  private readonly stepBtn: HTMLButtonElement;
  private readonly steps: StepMode;
  private urlTimer: ReturnType<typeof setTimeout> | 0 = 0;
  private readonly idealBox: HTMLElement;
  private readonly runMessages: HTMLElement;
  private readonly out: OutputConsole;
  private readonly timeline: Timeline;
  private readonly summaryBox: HTMLElement;
  private readonly downloadBtn: HTMLButtonElement;
  private readonly history: RunHistory;
  private readonly sourcesView: SourceView;
  private readonly shareUrl: HTMLInputElement;
  private readonly embedCode: HTMLTextAreaElement;
  private readonly embedOutputOnly: HTMLInputElement;
  private readonly shareStatus: HTMLElement;
  private readonly python: PythonPanel;
  /** The edited Python program as the share link's `py` value (null: not edited, or too long). */
  private pyLink: string | null = null;
  private pyEncoding = 0;
  private readonly pyLinkNote: HTMLElement;

  constructor(private readonly runner: PageRunner) {
    const patterns = runner.patterns;
    const url = parseQuery(location.search, patterns, runner.engine);
    showMessages($('#messages'), url.errors, url.notices);
    this.current = runner.find(url.id) ?? patterns[0];

    // Navigation: one link per pattern (works without JS tricks: middle-click opens a copy), under
    // the registry's group headings.
    this.nav.replaceChildren(...grouped(patterns).map(([group, members], i) => h('div', { class: 'nav-group' },
      h('h2', { class: 'nav-label', id: `nav-group-${i}`, text: group }),
      h('ul', { 'aria-labelledby': `nav-group-${i}` }, ...members.map((p) => {
        const a = h('a', { href: buildQuery({ id: p.id, params: {}, scale: 1, clock: 'real' }, p), 'data-id': p.id, text: p.id });
        a.title = p.title;
        a.addEventListener('click', (e) => {
          if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
          e.preventDefault();
          void this.select(p.id);
        });
        return h('li', {}, a);
      })))));

    const host = $('#pattern');
    this.title = h('h2', { id: 'pattern-title' });
    this.summary = h('p', { class: 'pattern-summary' });
    const formEl = h('form', { class: 'panel form-panel', 'aria-labelledby': 'pattern-title', novalidate: true });
    this.form = new ParamForm(formEl, runner.engine, () => this.changed());
    this.runBtn = h('button', { type: 'submit', class: 'primary', 'aria-keyshortcuts': 'Control+Enter', text: 'Run' });
    this.stopBtn = h('button', { type: 'button', disabled: true, 'aria-keyshortcuts': 'Escape', text: 'Stop' });
    this.stepBtn = h('button', { type: 'button', class: 'step-btn', text: 'Step', title: 'Step through the event loop one iteration at a time (virtual clock)' });
    this.idealBox = h('p', { class: 'ideal', 'aria-live': 'polite' });
    this.runMessages = h('div', { class: 'messages', role: 'alert', hidden: true });
    formEl.append(h('div', { class: 'actions' }, this.runBtn, this.stopBtn, this.stepBtn, h('span', { class: 'kbd-hint', text: 'Ctrl+Enter runs · Esc stops' })), this.idealBox, this.runMessages);
    formEl.addEventListener('submit', (e) => { e.preventDefault(); void this.run(); });
    this.stopBtn.addEventListener('click', () => this.stop());
    this.stepBtn.addEventListener('click', () => void this.step());

    const outPanel = h('section', { class: 'panel output-panel', 'aria-labelledby': 'h-output' }, h('h3', { id: 'h-output', text: 'Output' }));
    this.out = new OutputConsole(outPanel);
    this.summaryBox = h('div', { class: 'summary', 'aria-live': 'polite' });
    outPanel.append(this.summaryBox);

    const chartPanel = h('section', { class: 'panel chart-panel', 'aria-labelledby': 'h-timeline' });
    this.downloadBtn = h('button', { type: 'button', disabled: true, text: 'Download trace' });
    this.downloadBtn.title = 'Chrome trace-event JSON; open it in Perfetto (ui.perfetto.dev) or chrome://tracing';
    this.downloadBtn.addEventListener('click', () => void this.download());
    chartPanel.append(h('div', { class: 'panel-head' }, h('h3', { id: 'h-timeline', text: 'Timeline' }), this.downloadBtn));
    this.timeline = new Timeline(chartPanel);

    const sharePanel = h('section', { class: 'panel share-panel', 'aria-labelledby': 'h-share' });
    this.shareUrl = h('input', { type: 'text', readonly: true, id: 'share-url', class: 'share-url', 'aria-label': 'Link to this pattern and its parameters' });
    const copyLink = h('button', { type: 'button', text: 'Copy link' });
    const copyEmbed = h('button', { type: 'button', text: 'Copy embed code' });
    this.embedOutputOnly = h('input', { type: 'checkbox', id: 'embed-output-only' });
    this.embedCode = h('textarea', { readonly: true, id: 'embed-code', rows: 3, hidden: true, 'aria-label': 'Embed code' });
    this.shareStatus = h('p', { class: 'share-status', role: 'status' });
    sharePanel.append(h('h3', { id: 'h-share', text: 'Share' }),
      h('div', { class: 'share-row' }, this.shareUrl, copyLink),
      h('div', { class: 'share-row' }, copyEmbed, h('label', { class: 'check' }, this.embedOutputOnly, ' output only')),
      this.embedCode, this.shareStatus);
    this.pyLinkNote = h('p', { class: 'share-py', id: 'share-python', role: 'status' });
    sharePanel.append(this.pyLinkNote);
    copyLink.addEventListener('click', () => void this.copy(this.shareUrl.value, this.shareUrl, 'Link copied.'));
    copyEmbed.addEventListener('click', () => {
      this.embedCode.hidden = false;
      this.updateEmbed();
      void this.copy(this.embedCode.value, this.embedCode, 'Embed code copied.');
    });
    this.embedOutputOnly.addEventListener('change', () => this.updateEmbed());

    const pythonHost = h('div', { class: 'python-host' });
    this.python = new PythonPanel(pythonHost, {
      request: () => {
        const v = this.form.values();
        if (v.errors.length) return null;
        try {
          return { pattern: this.current, params: runner.engine.check(this.current.id, v.params), scale: v.scale, clock: v.clock };
        } catch {
          return null;
        }
      },
      runCpp: () => this.run(),
      stopCpp: () => this.stop(),
      cppTimeline: this.timeline,
      mountEditor: (box) => this.sourcesView.mountEditor(box),
      edited: (text) => this.pythonEdited(text),
    });

    const codePanel = h('section', { class: 'panel code-panel', 'aria-label': 'Source code' });
    this.sourcesView = new SourceView(codePanel, () => void this.python.openEditor());
    const stepHost = h('div', { class: 'step-host', hidden: true });
    this.steps = new StepMode(runner, {
      host: stepHost, out: this.out, timeline: this.timeline, sources: this.sourcesView,
      onStep: () => this.stepUrl(),
      onClose: () => this.leaveSteps(),
      pythonProgram: () => this.python.editedProgram,
    });
    const runsPanel = h('section', { class: 'panel runs-panel', 'aria-labelledby': 'h-runs' }, h('h3', { id: 'h-runs', text: 'Earlier runs' }));
    this.history = new RunHistory(runsPanel);

    host.replaceChildren(
      h('header', { class: 'pattern-head' }, this.title, this.summary),
      h('div', { class: 'workbench' }, formEl, outPanel, chartPanel),
      pythonHost,
      stepHost,
      codePanel,
      h('div', { class: 'lower' }, runsPanel, sharePanel),
    );
    host.hidden = false;

    runner.bindKeys(() => void this.run());

    const py = new URLSearchParams(location.search).get('py'); // before show() rewrites the URL
    this.show(this.current, url.params, url.scale, url.clock);
    if (url.step !== null) void this.step(url.step);
    if (py !== null) void this.openShared(py);
  }

  /** A link's edited Python program: into the editor (which loads CPython), or a message saying why not. */
  private async openShared(value: string): Promise<void> {
    const r = await decodeProgram(value);
    if (!r.ok) { showMessages($('#messages'), [r.message]); return; }
    showMessages($('#messages'), [], ['This link holds an edited Python program: it is in the editor below. The C++ port is not edited.']);
    await this.python.openEditor(r.text);
  }

  /** The Python program was edited (or reverted: null): short programs go in the share link. */
  private pythonEdited(text: string | null): void {
    const seq = ++this.pyEncoding;
    if (text === null) {
      this.pyLink = null;
      this.pyLinkNote.textContent = '';
      this.changed();
      return;
    }
    void encodeProgram(text).then((r) => {
      if (seq !== this.pyEncoding) return;
      this.pyLink = r.ok ? r.value : null;
      this.pyLinkNote.textContent = r.ok
        ? 'The link holds your edited Python program.'
        : `Your edited Python program is too long for a link (${(r.chars / 1024).toFixed(1)} KB compressed, the limit is ${MAX_LINK_CHARS / 1024} KB): the link gives the original.`;
      this.changed();
    });
  }

  private show(p: PatternInfo, params: Record<string, string>, scale: number, clock: 'real' | 'virtual'): void {
    this.steps.stop();
    this.current = p;
    this.runner.title(p);
    this.title.textContent = p.title;
    this.summary.textContent = p.summary;
    for (const a of this.nav.querySelectorAll('a')) {
      if (a.dataset.id === p.id) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
    }
    // On a phone each group is a row scrolling sideways: bring the current pattern into it (sideways
    // only: the page itself does not move).
    const here = this.nav.querySelector<HTMLElement>('a[aria-current="page"]');
    const row = here?.closest<HTMLElement>('.nav-group');
    if (here && row && row.scrollWidth > row.clientWidth) {
      const a = here.getBoundingClientRect();
      const r = row.getBoundingClientRect();
      row.scrollLeft += a.left - r.left - (r.width - a.width) / 2;
    }
    this.form.setPattern(p, params);
    this.form.setRun(scale, clock);
    this.sourcesView.show(p.id);
    this.python.reset();
    this.out.clear();
    this.summaryBox.replaceChildren();
    this.timeline.reset(p.ideal);
    this.lastResult = null;
    this.downloadBtn.disabled = true;
    showMessages(this.runMessages, []);
    this.changed();
  }

  private async select(id: string): Promise<void> {
    const p = this.runner.find(id);
    if (!p || p === this.current) return;
    if (this.running) { this.runner.stop(); await this.running; }
    const v = this.form.values();
    showMessages($('#messages'), []);
    this.show(p, {}, v.scale, v.clock);
  }

  /** Form changed: validate, preview the ideal time, update the URL. Stepped records belong to the
   *  parameters they ran with, so a change leaves Step mode. */
  private changed(): void {
    if (this.steps.active) this.leaveSteps();
    this.updateUrl();
  }

  /** A step changes the URL at most every 200 ms: holding → or playing fast would otherwise replace the
   *  history entry (and check the form) on every step, and browsers throttle that. */
  private stepUrl(): void {
    if (this.urlTimer) return;
    this.urlTimer = setTimeout(() => { this.urlTimer = 0; if (this.steps.active) this.updateUrl(); }, 200);
  }

  private updateUrl(): void {
    const v = this.form.values();
    if (v.errors.length) {
      this.idealBox.textContent = 'Fix the highlighted values to run.';
    } else {
      try {
        this.idealBox.textContent = `Ideal time: ${this.runner.engine.ideal(this.current.id, v.params).toFixed(3)} s`;
      } catch (e) {
        this.idealBox.textContent = `Invalid parameters: ${errorText(e)}`;
      }
      const step = this.steps.active ? this.steps.index + 1 : null;
      const query = buildQuery({ id: this.current.id, params: v.params, scale: v.scale, clock: v.clock, step }, this.current) + (this.pyLink ? `&py=${this.pyLink}` : '');
      history.replaceState(null, '', location.pathname + query + location.hash);
    }
    this.shareUrl.value = location.href;
    this.updateEmbed();
  }

  private updateEmbed(): void {
    const v = this.form.values();
    const query = buildQuery({ id: this.current.id, params: v.params, scale: v.scale, clock: v.clock, view: this.embedOutputOnly.checked ? 'output' : 'full' }, this.current);
    this.embedCode.value = embedSnippet(new URL('embed.html' + query, location.href).href, `${this.current.title} (asyncio pattern)`);
  }

  private async copy(text: string, field: HTMLInputElement | HTMLTextAreaElement, done: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(text);
      this.shareStatus.textContent = done;
    } catch {
      field.focus();
      field.select();
      this.shareStatus.textContent = 'Copying is blocked here: the text is selected, press Ctrl+C.';
    }
  }

  private setRunning(on: boolean): void {
    this.runBtn.disabled = on;
    this.stepBtn.disabled = on;
    this.stopBtn.disabled = !on;
    this.form.setDisabled(on);
    document.body.dataset.running = String(on);
    if (!on && document.activeElement === document.body) this.runBtn.focus();
  }

  private stop(): void {
    this.runner.stop();
  }

  private leaveSteps(): void {
    this.steps.stop();
    this.out.clear();
    this.updateUrl();
  }

  /** Step mode: the pattern run once on the virtual clock, every iteration recorded, step `to` shown. */
  private async step(to: StepTo = 'start'): Promise<void> {
    if (this.running) return;
    const v = this.form.values();
    if (v.errors.length) {
      showMessages(this.runMessages, v.errors);
      this.form.focusError();
      return;
    }
    showMessages(this.runMessages, []);
    this.summaryBox.replaceChildren();
    this.lastResult = null;
    this.downloadBtn.disabled = true;
    const body = async () => {
      this.setRunning(true);
      document.body.dataset.stepping = 'loading';
      try {
        const started = await this.steps.start(this.current, v.params, to);
        if (!started.ok) {
          showMessages(this.runMessages, [`The stepped run could not start: ${started.message}`]);
          this.leaveSteps();
          return;
        }
        if (started.notice) showMessages(this.runMessages, [], [`${started.notice[0].toUpperCase()}${started.notice.slice(1)}; showing the last step`]);
        this.updateUrl();
      } finally {
        this.setRunning(false);
        this.running = null;
        document.body.dataset.stepping = String(this.steps.active);
      }
    };
    this.running = body();
    await this.running;
  }

  /** Runs the form's pattern; resolves with its result, or null when it did not run. */
  private async run(): Promise<RunResult | null> {
    if (this.running) return null;
    if (this.steps.active) this.leaveSteps();
    const v = this.form.values();
    if (v.errors.length) {
      showMessages(this.runMessages, v.errors);
      this.form.focusError();
      return null;
    }
    showMessages(this.runMessages, []);
    const pattern = this.current;
    this.summaryBox.replaceChildren();
    this.lastResult = null;
    this.downloadBtn.disabled = true;
    const body = async (): Promise<RunResult | null> => {
      this.setRunning(true);
      try {
        const end = await this.runner.run({ pattern, params: v.params, scale: v.scale, clock: v.clock }, { out: this.out, timeline: this.timeline });
        if (!end.ok) {
          showMessages(this.runMessages, [`The run could not start: ${end.message}`]);
          return null;
        }
        const r = end.result;
        this.lastResult = r;
        if (r.error) showMessages(this.runMessages, [`The run failed: ${r.error}`]);
        renderSummary(this.summaryBox, r, this.timeline.comparison());
        this.history.add(r, pattern);
        this.downloadBtn.disabled = false;
        return r;
      } finally {
        this.setRunning(false);
        this.running = null;
      }
    };
    const result = body();
    this.running = result.then(() => undefined);
    return result;
  }

  /** The trace as a Chrome trace-event JSON file, written a slice at a time (a run of 100,000 tasks
   *  makes half a million events): the page stays responsive while it is built. */
  private async download(): Promise<void> {
    const r = this.lastResult;
    if (!r || this.downloadBtn.getAttribute('aria-busy') === 'true') return;
    this.downloadBtn.setAttribute('aria-busy', 'true');
    try {
      // The file is made of a Blob a chunk: each chunk is encoded as it is made, not 40 MB at the end.
      const parts: Blob[] = [new Blob(['{"traceEvents":['])];
      let chunk: string[] = [];
      let sliceStart = performance.now();
      let first = true;
      for (const ev of chromeTraceEvents(r, this.timeline.traceRows())) {
        chunk.push((first ? '' : ',') + JSON.stringify(ev));
        first = false;
        if (chunk.length >= 2000) {
          parts.push(new Blob([chunk.join('')]));
          chunk = [];
          if (performance.now() - sliceStart > 8) {
            await new Promise((resolve) => setTimeout(resolve, 0));
            sliceStart = performance.now();
          }
        }
      }
      parts.push(new Blob([chunk.join(''), `],"displayTimeUnit":"ms","metadata":${JSON.stringify(chromeTraceMetadata(r))}}`]));
      if (r !== this.lastResult) return;
      const blob = new Blob(parts, { type: 'application/json' });
      const a = h('a', { href: URL.createObjectURL(blob), download: `${r.id}-trace.json` });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    } finally {
      this.downloadBtn.removeAttribute('aria-busy');
    }
  }
}

void start();
