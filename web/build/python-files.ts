// The Python side of the page, served from the page's own host and fetched only when a visitor asks
// for a CPython run:
//  - `virtual:pattern-python`: the text of every file of native/patterns/python/ (the originals the
//    Python pane shows, and the harness modules beside them: _params.py, _steps.py, _trace.py), and the
//    byte sizes of Pyodide's runtime files (for the download's progress bar). Only the lazily loaded
//    Python engine imports it, so it is not part of the playground's first load.
//  - Pyodide's runtime files (the npm package's, untouched) under `pyodide/` in the build, and at
//    `/pyodide/` from the dev server: nothing comes from a CDN.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import type { Plugin } from 'vite';

const JS_ID = 'virtual:pattern-python';
const RESOLVED = '\0' + JS_ID;

/** What loadPyodide() fetches for a bare interpreter (no packages). */
export const PYODIDE_FILES = ['pyodide.mjs', 'pyodide.asm.mjs', 'pyodide.asm.wasm', 'python_stdlib.zip', 'pyodide-lock.json'];
export const PYODIDE_DIR = 'pyodide';

const TYPES: Record<string, string> = {
  '.mjs': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm', '.zip': 'application/zip', '.json': 'application/json',
};

function pyodidePackageDir(root: string): string {
  const require = createRequire(join(root, 'package.json'));
  return resolve(require.resolve('pyodide/package.json'), '..');
}

export function pythonFiles(root: string): Plugin {
  const pyDir = resolve(root, 'native/patterns/python');
  const pkg = pyodidePackageDir(root);
  return {
    name: 'aio-python-files',
    resolveId(id) {
      return id === JS_ID ? RESOLVED : null;
    },
    load(id) {
      if (id !== RESOLVED) return null;
      const files: Record<string, string> = {};
      if (existsSync(pyDir)) {
        for (const f of readdirSync(pyDir).filter((n) => n.endsWith('.py')).sort()) {
          const path = join(pyDir, f);
          this.addWatchFile(path);
          files[f] = readFileSync(path, 'utf8');
        }
      }
      const sizes = Object.fromEntries(PYODIDE_FILES.map((f) => [f, statSync(join(pkg, f)).size]));
      return `export const files = ${JSON.stringify(files)};\nexport const pyodideSizes = ${JSON.stringify(sizes)};\n`;
    },
    configureServer(server) {
      server.middlewares.use(`/${PYODIDE_DIR}/`, (req, res, next) => {
        const name = (req.url ?? '').split('?')[0].replace(/^\//, '');
        if (!PYODIDE_FILES.includes(name)) { next(); return; }
        const ext = name.slice(name.lastIndexOf('.'));
        res.setHeader('content-type', TYPES[ext] ?? 'application/octet-stream');
        res.end(readFileSync(join(pkg, name)));
      });
    },
    generateBundle() {
      for (const f of PYODIDE_FILES) {
        this.emitFile({ type: 'asset', fileName: `${PYODIDE_DIR}/${f}`, source: readFileSync(join(pkg, f)) });
      }
    },
  };
}
