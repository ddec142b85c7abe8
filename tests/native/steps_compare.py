"""Compares the step records of the C++ port (aio-patterns run <id> --steps) with CPython's (_steps.py).

    python3 steps_compare.py cpp.jsonl python.jsonl [--sets]

Prints "ok", or the first difference. Equal must be: the iterations recorded, their times, the tasks
that ran and their order, the printed lines, and every task's py_line. Compared too, where the two
loops agree by construction: the tasks' names and states (CPython's "pending" - woken by a callback
still queued - is the port's "ready", since the port wakes tasks directly), what a waiting task awaits
when it awaits a task or a gather, and a sleeping task's wake time. Not compared: callbacks (asyncio
runs one per gather child, the port one per gather), ready (asyncio queues callbacks the port does not
have), timers (a cancelled sleep leaves its handle in asyncio's heap until the task runs), cpp_line and
result (the port's values are C++ values).
Times are equal to within a nanosecond (the port's clock counts nanoseconds, CPython's adds floats).
--sets: the Python original iterates a set of tasks (as_completed makes its tasks from one, wait.py
cancels its `pending` set), whose order depends on addresses: the Python task names are first mapped
to the C++ ones by each task's sequence of (py_line, state), and `ran` is compared as a multiset.
"""
import json
import sys


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def signature(records, name):
    return tuple(next((t["py_line"], t["state"]) for t in r["tasks"] if t["name"] == name) for r in records
                 if any(t["name"] == name for t in r["tasks"]))


def renaming(cpp, py):
    names = [t["name"] for t in py[-1]["tasks"]]
    cpp_names = [t["name"] for t in cpp[-1]["tasks"]]
    free = list(cpp_names)
    out = {}
    for n in names:
        sig = signature(py, n)
        match = next((c for c in free if signature(cpp, c) == sig), None)
        if match is None:
            return None
        free.remove(match)
        out[n] = match
    return out


def state(s):
    return "ready" if s == "pending" else s


def close(a, b):
    return a is None and b is None or a is not None and b is not None and abs(a - b) <= 1e-9 * max(1.0, abs(b))


def compare(cpp, py, sets):
    if sets:
        names = renaming(cpp, py)
        if names is None:
            return "no renaming of the Python tasks matches the C++ ones"
        for r in py:
            r["ran"] = [names.get(n, n) for n in r["ran"]]
            for t in r["tasks"]:
                t["name"] = names[t["name"]]
                if t["awaiting"] in names:
                    t["awaiting"] = names[t["awaiting"]]
            r["tasks"].sort(key=lambda t: int(t["name"].split("-")[1]))
    if len(cpp) != len(py):
        its = lambda rs: [r["iteration"] for r in rs]
        return f"{len(cpp)} C++ records, {len(py)} Python records: iterations {its(cpp)} / {its(py)}"
    for c, p in zip(cpp, py):
        where = f"iteration {p['iteration']}"
        if c["iteration"] != p["iteration"] or not close(c["time"], p["time"]):
            return f"{where}: iteration/time {c['iteration']}/{c['time']} != {p['iteration']}/{p['time']}"
        if (sorted(c["ran"]) != sorted(p["ran"])) if sets else (c["ran"] != p["ran"]):
            return f"{where}: ran {c['ran']!r} != {p['ran']!r}"
        if c["printed"] != p["printed"]:
            return f"{where}: printed {c['printed']!r} != {p['printed']!r}"
        ct = [t for t in c["tasks"] if " (job " not in t["name"]]  # the executor's jobs
        if len(ct) != len(p["tasks"]):
            return f"{where}: tasks {[t['name'] for t in ct]} != {[t['name'] for t in p['tasks']]}"
        for a, b in zip(ct, p["tasks"]):
            w = f"{where}, {b['name']}"
            if a["name"] != b["name"]:
                return f"{where}: task {a['name']} != {b['name']}"
            if a["py_line"] != b["py_line"]:
                return f"{w}: py_line {a['py_line']} != {b['py_line']}"
            if state(a["state"]) != state(b["state"]):
                return f"{w}: state {a['state']} != {b['state']}"
            if b["awaiting"] not in (None, "future") and a["awaiting"] != b["awaiting"]:
                return f"{w}: awaiting {a['awaiting']} != {b['awaiting']}"
            if not close(a["until"], b["until"]):
                return f"{w}: until {a['until']} != {b['until']}"
    return "ok"


def main(argv):
    sets = "--sets" in argv
    paths = [a for a in argv[1:] if a != "--sets"]
    print(compare(load(paths[0]), load(paths[1]), sets))


if __name__ == "__main__":
    main(sys.argv)
