import { defineConfig, type Plugin } from 'vite';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { patternSources } from './build/pattern-sources.ts';

const webDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(webDir, '..');

/**
 * The pages import `createEngine` from './engine' (web/src/engine/index.ts, written by the engine
 * team). While that file does not exist — or when AIO_ENGINE=fake is set — the import is served by
 * the development fake in web/src/dev/shim/engine/index.ts. Delete web/src/dev/ and this plugin
 * once the real engine is in place.
 */
function engineSelect(): Plugin {
  const engineDir = resolve(webDir, 'src/engine');
  const real = resolve(engineDir, 'index.ts');
  const fake = resolve(webDir, 'src/dev/shim/engine/index.ts');
  let useFake = false;
  return {
    name: 'aio-engine-select',
    enforce: 'pre',
    buildStart() {
      useFake = process.env.AIO_ENGINE === 'fake' || !existsSync(real);
      if (useFake) this.warn(`using the FAKE engine (${existsSync(real) ? 'AIO_ENGINE=fake' : 'web/src/engine/index.ts missing'})`);
    },
    resolveId(source, importer) {
      if (!useFake || !importer || !source.startsWith('.')) return null;
      const target = resolve(dirname(importer), source);
      if (target === engineDir || target === real || target === resolve(engineDir, 'index')) return fake;
      return null;
    },
  };
}

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

export default defineConfig({
  root: webDir,
  base: './',
  publicDir: false,
  plugins: [engineSelect(), patternSources(process.env.AIO_PATTERNS_ROOT || repoRoot), devDropCsp()],
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
      },
    },
  },
});
