// Emitted at build time by web/build/pattern-sources.ts (Shiki; HTML with colour classes).
declare module 'virtual:pattern-sources' {
  export interface PatternSource {
    /** Highlighted HTML of native/patterns/<id_with_underscores>.cpp, when it exists. */
    cpp?: string;
    /** Highlighted HTML of native/patterns/python/<id>.py, when it exists. */
    python?: string;
    cppFile?: string;
    pythonFile?: string;
  }
  export const sources: Record<string, PatternSource>;
  export default sources;
}
declare module 'virtual:pattern-sources.css';
