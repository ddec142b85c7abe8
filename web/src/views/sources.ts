// C++ source and Python original side by side (tabs on a phone). The HTML comes from Shiki at
// build time (virtual:pattern-sources) — the only innerHTML in the app.
import { sources } from 'virtual:pattern-sources';
import 'virtual:pattern-sources.css';
import { h } from './dom';

type Lang = 'cpp' | 'python';
const LANGS: Array<{ lang: Lang; label: string }> = [{ lang: 'cpp', label: 'C++20' }, { lang: 'python', label: 'Python asyncio' }];

export class SourceView {
  readonly el: HTMLElement;
  private tabs: HTMLButtonElement[];
  private panels: HTMLElement[];
  private pythonCode: HTMLElement | null = null;
  private editBtn: HTMLButtonElement | null = null;
  private editorBox: HTMLElement | null = null;

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
  }

  private select(i: number): void {
    this.tabs.forEach((t, j) => { t.setAttribute('aria-selected', String(i === j)); t.tabIndex = i === j ? 0 : -1; });
    this.panels.forEach((p, j) => p.classList.toggle('active', i === j));
  }

  /** Puts `box` (the editor) in place of the Python original's highlighted text, or, with null, the
   *  highlighted text back. */
  mountEditor(box: HTMLElement | null): void {
    const code = this.pythonCode;
    if (!code) return;
    this.editorBox?.remove();
    this.editorBox = box;
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
    const src = sources[id] ?? {};
    this.editorBox = null;
    this.pythonCode = null;
    this.editBtn = null;
    LANGS.forEach(({ lang, label }, i) => {
      const panel = this.panels[i];
      const html = lang === 'cpp' ? src.cpp : src.python;
      const file = lang === 'cpp' ? src.cppFile : src.pythonFile;
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
      } else {
        panel.replaceChildren(heading, h('p', { class: 'src-missing', text: 'Source not available in this build.' }));
      }
    });
  }
}
