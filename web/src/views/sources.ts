// C++ source and Python original side by side (tabs on a phone). The HTML comes from Shiki at
// build time (virtual:pattern-sources, one chunk a pattern, loaded when shown) — the only innerHTML
// in the app. In Step mode both panes mark
// the lines the live tasks are suspended at (mark()): a gutter label with the task names, the lines of
// the tasks that just ran emphasised, and each pane scrolled to show them.
import { files, loadSource, type PatternSource } from 'virtual:pattern-sources';
import 'virtual:pattern-sources.css';
import type { LineMarks } from '../state/steps.js';
import { h } from './dom';

/** Line (from 1) -> the tasks suspended there, and whether one of them ran in the step shown. */
export type { LineMarks };

type Lang = 'cpp' | 'python';
const LANGS: Array<{ lang: Lang; label: string }> = [{ lang: 'cpp', label: 'C++20' }, { lang: 'python', label: 'Python asyncio' }];

export class SourceView {
  readonly el: HTMLElement;
  private tabs: HTMLButtonElement[];
  private panels: HTMLElement[];
  private pythonCode: HTMLElement | null = null;
  private editBtn: HTMLButtonElement | null = null;
  private editorBox: HTMLElement | null = null;
  /** Each pane's Shiki line elements, in order (found once per pattern). */
  private lines: HTMLElement[][] = [[], []];
  /** The lines marked now, with what they show ("label|ran"), so that a step touches only the lines
   *  whose marks changed. */
  private marked = new Map<HTMLElement, string>();
  /** Whether each pane is on screen: an off-screen pane is not laid out (content-visibility), and
   *  scrolling it would force that layout on every step, so it is scrolled when it comes into view. */
  private visible = [false, false];
  private pending: Array<HTMLElement | null> = [null, null];
  /** The pattern shown: sources that arrive for another one (the learner moved on) are dropped. */
  private shown = '';
  /** The marks asked for last, laid on the lines again once they have arrived. */
  private lastMarks: { cpp: LineMarks; python: LineMarks } | null = null;

  /** `onEdit`: the Python pane's Edit button was pressed (the page then mounts an editor there). */
  constructor(host: HTMLElement, private readonly onEdit?: () => void) {
    this.tabs = LANGS.map(({ lang, label }, i) => h('button', {
      type: 'button', role: 'tab', id: `tab-${lang}`, 'aria-controls': `panel-${lang}`, 'aria-selected': String(i === 0), tabindex: i === 0 ? 0 : -1, text: label,
    }));
    this.panels = LANGS.map(({ lang }, i) => h('section', { role: 'tabpanel', id: `panel-${lang}`, 'aria-labelledby': `tab-${lang}`, class: `src-panel${i === 0 ? ' active' : ''}` }));
    const list = h('div', { role: 'tablist', class: 'src-tabs', 'aria-label': 'Source language' }, ...this.tabs);
    this.tabs.forEach((tab, i) => {
      tab.addEventListener('click', () => this.select(i));
      tab.addEventListener('keydown', (e) => {
        if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
          const j = (i + (e.key === 'ArrowRight' ? 1 : LANGS.length - 1)) % LANGS.length;
          this.select(j);
          this.tabs[j].focus();
        }
      });
    });
    this.el = h('div', { class: 'sources' }, list, h('div', { class: 'src-panels' }, ...this.panels));
    host.append(this.el);
    const seen = new IntersectionObserver((entries) => {
      for (const e of entries) {
        const i = this.panels.indexOf(e.target as HTMLElement);
        this.visible[i] = e.isIntersecting;
        const line = this.pending[i];
        if (e.isIntersecting && line) { this.pending[i] = null; this.reveal(line); }
      }
    });
    for (const p of this.panels) seen.observe(p);
  }

  private select(i: number): void {
    this.tabs.forEach((t, j) => { t.setAttribute('aria-selected', String(i === j)); t.tabIndex = i === j ? 0 : -1; });
    this.panels.forEach((p, j) => p.classList.toggle('active', i === j));
  }

  /** Puts `box` (the editor) in place of the Python original's highlighted text, or, with null, the
   *  highlighted text back. */
  mountEditor(box: HTMLElement | null): void {
    this.editorBox?.remove();
    this.editorBox = box;
    this.placeEditor();
  }

  /** The editor asked for, in the Python pane once its text has arrived. */
  private placeEditor(): void {
    const code = this.pythonCode;
    const box = this.editorBox;
    if (!code) return;
    code.hidden = box !== null;
    if (this.editBtn) this.editBtn.hidden = box !== null;
    if (box) {
      code.after(box);
      this.select(LANGS.findIndex((l) => l.lang === 'python'));
    } else {
      this.editBtn?.focus();
    }
  }

  show(id: string): void {
    this.shown = id;
    this.editorBox = null;
    this.lastMarks = null;
    this.fill(id, null);
    void loadSource(id).then((src) => { if (this.shown === id) this.fill(id, src); }, () => {
      if (this.shown === id) this.fill(id, {});
    });
  }

  /** Both panes of pattern `id`: its highlighted sources, or (null) a note that they are on their way. */
  private fill(id: string, src: PatternSource | null): void {
    this.marked.clear();
    this.pending = [null, null];
    this.pythonCode = null;
    this.editBtn = null;
    LANGS.forEach(({ lang, label }, i) => {
      const panel = this.panels[i];
      const html = src && (lang === 'cpp' ? src.cpp : src.python);
      const file = lang === 'cpp' ? files[id]?.cppFile : files[id]?.pythonFile;
      const expected = lang === 'cpp' ? `native/patterns/${id.replace(/-/g, '_')}.cpp` : `native/patterns/python/${id}.py`;
      const heading = h('h3', { class: 'src-title' }, label, ' ', h('code', { text: file ?? expected }));
      if (html) {
        const code = h('div', { class: 'src-code' });
        code.innerHTML = html; // build-time Shiki output of a file in this repository
        if (lang === 'python' && this.onEdit) {
          const edit = h('button', { type: 'button', class: 'src-edit', id: 'edit-python', text: 'Edit and run in CPython' });
          edit.title = 'Opens this program in an editor (loads the editor and CPython); the C++ port stays as it is';
          edit.addEventListener('click', () => this.onEdit?.());
          this.pythonCode = code;
          this.editBtn = edit;
          panel.replaceChildren(h('div', { class: 'src-head' }, heading, edit), code);
        } else {
          panel.replaceChildren(heading, code);
        }
        this.lines[i] = [...code.querySelectorAll<HTMLElement>('.line')];
      } else {
        const note = src ? 'Source not available in this build.' : 'Loading the source…';
        panel.replaceChildren(heading, h('p', { class: 'src-missing', text: note }));
        this.lines[i] = [];
      }
      panel.classList.remove('stepping');
    });
    if (!src) return;
    if (this.editorBox) this.placeEditor();
    if (this.lastMarks) this.mark(this.lastMarks);
  }

  /** Marks the lines tasks are suspended at, in C++ and in Python at once; null leaves Step mode. */
  mark(marks: { cpp: LineMarks; python: LineMarks } | null): void {
    this.lastMarks = marks;
    const next = new Map<HTMLElement, string>();
    LANGS.forEach(({ lang }, i) => {
      this.panels[i].classList.toggle('stepping', marks !== null);
      if (!marks) return;
      const lines = this.lines[i];
      let focus: HTMLElement | null = null;
      for (const [line, m] of marks[lang]) {
        const el = lines[line - 1];
        if (!el) continue;
        const key = `${m.label}|${m.ran}|${m.count}`;
        next.set(el, key);
        if (this.marked.get(el) !== key) {
          el.classList.add('step-at');
          el.classList.toggle('step-ran', m.ran);
          el.dataset.tasks = m.label;
          el.title = `${m.names.slice(0, 20).join(', ')}${m.count > 20 ? ` and ${(m.count - 20).toLocaleString('en')} more` : ''} suspended here`;
        }
        if (!focus || (m.ran && !focus.classList.contains('step-ran'))) focus = el;
      }
      if (!focus) return;
      if (this.visible[i]) this.reveal(focus);
      else this.pending[i] = focus;
    });
    for (const el of this.marked.keys()) {
      if (next.has(el)) continue;
      el.classList.remove('step-at', 'step-ran');
      el.removeAttribute('data-tasks');
      el.removeAttribute('title');
    }
    this.marked = next;
    if (!marks) this.pending = [null, null];
  }

  /** Scrolls the line's pane (never the page) so that the line is in view. */
  private reveal(line: HTMLElement): void {
    const pre = line.closest('pre');
    if (!pre) return;
    const top = line.offsetTop; // the pre is the lines' offset parent while stepping (styles.css)
    if (top < pre.scrollTop + 8 || top + line.offsetHeight > pre.scrollTop + pre.clientHeight - 8)
      pre.scrollTop = Math.max(0, top - pre.clientHeight / 3);
  }
}
