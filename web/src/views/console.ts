// The output console: one line per `onLine`, each with its loop timestamp. A live log (role="log", a
// focusable scroll box) holding an ordered list of the lines: a list cannot carry the log role itself
// without its items then belonging to no list.
import type { Line } from '../engine/types';
import { fmtT } from '../state/trace.js';
import { h } from './dom';

const MAX_LINES = 5000;

export class OutputConsole {
  readonly el: HTMLElement;
  private readonly list: HTMLOListElement;
  private count = 0;

  constructor(host: HTMLElement) {
    this.list = h('ol', { class: 'console-lines' });
    this.el = h('div', { class: 'console', role: 'log', 'aria-live': 'polite', 'aria-label': 'Output', tabindex: 0 }, this.list);
    host.append(this.el);
  }

  clear(): void {
    this.list.replaceChildren();
    this.count = 0;
  }

  line(line: Line): void {
    if (++this.count > MAX_LINES) {
      if (this.count === MAX_LINES + 1) this.system(`… output truncated after ${MAX_LINES} lines`, 'note');
      return;
    }
    this.list.append(h('li', { class: 'line' }, h('span', { class: 't', text: fmtT(line.t) }), ' ', h('span', { class: 'text', text: line.text })));
    this.el.scrollTop = this.el.scrollHeight;
  }

  system(text: string, kind: 'note' | 'cancel' | 'error' = 'note'): void {
    this.list.append(h('li', { class: `line sys sys-${kind}` }, h('span', { class: 'text', text })));
    this.el.scrollTop = this.el.scrollHeight;
  }
}
