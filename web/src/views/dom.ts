// Tiny DOM helper: every string becomes a text node (never HTML).
type Attrs = Record<string, string | boolean | number | undefined | null>;
type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = String(v);
    else if (k === 'text') el.textContent = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

export function $(sel: string, root: ParentNode = document): HTMLElement {
  const el = root.querySelector<HTMLElement>(sel);
  if (!el) throw new Error(`missing element ${sel}`);
  return el;
}

/** Storage may be blocked (sandboxed iframes, privacy modes): every access is guarded. */
export const store = {
  get(key: string): string | null {
    try { return window.localStorage.getItem(key); } catch { return null; }
  },
  set(key: string, value: string): void {
    try { window.localStorage.setItem(key, value); } catch { /* blocked: keep in memory only */ }
  },
};

/** Notices and errors: a list of text messages in a live region. */
export function showMessages(box: HTMLElement, errors: readonly string[], notices: readonly string[] = []): void {
  box.replaceChildren(
    ...errors.map((m) => h('p', { class: 'msg msg-error', text: m })),
    ...notices.map((m) => h('p', { class: 'msg msg-notice', text: m })),
  );
  box.hidden = errors.length + notices.length === 0;
}
