// Comparing the C++ run's output with CPython's: pure functions, unit-tested under node.

/**
 * @param {readonly string[]} cpp  the C++ run's lines
 * @param {readonly string[]} py   the CPython run's lines
 * @returns {{ identical: true, lines: number } | { identical: false, line: number, cpp: string | null, py: string | null }}
 *   `line` is the 0-based index of the first line that differs (a missing line is null)
 */
export function compareLines(cpp, py) {
  const n = Math.max(cpp.length, py.length);
  for (let i = 0; i < n; i++) {
    if (cpp[i] !== py[i]) return { identical: false, line: i, cpp: cpp[i] ?? null, py: py[i] ?? null };
  }
  return { identical: true, lines: n };
}
