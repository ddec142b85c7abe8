// The output console: one line per `onLine`, each with its loop timestamp.
import type { Line } from '../engine/types';
import { fmtT } from '../state/trace.js';
import { h } from './dom';

const MAX_LINES = 5000;

export class OutputConsole {
  readonly el: HTMLOListElement;
  private count = 0;

  constructor(host: HTMLElement) {
    this.el = h('ol', { class: 'console', role: 'log', 'aria-live': 'polite', 'aria-label': 'Output', tabindex: 0 });
    host.append(this.el);
  }

  clear(): void {
    this.el.replaceChildren();
    this.count = 0;
  }

  line(line: Line): void {
    if (++this.count > MAX_LINES) {
      if (this.count === MAX_LINES + 1) this.system(`… output truncated after ${MAX_LINES} lines`, 'note');
      return;
    }
    this.el.append(h('li', { class: 'line' }, h('span', { class: 't', text: fmtT(line.t) }), ' ', h('span', { class: 'text', text: line.text })));
    this.el.scrollTop = this.el.scrollHeight;
  }

  system(text: string, kind: 'note' | 'cancel' | 'error' = 'note'): void {
    this.el.append(h('li', { class: `line sys sys-${kind}` }, h('span', { class: 'text', text })));
    this.el.scrollTop = this.el.scrollHeight;
  }
}
