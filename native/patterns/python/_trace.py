"""Runs a pattern's Python original and records its tasks as the page's trace events.

    python3 _trace.py gather.py [--clock virtual|real] [key=value]...

prints one JSON object per event, in the shape of the C++ trace (native/include/aio/trace.hpp and the
page's TraceEvent): {"kind": "task", "t", "id", "state", "name"?, "parent"?, "detail"?}, {"kind": "job",
"t", "id", "state", "name"?, "task"?, "worker"?} and {"kind": "line", "t", "text", "task"?}.
The page runs the same module in CPython compiled to WebAssembly (Pyodide), calling run() directly.

The events come from CPython's own task machinery: every task is the pure-Python asyncio Task, whose
steps run as handles of the loop; a step starts ("running") when the loop runs the handle and ends in
"sleeping" (waiting on a sleep's timer), "waiting" (on anything else) or done, cancelled or failed.

On the virtual clock the loop is _steps.StepLoop (asyncio's own loop with a clock that jumps to the
next timer, shared with the step record), time.time() and time.perf_counter() read its clock, and the
run takes no time. On the real clock the platform's loop runs (Pyodide's is the browser's event loop),
with sleeps scaled by the time scale and the clocks reading pattern seconds.

Threads: Pyodide cannot start any, so executor jobs run inline, on the loop's thread, when submitted
(an InlineExecutor stands in for concurrent.futures.ThreadPoolExecutor during the run); time.sleep in a
job advances the virtual clock. Natively the same holds, so the two runs agree.
"""
import asyncio
import concurrent.futures
import io
import itertools
import json
import linecache
import os
import sys
import time
import traceback
from asyncio import events, tasks as tasks_mod

import _steps
from _steps import StepLoop

_current_task = getattr(tasks_mod, "_py_current_task", asyncio.current_task)


class InlineExecutor(concurrent.futures.Executor):
    """Runs each job at once on the calling thread; the job's future is done when submit returns."""

    def __init__(self, max_workers=None, *args, **kwargs):
        self._shutdown = False

    def submit(self, fn, /, *args, **kwargs):
        if self._shutdown:
            raise RuntimeError("cannot schedule new futures after shutdown")
        fut = concurrent.futures.Future()
        rec = _active
        job = rec.job_started(fn) if rec else None
        try:
            result = fn(*args, **kwargs)
        except BaseException as e:
            if rec:
                rec.job_ended(job, e)
            fut.set_exception(e)
        else:
            if rec:
                rec.job_ended(job, None)
            fut.set_result(result)
        return fut

    def shutdown(self, wait=True, *, cancel_futures=False):
        self._shutdown = True


class _Inert:
    """StepLoop's recorder when no step record is wanted: the loop only reports the tasks it creates."""

    active = False

    def __init__(self, created):
        self.created = created


_active = None  # the Recorder of the run in progress (InlineExecutor reports its jobs to it)


class Recorder:
    def __init__(self, emit, clock):
        self.emit = emit
        self.clock = clock  # () -> the run's time in pattern seconds
        self.ids = {}  # task -> id, 1 for the first
        self.next_job = itertools.count(1)
        self.loop = None
        self.main = None  # the first task of the latest loop: what a stop cancels
        self.out = ""

    def event(self, **ev):
        self.emit(ev)

    def task_id(self, task):
        return self.ids.get(task)

    def current(self):
        try:
            # The pure-Python tasks enter and leave through the Python bookkeeping, which 3.12+ keeps
            # apart from the C one that asyncio.current_task reads.
            task = _current_task()
        except RuntimeError:
            return None
        return self.ids.get(task)

    # -- tasks ------------------------------------------------------------------------------------
    def created(self, task):
        if task in self.ids:
            return
        parent = self.current()
        if parent is None:
            if self.main is not None and self.main.get_loop() is task.get_loop():
                return  # asyncio.run's own shutdown tasks, after the program's main task: not the program's
            self.main = task
        tid = self.ids[task] = len(self.ids) + 1
        ev = {"kind": "task", "t": self.clock(), "id": tid, "state": "created", "name": task.get_name()}
        if parent is not None:
            ev["parent"] = parent
        self.emit(ev)

    def step(self, task, run):
        tid = self.ids.get(task)
        if tid is None or task.done():
            return run()
        self.event(kind="task", t=self.clock(), id=tid, state="running")
        try:
            return run()
        finally:
            self.stepped(task, tid)

    def stepped(self, task, tid):
        t = self.clock()
        if task.done():
            if task.cancelled():
                self.event(kind="task", t=t, id=tid, state="cancelled")
            elif task.exception() is not None:
                e = task.exception()
                self.event(kind="task", t=t, id=tid, state="failed", detail=f"{type(e).__name__}: {e}")
            else:
                self.event(kind="task", t=t, id=tid, state="done")
            return
        waiter = task._fut_waiter
        if waiter is None:
            return  # it yielded to the loop (a bare `await asyncio.sleep(0)`): ready again
        if self.sleeping_on(waiter):
            self.event(kind="task", t=t, id=tid, state="sleeping", detail="sleep")
        else:
            on = self.ids.get(waiter)
            detail = f"task {on}" if on is not None else type(waiter).__name__.lstrip("_")
            self.event(kind="task", t=t, id=tid, state="waiting", detail=detail)

    def sleeping_on(self, fut):
        loop = fut.get_loop()
        for h in getattr(loop, "_scheduled", ()):
            if not h._cancelled and h._args and h._args[0] is fut:
                return True
        # A loop without a visible timer heap (the browser's): a sleep's future has one callback less.
        cb = getattr(fut, "_callbacks", None) or []
        return any(getattr(c[0] if isinstance(c, tuple) else c, "__name__", "") == "_set_result_unless_cancelled" for c in cb)

    # -- executor jobs ----------------------------------------------------------------------------
    def job_started(self, fn):
        jid = next(self.next_job)
        name = getattr(fn, "__name__", type(fn).__name__)
        ev = {"kind": "job", "t": self.clock(), "id": jid, "state": "queued", "name": name}
        submitter = self.current()
        if submitter is not None:
            ev["task"] = submitter
        self.emit(ev)
        self.event(kind="job", t=self.clock(), id=jid, state="running", worker=0)
        return jid

    def job_ended(self, jid, error):
        if error is None:
            self.event(kind="job", t=self.clock(), id=jid, state="done")
        else:
            self.event(kind="job", t=self.clock(), id=jid, state="failed", detail=f"{type(error).__name__}: {error}")

    # -- output -----------------------------------------------------------------------------------
    def write(self, text):
        self.out += text
        *lines, self.out = self.out.split("\n")
        for line in lines:
            self.line(line)
        return len(text)

    def line(self, text):
        ev = {"kind": "line", "t": self.clock(), "text": text}
        task = self.current()
        if task is not None:
            ev["task"] = task
        self.emit(ev)

    def flush_output(self):
        if self.out:
            self.line(self.out)
            self.out = ""


class _Stdout(io.TextIOBase):
    def __init__(self, recorder):
        self.recorder = recorder

    def writable(self):
        return True

    def write(self, text):
        return self.recorder.write(text)


class _TracingTask(tasks_mod._PyTask):
    """The pure-Python Task, reporting its creation (every loop creates tasks through it)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if _active is not None:
            _active.created(self)


def _task_factory(loop, coro, **kwargs):
    return _TracingTask(coro, loop=loop, **kwargs)


def _shutdown_inline(loop):
    async def shutdown_default_executor(timeout=None):
        # BaseEventLoop's version waits for a thread it starts; an inline executor has nothing to wait for.
        loop._executor_shutdown_called = True
        if loop._default_executor is not None:
            loop._default_executor.shutdown(wait=False)
    return shutdown_default_executor


class Result:
    def __init__(self):
        self.elapsed = 0.0
        self.error = None  # the traceback's text when the program raised
        self.cancelled = False


def run(source, filename, argv, emit, clock="virtual", time_scale=1.0):
    """Runs `source` (a pattern's Python original, or an edited copy, named `filename`) with `argv`
    (key=value strings) on `clock`; calls emit(event) for every trace event. Returns a Result."""
    global _active
    result = Result()
    virtual = clock == "virtual"
    loops = []
    t0 = time.monotonic()

    def now():
        if virtual:
            return loops[-1].time() if loops else 0.0
        return (time.monotonic() - t0) / time_scale

    rec = Recorder(emit, now)
    saved = {
        "run": events.Handle._run,
        "policy": asyncio.get_event_loop_policy(),
        "time": time.time,
        "perf_counter": time.perf_counter,
        "sleep": time.sleep,
        "argv": sys.argv,
        "stdout": sys.stdout,
        "pool": concurrent.futures.ThreadPoolExecutor,
        "counter": tasks_mod._task_name_counter,
        "asyncio_run": asyncio.run,
        "running": events._get_running_loop(),
    }
    real_sleep = time.sleep

    def handle_run(self):
        owner = getattr(self._callback, "__self__", None)
        if isinstance(owner, tasks_mod._PyTask):
            return rec.step(owner, lambda: saved["run"](self))
        return saved["run"](self)

    def new_loop():
        if virtual:
            loop = StepLoop(_Inert(rec.created))
            # A second asyncio.run (executor.py) goes on from the first one's time, as one C++ loop does.
            loop._steps_now = loops[-1].time() if loops else 0.0
        else:
            loop = saved["policy"].new_event_loop()
            if time_scale != 1.0:
                _scale(loop, time_scale)
        loop.set_task_factory(_task_factory)
        loop.shutdown_default_executor = _shutdown_inline(loop)
        loops.append(loop)
        rec.loop = loop
        return loop

    class Policy(type(saved["policy"])):
        def new_event_loop(self):
            return new_loop()

    def run_program(main, *, debug=None, loop_factory=None):
        # asyncio.run on a loop of ours (Pyodide's own asyncio.run would take the browser's loop).
        with asyncio.Runner(debug=debug, loop_factory=new_loop) as runner:
            return runner.run(main)

    def sleep(seconds):
        if virtual and loops:
            loops[-1]._steps_now += seconds
        else:
            real_sleep(seconds * time_scale)

    events.Handle._run = handle_run
    asyncio.set_event_loop_policy(Policy())
    if virtual:
        # Under Pyodide the browser's loop counts as running; the program's loop runs inside it.
        events._set_running_loop(None)
        asyncio.run = run_program
    else:
        # The platform's asyncio.run, whichever loop it takes (Pyodide: the browser's), with traced tasks.
        try:
            host_loop = events.get_event_loop()
        except RuntimeError:
            host_loop = None
        if host_loop is not None:
            saved["host_factory"] = (host_loop, host_loop.get_task_factory())
            host_loop.set_task_factory(_task_factory)
            if time_scale != 1.0:
                _scale(host_loop, time_scale)
            loops.append(host_loop)
    time.time = time.perf_counter = now
    time.sleep = sleep
    sys.argv = [filename] + list(argv)
    sys.stdout = _Stdout(rec)
    concurrent.futures.ThreadPoolExecutor = InlineExecutor
    tasks_mod._task_name_counter = itertools.count(1).__next__  # Task-1 is the first task, as in a fresh process
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)  # tracebacks quote this text
    _active = rec
    undo_current_task = _steps.patch_current_task()
    try:
        exec(compile(source, filename, "exec"), {"__name__": "__main__", "__file__": filename})
    except (KeyboardInterrupt, asyncio.CancelledError) as e:
        result.cancelled = True
        if not isinstance(e, asyncio.CancelledError):
            raise
    except BaseException as e:
        if isinstance(e, SystemExit) and e.code in (None, 0):
            pass
        else:
            result.error = _traceback(e, filename)
    finally:
        undo_current_task()
        _active = None
        rec.flush_output()
        result.elapsed = now()
        sys.stdout = saved["stdout"]
        events.Handle._run = saved["run"]
        asyncio.set_event_loop_policy(saved["policy"])
        time.time, time.perf_counter, time.sleep = saved["time"], saved["perf_counter"], saved["sleep"]
        sys.argv = saved["argv"]
        concurrent.futures.ThreadPoolExecutor = saved["pool"]
        tasks_mod._task_name_counter = saved["counter"]
        linecache.cache.pop(filename, None)
        asyncio.run = saved["asyncio_run"]
        if virtual:
            events._set_running_loop(saved["running"])
        elif "host_factory" in saved:
            host_loop, factory = saved["host_factory"]
            host_loop.set_task_factory(factory)
            for name in ("time", "call_later", "call_at"):
                host_loop.__dict__.pop(name, None)
    return result


def stop():
    """Cancels the running program's current main task (real clock: called between the loop's steps)."""
    rec = _active
    if rec is None or rec.main is None or rec.main.done():
        return False
    rec.main.cancel()
    return True


def _scale(loop, scale):
    """Sleeps last `scale` times as long; the loop's clock reads pattern seconds."""
    base_time, base_later = loop.time, loop.call_later
    loop.time = lambda: base_time() / scale
    loop.call_later = lambda delay, callback, *args, context=None: base_later(delay * scale, callback, *args, context=context)
    loop.call_at = lambda when, callback, *args, context=None: loop.call_later(when - loop.time(), callback, *args, context=context)


_HARNESS = {os.path.abspath(__file__), os.path.abspath(_steps.__file__)}


def _traceback(e, filename):
    """Python's traceback of `e`, from the program's first frame on, without the harness's own frames
    (asyncio's stay, as a plain `python3 program.py` shows them)."""
    te = traceback.TracebackException.from_exception(e)
    stack = te.stack
    first = next((i for i, f in enumerate(stack) if f.filename == filename), 0)
    te.stack = traceback.StackSummary.from_list([f for f in stack[first:] if os.path.abspath(f.filename) not in _HARNESS])
    return "".join(te.format()).rstrip("\n")


def main(argv):
    args = argv[1:]
    clock = "virtual"
    if len(args) >= 3 and args[1] == "--clock":
        clock = args[2]
        del args[1:3]
    if not args:
        sys.stderr.write("usage: python3 _trace.py <pattern.py> [--clock virtual|real] [key=value]...\n")
        return 2
    path = args[0]
    with open(path, encoding="utf-8") as f:
        source = f.read()
    out = sys.stdout

    def emit(ev):
        out.write(json.dumps(ev, separators=(",", ":")) + "\n")

    r = run(source, path, args[1:], emit, clock)
    if r.error:
        sys.stderr.write(r.error + "\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
