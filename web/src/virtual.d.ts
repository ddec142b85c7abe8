// Emitted at build time by web/build/pattern-sources.ts (Shiki; HTML with colour classes).
declare module 'virtual:pattern-sources' {
  export interface PatternSource {
    /** Highlighted HTML of native/patterns/<id_with_underscores>.cpp, when it exists. */
    cpp?: string;
    /** Highlighted HTML of native/patterns/python/<id>.py, when it exists. */
    python?: string;
  }
  /** Each pattern's two file names, as paths in the repository. */
  export const files: Record<string, { cppFile?: string; pythonFile?: string }>;
  /** The pattern's highlighted sources, from a chunk of their own ({} for an unknown id). */
  export function loadSource(id: string): Promise<PatternSource>;
}
declare module 'virtual:pattern-sources.css';
// Emitted by web/build/python-files.ts: loaded only with the Python engine.
declare module 'virtual:pattern-python' {
  /** Every file of native/patterns/python/, by name ("gather.py", "_params.py", ...). */
  export const files: Record<string, string>;
  /** Bytes of each of Pyodide's runtime files, by name. */
  export const pyodideSizes: Record<string, number>;
}
