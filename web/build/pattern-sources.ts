// Build-time highlighting of the pattern sources (C++ and the Python original) with Shiki.
// Exposes `virtual:pattern-sources` (each pattern's file names, and loadSource(id) resolving to its
// highlighted HTML {cpp?, python?} from a chunk of its own, `virtual:pattern-source/<id>`: the page
// loads the pattern it shows, not all sixteen) and `virtual:pattern-sources.css` (colour classes for
// light + dark). No highlighter ships to the
// browser, and the HTML carries classes instead of style attributes, so the pages' CSP needs no
// 'unsafe-inline' for styles. Files not written yet are simply omitted. The themes are GitHub's
// "default" ones because every colour of theirs reads at 4.5:1 or more on its background (WCAG AA; the
// older github-light orange is 3.5:1, github-dark's comments 3.0:1): the build checks that, so a theme
// change that breaks it fails here rather than in the accessibility tests.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Plugin, ViteDevServer } from 'vite';
import { createHighlighter } from 'shiki';

const JS_ID = 'virtual:pattern-sources';
const CSS_ID = 'virtual:pattern-sources.css';
const RESOLVED_JS = '\0' + JS_ID;
const RESOLVED_CSS = '\0' + CSS_ID;
const ONE_ID = 'virtual:pattern-source/';
const RESOLVED_ONE = '\0' + ONE_ID;

interface Highlighted { cpp?: string; python?: string; cppFile?: string; pythonFile?: string }

const THEMES = { light: 'github-light-default', dark: 'github-dark-default' } as const;
/** WCAG AA for normal text. */
const MIN_CONTRAST = 4.5;

function luminance(hex: string): number {
  const [r, g, b] = (hex.replace('#', '').slice(0, 6).match(/../g) ?? []).map((x) => {
    const v = parseInt(x, 16) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** Infrastructure files beside the patterns that are not patterns themselves. */
const NOT_PATTERNS = new Set(['registry', 'steps', 'main', 'common', 'util', 'utils']);

function listFiles(dir: string, ext: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(ext) && !f.startsWith('_') && !NOT_PATTERNS.has(f.slice(0, -ext.length)) && !/[._]test\./.test(f))
    .sort();
}

export function patternSources(root: string): Plugin {
  const cppDir = resolve(root, 'native/patterns');
  const pyDir = resolve(root, 'native/patterns/python');
  let cache: { js: string; css: string; one: Map<string, string> } | null = null;
  let serving = false;
  const files: string[] = [];

  async function generate(): Promise<{ js: string; css: string; one: Map<string, string> }> {
    if (cache) return cache;
    files.length = 0;
    const hl = await createHighlighter({ themes: Object.values(THEMES), langs: ['cpp', 'python'] });
    const classes = new Map<string, string>();
    const toClasses = (html: string): string =>
      html.replace(/ style="([^"]*)"/g, (_m, style: string) => {
        let cls = classes.get(style);
        if (!cls) { cls = `sh${classes.size}`; classes.set(style, cls); }
        return ` data-sh="${cls}"`;
      }).replace(/ data-sh="(sh\d+)"/g, (_m, c: string) => ` class="${c}"`)
        // merge duplicate class attributes produced on <pre class="shiki ..." class="shN">
        .replace(/class="([^"]*)"([^>]*?) class="(sh\d+)"/g, 'class="$1 $3"$2');
    const out: Record<string, Highlighted> = {};
    const render = (code: string, lang: 'cpp' | 'python') =>
      toClasses(hl.codeToHtml(code, { lang, themes: THEMES, defaultColor: false }));
    for (const f of listFiles(cppDir, '.cpp')) {
      const id = f.slice(0, -4).replace(/_/g, '-');
      files.push(join(cppDir, f));
      const code = readFileSync(join(cppDir, f), 'utf8');
      (out[id] ??= {}).cpp = render(code, 'cpp');
      out[id].cppFile = `native/patterns/${f}`;
    }
    for (const f of listFiles(pyDir, '.py')) {
      const id = f.slice(0, -3).replace(/_/g, '-');
      files.push(join(pyDir, f));
      const code = readFileSync(join(pyDir, f), 'utf8');
      (out[id] ??= {}).python = render(code, 'python');
      out[id].pythonFile = `native/patterns/python/${f}`;
    }
    const backgrounds = { light: hl.getTheme(THEMES.light).bg, dark: hl.getTheme(THEMES.dark).bg };
    hl.dispose();
    for (const style of classes.keys()) {
      for (const mode of ['light', 'dark'] as const) {
        const fg = new RegExp(`--shiki-${mode}:(#[0-9a-fA-F]{6})`).exec(style)?.[1];
        if (fg && contrast(fg, backgrounds[mode]) < MIN_CONTRAST) {
          throw new Error(`pattern-sources: ${THEMES[mode]} colours code ${fg} on ${backgrounds[mode]} at ` +
            `${contrast(fg, backgrounds[mode]).toFixed(2)}:1, under ${MIN_CONTRAST}:1`);
        }
      }
    }
    // Each style is like "--shiki-light:#24292E;--shiki-dark:#E1E4E8" (plus -bg variants on <pre>).
    let css = '';
    for (const [style, cls] of classes) {
      const decl = style.split(';').filter(Boolean).map((d) => d.trim()).join(';');
      css += `.${cls}{${decl}}\n`;
    }
    css += `.shiki span,.shiki{color:var(--shiki-light);background-color:var(--shiki-light-bg)}\n`;
    css += `:root[data-theme="dark"] .shiki span,:root[data-theme="dark"] .shiki{color:var(--shiki-dark);background-color:var(--shiki-dark-bg)}\n`;
    css += `.shiki span{background-color:transparent}\n`;
    // JSON strings, not object literals: engines parse them several times faster.
    const names: Record<string, { cppFile?: string; pythonFile?: string }> = {};
    const one = new Map<string, string>();
    const loaders: string[] = [];
    for (const [id, { cpp, python, cppFile, pythonFile }] of Object.entries(out)) {
      names[id] = { cppFile, pythonFile };
      one.set(id, `export default JSON.parse(${JSON.stringify(JSON.stringify({ cpp, python }))});\n`);
      loaders.push(`  ${JSON.stringify(id)}: () => import(${JSON.stringify(ONE_ID + id)}),`);
    }
    const js = `export const files = JSON.parse(${JSON.stringify(JSON.stringify(names))});
const loaders = {
${loaders.join('\n')}
};
export function loadSource(id) {
  const load = Object.hasOwn(loaders, id) ? loaders[id] : null;
  return load ? load().then((m) => m.default) : Promise.resolve({});
}
`;
    cache = { js, css, one };
    return cache;
  }

  return {
    name: 'aio-pattern-sources',
    resolveId(id) {
      if (id === JS_ID) return RESOLVED_JS;
      if (id === CSS_ID) return RESOLVED_CSS;
      if (id.startsWith(ONE_ID)) return '\0' + id;
      return null;
    },
    async load(id) {
      if (id !== RESOLVED_JS && id !== RESOLVED_CSS && !id.startsWith(RESOLVED_ONE)) return null;
      const g = await generate();
      // `vite build --watch` rebuilds on edits; the dev server uses its own watcher (configureServer).
      if (!serving) for (const f of files) this.addWatchFile(f);
      if (id === RESOLVED_JS) return g.js;
      if (id === RESOLVED_CSS) return g.css;
      const one = g.one.get(id.slice(RESOLVED_ONE.length));
      if (one === undefined) throw new Error(`pattern-sources: no pattern ${id.slice(RESOLVED_ONE.length)}`);
      return one;
    },
    configureServer(server: ViteDevServer) {
      serving = true;
      const onChange = (file: string) => {
        if (!file.startsWith(cppDir)) return;
        cache = null;
        for (const mod of server.moduleGraph.idToModuleMap.values())
          if (mod.id === RESOLVED_JS || mod.id === RESOLVED_CSS || mod.id?.startsWith(RESOLVED_ONE))
            server.moduleGraph.invalidateModule(mod);
        server.ws.send({ type: 'full-reload' });
      };
      server.watcher.add(cppDir);
      server.watcher.on('add', onChange).on('change', onChange).on('unlink', onChange);
    },
  };
}
