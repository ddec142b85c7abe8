// The output console: one line per `onLine`, each with its loop timestamp. A live log (role="log", a
// focusable scroll box) holding an ordered list of the lines: a list cannot carry the log role itself
// without its items then belonging to no list.
//
// The box scrolls to the newest line once per animation frame (a run's lines come in batches: scrolling
// after each would lay the page out once a line), and the list holds at most MAX_LINES of them: past that a note says so and offers the whole output, which the
// console keeps, to copy or to download.
import type { Line } from '../engine/types';
import { fmtT } from '../state/trace.js';
import { h } from './dom';

const MAX_LINES = 5000;

export class OutputConsole {
  readonly el: HTMLElement;
  private readonly list: HTMLOListElement;
  /** Every line of the run, shown or not. */
  private all: Line[] = [];
  private shown = 0;
  private frame = 0;
  private cut: HTMLElement | null = null;

  constructor(host: HTMLElement) {
    this.list = h('ol', { class: 'console-lines' });
    this.el = h('div', { class: 'console', role: 'log', 'aria-live': 'polite', 'aria-label': 'Output', tabindex: 0 }, this.list);
    host.append(this.el);
  }

  /** How many lines the run printed (all of them, shown or not). */
  get count(): number {
    return this.all.length;
  }

  /** The whole output as text, one `time  text` line each. */
  text(): string {
    return this.all.map((l) => `${fmtT(l.t)}  ${l.text}`).join('\n') + (this.all.length ? '\n' : '');
  }

  clear(): void {
    this.list.replaceChildren();
    this.all = [];
    this.shown = 0;
    this.cut = null;
  }

  line(line: Line): void {
    this.all.push(line);
    if (this.shown >= MAX_LINES) {
      if (!this.cut) this.truncated();
      else this.updateCut();
      return;
    }
    this.shown++;
    this.list.append(h('li', { class: 'line' }, h('span', { class: 't', text: fmtT(line.t) }), ' ', h('span', { class: 'text', text: line.text })));
    if (!this.frame) this.frame = requestAnimationFrame(() => { this.frame = 0; this.el.scrollTop = this.el.scrollHeight; });
  }

  system(text: string, kind: 'note' | 'cancel' | 'error' = 'note'): void {
    this.list.append(h('li', { class: `line sys sys-${kind}` }, h('span', { class: 'text', text })));
    this.el.scrollTop = this.el.scrollHeight;
  }

  /** The note past MAX_LINES: how many lines there are, and the whole output to copy or download. */
  private truncated(): void {
    const copy = h('button', { type: 'button', class: 'ghost', text: 'Copy all' });
    const save = h('button', { type: 'button', class: 'ghost', text: 'Download all' });
    const said = h('span', { class: 'cut-status', role: 'status' });
    copy.addEventListener('click', () => {
      navigator.clipboard.writeText(this.text()).then(() => { said.textContent = 'Copied.'; }, () => { said.textContent = 'Copying is blocked here: use Download all.'; });
    });
    save.addEventListener('click', () => {
      const a = h('a', { href: URL.createObjectURL(new Blob([this.text()], { type: 'text/plain' })), download: 'output.txt' });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    });
    this.cut = h('span', { class: 'text' });
    this.list.append(h('li', { class: 'line sys sys-note console-cut' }, this.cut, ' ', copy, ' ', save, ' ', said));
    this.updateCut();
    this.el.scrollTop = this.el.scrollHeight;
  }

  private updateCut(): void {
    if (this.cut) this.cut.textContent = `… the first ${MAX_LINES.toLocaleString('en')} of ${this.all.length.toLocaleString('en')} lines are shown here; the whole output:`;
  }
}
