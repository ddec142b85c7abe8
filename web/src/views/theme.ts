// Light/dark theme: follows prefers-color-scheme unless the user picked one (remembered in
// localStorage when storage is available).
import { store } from './dom';

export type ThemeChoice = 'auto' | 'light' | 'dark';
const KEY = 'aio-theme';
const listeners = new Set<(t: 'light' | 'dark') => void>();
const media = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
let choice: ThemeChoice = 'auto';

export function resolvedTheme(): 'light' | 'dark' {
  if (choice !== 'auto') return choice;
  return media?.matches ? 'dark' : 'light';
}

function apply(): void {
  const t = resolvedTheme();
  document.documentElement.dataset.theme = t;
  document.documentElement.style.colorScheme = t;
  for (const fn of listeners) fn(t);
}

export function initTheme(override?: 'light' | 'dark' | null, remember = true): void {
  const saved = remember ? store.get(KEY) : null;
  choice = override ?? (saved === 'light' || saved === 'dark' ? saved : 'auto');
  media?.addEventListener('change', () => { if (choice === 'auto') apply(); });
  apply();
}

export function onThemeChange(fn: (t: 'light' | 'dark') => void): void { listeners.add(fn); }
export function themeChoice(): ThemeChoice { return choice; }

export function setTheme(next: ThemeChoice): void {
  choice = next;
  store.set(KEY, next);
  apply();
}

/** A button cycling auto → light → dark. */
export function themeButton(btn: HTMLButtonElement): void {
  const label = () => {
    btn.textContent = `Theme: ${choice}`;
    btn.setAttribute('aria-label', `Colour theme: ${choice} (click to change)`);
  };
  btn.addEventListener('click', () => {
    setTheme(choice === 'auto' ? 'light' : choice === 'light' ? 'dark' : 'auto');
    label();
  });
  label();
}
