// The Python pane's editor: CodeMirror 6 with its Python mode. Imported only when a visitor opens the
// editor (a chunk of its own, fetched together with CPython), so the playground's first load carries
// none of it. Colours are the page's theme variables, so light and dark keep the page's contrast.
// The editor lives in a shadow root: CodeMirror then gives its styles to the browser as a constructed
// style sheet, which the page's CSP (style-src 'self') allows, where a <style> element is refused.
import { EditorView, basicSetup } from 'codemirror';
import { python } from '@codemirror/lang-python';
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { tags as t } from '@lezer/highlight';

const theme = EditorView.theme({
  '&': { backgroundColor: 'var(--code-bg)', color: 'var(--fg)', border: '1px solid var(--border)', borderRadius: '6px', fontSize: '.82rem' },
  '&.cm-focused': { outline: '3px solid var(--focus)', outlineOffset: '2px' },
  // No scroll box of its own: the editor grows with the program (lines wrap), and the page scrolls.
  '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.5' },
  '.cm-content': { caretColor: 'var(--fg)' },
  '.cm-cursor': { borderLeftColor: 'var(--fg)' },
  '.cm-gutters': { backgroundColor: 'var(--code-bg)', color: 'var(--fg-muted)', borderRight: '1px solid var(--border)' },
  '.cm-activeLine, .cm-activeLineGutter': { backgroundColor: 'var(--ed-active)' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection': { backgroundColor: 'var(--ed-selection)' },
  '.cm-matchingBracket': { backgroundColor: 'var(--ed-selection)', outline: '1px solid var(--fg-muted)' },
});

const highlight = HighlightStyle.define([
  { tag: [t.keyword, t.controlKeyword, t.definitionKeyword, t.moduleKeyword, t.operatorKeyword], color: 'var(--ed-keyword)' },
  { tag: [t.string, t.special(t.string)], color: 'var(--ed-string)' },
  { tag: [t.number, t.bool, t.null], color: 'var(--ed-number)' },
  { tag: t.comment, color: 'var(--ed-comment)', fontStyle: 'italic' },
  { tag: [t.function(t.variableName), t.function(t.definition(t.variableName)), t.definition(t.className)], color: 'var(--ed-def)' },
]);

export interface PythonEditor {
  readonly text: string;
  focus(): void;
  destroy(): void;
}

/** An editor under `host` holding `doc`; `onChange` hears every edit's new text. */
export function createEditor(host: HTMLElement, doc: string, label: string, onChange: (text: string) => void): PythonEditor {
  const root = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
  const view = new EditorView({
    doc,
    root,
    parent: root,
    extensions: [
      basicSetup,
      python(),
      theme,
      EditorView.lineWrapping,
      syntaxHighlighting(highlight),
      EditorView.contentAttributes.of({ 'aria-label': label }),
      EditorView.updateListener.of((u) => { if (u.docChanged) onChange(u.state.doc.toString()); }),
    ],
  });
  return {
    get text() { return view.state.doc.toString(); },
    focus: () => view.focus(),
    destroy: () => view.destroy(),
  };
}
