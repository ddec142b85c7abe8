"""Prints what a pattern's Python original prints when CPython runs it on the virtual clock.

    python3 python_lines.py <pattern.py> [key=value]...

One line per printed line: the loop time (repr of the float), a tab, the text. The loop is asyncio's
own, with a clock that jumps to the next timer (_trace.run on _steps.StepLoop, the harness the page
runs in Pyodide), so the lines, their order and their times are exact whatever the machine's load:
the oracle of tests/native/test_patterns.cpp. A program that fails exits 1, its traceback on stderr.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../native/patterns/python"))
import _trace  # noqa: E402


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    path = argv[1]
    with open(path, encoding="utf-8") as f:
        source = f.read()
    printed = []

    def emit(event):
        if event["kind"] == "line":
            printed.append(f"{event['t']!r}\t{event['text']}\n")

    result = _trace.run(source, path, argv[2:], emit, "virtual")
    sys.stdout.writelines(printed)
    if result.error:
        sys.stderr.write(result.error + "\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
