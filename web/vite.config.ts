import { defineConfig, type Plugin } from 'vite';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { patternSources } from './build/pattern-sources.ts';
import { pythonFiles } from './build/python-files.ts';

const webDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(webDir, '..');

/** The CSP meta tag is for the built pages; the dev server needs inline/ws for HMR, so drop it there. */
function devDropCsp(): Plugin {
  return {
    name: 'aio-dev-drop-csp',
    apply: 'serve',
    transformIndexHtml(html) {
      return html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>\s*/i, '');
    },
  };
}

/** Both pages start fetching the scheduler's .wasm while their scripts still load and parse
 *  (the fetch in engine/loader.ts then takes the preloaded response), instead of after them. */
function preloadWasm(): Plugin {
  return {
    name: 'aio-preload-wasm',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const wasm = Object.values(ctx.bundle ?? {}).find((f) => f.fileName.endsWith('.wasm'));
        if (!wasm) return [];
        return [{
          tag: 'link',
          attrs: { rel: 'preload', href: `./${wasm.fileName}`, as: 'fetch', type: 'application/wasm', crossorigin: '' },
          injectTo: 'head',
        }];
      },
    },
  };
}

export default defineConfig({
  root: webDir,
  base: './',
  publicDir: false,
  plugins: [patternSources(process.env.AIO_PATTERNS_ROOT || repoRoot), pythonFiles(process.env.AIO_PATTERNS_ROOT || repoRoot), devDropCsp(), preloadWasm()],
  worker: { format: 'es' },
  server: { fs: { allow: [repoRoot] } },
  build: {
    outDir: resolve(webDir, 'dist'),
    emptyOutDir: true,
    // No data: URLs (the CSP allows only 'self'); everything ships as a file.
    assetsInlineLimit: 0,
    target: 'es2022',
    rollupOptions: {
      input: {
        index: resolve(webDir, 'index.html'),
        embed: resolve(webDir, 'embed.html'),
        bench: resolve(webDir, 'bench.html'),
      },
    },
  },
});
