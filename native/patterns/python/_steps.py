"""Runs a pattern's Python original on a virtual clock and prints one JSON record per loop iteration.

    python3 _steps.py gather.py users=3 delay=0.5

The record is the one `aio-patterns run <id> --steps` prints for the C++ port (see
native/include/aio/steps.hpp), built here from CPython's own machinery:
  {"iteration", "time", "ran", "callbacks", "printed", "ready", "timers", "tasks"}
An iteration is one call of the loop's _run_once; a record is printed for every iteration in which a
task step or a callback ran. The clock jumps to the next timer instead of waiting, so the run is instant
and its times exact; time.time() reads the same clock (timing.py measures with it).

Only the standard library, and nothing of the file system but the pattern's source: the same file runs
under Pyodide (no threads: the executor pattern is not stepped there), where run_steps(source,
filename, argv, emit) is called directly (the playground's Step mode, "CPython too").
The records end with the iteration in which run_until_complete stops the loop (the one after the main
task finished); what asyncio.run does afterwards (cancelling leftovers, shutting down the default
executor) creates tasks of its own and is not part of the pattern. Output printed after the loop
(chaining.py prints asyncio.run's result) belongs to the last record: the C++ port prints it from the
main task. Tasks are the pure-Python asyncio Task (the same behaviour as the C one), whose steps are
bound methods that name their task. A script that calls asyncio.run twice (executor.py) is recorded
for its first run only.
"""
import asyncio
import heapq
import io
import itertools
import json
import os
import sys
import threading
import time
from asyncio import base_events, events, tasks as tasks_mod


class _VirtualSelector:
    """The loop's selector without any I/O: select(timeout) advances the virtual clock by the timeout
    instead of waiting. Only executor jobs (threads, natively) can wake an idle loop with no timer."""

    def __init__(self, loop):
        self.loop = loop
        self.wake = threading.Event()

    def select(self, timeout=None):
        if timeout is None:
            if self.loop._steps_external == 0 and threading.active_count() == 1:
                raise RuntimeError("the event loop stalled: nothing is ready and no timer is set")
            self.wake.wait()
        elif timeout > 0:
            # To the next deadline exactly (now + timeout would round).
            self.loop._steps_now = self.loop._scheduled[0]._when
        self.wake.clear()
        return []

    def close(self):
        pass


class _OrderedTimerHandle(asyncio.TimerHandle):
    """Orders equal deadlines by scheduling order. On the real clock no two deadlines are equal (each is
    read from time.monotonic()), so timers fire in the order they were set; frozen virtual time would
    otherwise leave equal deadlines to the heap's arbitrary order."""

    __slots__ = ("_seq",)
    _counter = itertools.count()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._seq = next(self._counter)

    def __lt__(self, other):
        return (self._when, self._seq) < (other._when, other._seq)

    def __le__(self, other):
        return (self._when, self._seq) <= (other._when, other._seq)

    def __gt__(self, other):
        return (self._when, self._seq) > (other._when, other._seq)

    def __ge__(self, other):
        return (self._when, self._seq) >= (other._when, other._seq)


def _short(value, limit=60):
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class StepLoop(base_events.BaseEventLoop):
    """asyncio's own loop (BaseEventLoop: its _run_once, ready queue and timer heap) with a virtual
    clock and no I/O, recording every iteration. No sockets, so Pyodide runs it too."""

    def __init__(self, recorder):
        super().__init__()
        self._selector = _VirtualSelector(self)
        self._steps_now = 0.0
        self._steps_external = 0
        self._steps = recorder
        self._clock_resolution = 1e-9

    def time(self):
        return self._steps_now

    def _process_events(self, event_list):
        pass

    def _write_to_self(self):
        self._selector.wake.set()

    def call_at(self, when, callback, *args, context=None):
        # base_events.BaseEventLoop.call_at, with the ordered handle.
        self._check_closed()
        timer = _OrderedTimerHandle(when, callback, args, self, context)
        if timer._source_traceback:
            del timer._source_traceback[-1]
        heapq.heappush(self._scheduled, timer)
        timer._scheduled = True
        return timer

    def create_task(self, coro, *, name=None, context=None):
        # The pure-Python Task, so that a handle's callback names its task (Task.__step is a bound method).
        self._check_closed()
        task = tasks_mod._PyTask(coro, loop=self, name=name, context=context)
        if task._source_traceback:
            del task._source_traceback[-1]
        self._steps.created(task)
        return task

    def run_in_executor(self, executor, func, *args):
        self._steps_external += 1
        fut = super().run_in_executor(executor, func, *args)

        def _steps_release(_):
            self._steps_external -= 1

        fut.add_done_callback(_steps_release)
        return fut

    def _run_once(self):
        rec = self._steps
        if not rec.active:
            return super()._run_once()
        rec.begin()
        try:
            super()._run_once()
        finally:
            rec.end(self)
            # The iteration that ran run_until_complete's stop is the last of the main task's run;
            # what asyncio.run does afterwards (cancelling leftovers, shutting down) is not recorded.
            if self._stopping:
                rec.active = False


class Recorder:
    def __init__(self, pattern_file, emit):
        self.pattern_file = pattern_file
        self.emit = emit
        self.tasks = []  # every task, in creation order
        self.main = None
        self.active = True
        self.iteration = 0
        self.ran = []
        self.callbacks = []
        self.out = io.StringIO()
        self.held = None  # the latest record, held back: output printed after the run belongs to it

    # -- collection -------------------------------------------------------------------------------
    def created(self, task):
        if self.main is None:
            self.main = task
        self.tasks.append(task)

    def begin(self):
        self.iteration += 1
        self.ran = []
        self.callbacks = []

    def handle_ran(self, handle):
        if not self.active:
            return
        cb = handle._callback
        owner = getattr(cb, "__self__", None)
        if isinstance(owner, tasks_mod._PyTask):
            self.ran.append(owner.get_name())
            return
        label = self.callback_label(handle)
        if label is not None:
            self.callbacks.append(label)

    def callback_label(self, handle):
        cb = handle._callback
        name = getattr(cb, "__qualname__", getattr(cb, "__name__", type(cb).__name__))
        if name.endswith("_run_until_complete_cb") or "_steps_release" in name:
            return None  # asyncio.run's own machinery (and this file's), which the C++ port has none of
        if name.endswith("_set_result_unless_cancelled"):
            fut = handle._args[0]
            return "timer fired for " + (self.waiter_of(fut) or "a future")
        if "gather" in name:
            return "gather: child done"
        if "TaskGroup" in name:
            return "task group: child done"
        if "as_completed" in name:
            return "as_completed: child done"
        if "_release_waiter" in name:
            return "wait: timeout"
        if "wait" in name:
            return "wait: child done"
        if "_call_check_cancel" in name or "_chain_future" in name or "_call_set_state" in name:
            return "executor: job done"
        return name.split(".")[-1]

    def waiter_of(self, fut):
        for t in self.tasks:
            if getattr(t, "_fut_waiter", None) is fut:
                return t.get_name()
        return None

    # -- the record -------------------------------------------------------------------------------
    def printed_lines(self):
        text = self.out.getvalue()
        lines = text.split("\n")
        self.out = io.StringIO()
        self.out.write(lines[-1])  # an unfinished line waits for its end
        return lines[:-1]

    def end(self, loop):
        if not (self.ran or self.callbacks):
            self.printed_lines()  # nothing ran: nothing can have printed
            return
        record = {
            "iteration": self.iteration,
            "time": loop.time(),
            "ran": self.ran,
            "callbacks": self.callbacks,
            "printed": self.printed_lines(),
            "ready": self.ready(loop),
            "timers": self.timers(loop),
            "tasks": [self.task_info(t, loop) for t in self.tasks],
        }
        if self.held is not None:
            self.emit(self.held)
        self.held = record

    def finish(self):
        if self.held is not None:
            self.held["printed"] += self.printed_lines()
            self.emit(self.held)
            self.held = None

    def ready(self, loop):
        out = []
        for h in loop._ready:
            if h._cancelled:
                continue
            owner = getattr(h._callback, "__self__", None)
            if isinstance(owner, tasks_mod._PyTask):
                out.append(owner.get_name())
            else:
                label = self.callback_label(h)
                if label is not None:
                    out.append(label)
        return out

    def timers(self, loop):
        out = []
        for h in sorted(h for h in loop._scheduled if not h._cancelled):
            name = None
            if h._callback.__name__ == "_set_result_unless_cancelled":
                name = self.waiter_of(h._args[0])
            out.append({"task": name, "at": h.when()})
        return out

    def sleep_timer(self, loop, fut):
        for h in loop._scheduled:
            if not h._cancelled and h._args and h._args[0] is fut and \
                    h._callback.__name__ == "_set_result_unless_cancelled":
                return h
        return None

    def in_ready(self, loop, task):
        for h in loop._ready:
            if not h._cancelled and getattr(h._callback, "__self__", None) is task:
                return True
        return False

    def task_info(self, task, loop):
        info = {"name": task.get_name(), "state": None, "cpp_line": None, "py_line": None,
                "awaiting": None, "until": None, "result": None}
        if task.done():
            if task.cancelled():
                info["state"] = "cancelled"
            elif task.exception() is not None:
                info["state"] = "failed"
                info["result"] = _short(task.exception())
            else:
                info["state"] = "done"
                info["result"] = _short(task.result())
            return info
        info["py_line"] = self.py_line(task)
        waiter = task._fut_waiter
        if self.in_ready(loop, task):
            info["state"] = "ready"
        elif waiter is None:
            info["state"] = "pending"
        else:
            timer = self.sleep_timer(loop, waiter)
            if timer is not None:
                info["state"] = "sleeping"
                info["until"] = timer.when()
            else:
                info["state"] = "waiting"
                info["awaiting"] = self.describe(waiter)
        return info

    def describe(self, fut):
        if isinstance(fut, tasks_mod._PyTask):
            return fut.get_name()
        if type(fut).__name__ == "_GatheringFuture":
            return "gather"
        return "future"

    def py_line(self, task):
        """The line of the innermost frame of the pattern's file on the task's await chain."""
        line = None
        obj = task.get_coro()
        while obj is not None:
            frame = getattr(obj, "cr_frame", None) or getattr(obj, "gi_frame", None) or getattr(obj, "ag_frame", None)
            if frame is not None and frame.f_code.co_filename == self.pattern_file:
                line = frame.f_lineno
            obj = getattr(obj, "cr_await", None) or getattr(obj, "gi_yieldfrom", None)
        return line


# asyncio.timeout() and wait_for() ask tasks.current_task(). From Python 3.12 on, the pure-Python Task
# enters its steps through _py_enter_task, which the C current_task does not see (CPython 3.11 registers
# both kinds with the C one): during a run, current_task asks the pure-Python registry first.
_c_current_task = tasks_mod.current_task
_py_current_task = getattr(tasks_mod, "_py_current_task", None)


def current_task(loop=None):
    task = _py_current_task(loop) if _py_current_task else None
    return task if task is not None else _c_current_task(loop)


def patch_current_task():
    """Points tasks.current_task and asyncio.current_task at current_task; returns the undo."""
    saved = (tasks_mod.current_task, asyncio.current_task)
    tasks_mod.current_task = asyncio.current_task = current_task

    def undo():
        tasks_mod.current_task, asyncio.current_task = saved

    return undo


def run_steps(source, filename, argv, emit):
    """Runs `source` (a pattern's Python original, named `filename`) with `argv` (key=value strings);
    calls emit(record) for each iteration in which anything ran."""
    recorder = Recorder(filename, emit)
    original = {
        "run": base_events.events.Handle._run,
        "policy": asyncio.get_event_loop_policy(),
        "time": time.time,
        "argv": sys.argv,
        "stdout": sys.stdout,
        "counter": tasks_mod._task_name_counter,
    }

    def handle_run(self):
        recorder.handle_ran(self)
        return original["run"](self)

    loops = []

    class Policy(asyncio.DefaultEventLoopPolicy):
        def new_event_loop(self):
            loops.append(StepLoop(recorder))
            return loops[-1]

    def clock():  # time.time() of the pattern: the loop's virtual clock
        return loops[-1].time() if loops else 0.0

    def run_program(main, *, debug=None, loop_factory=None):
        # asyncio.run on a loop of ours: Pyodide's own asyncio.run would take the browser's loop.
        with asyncio.Runner(debug=debug, loop_factory=Policy().new_event_loop) as runner:
            return runner.run(main)

    # Under Pyodide the browser's loop counts as running (asyncio.run would refuse to start), and
    # asyncio.run is Pyodide's; natively both stay as they are.
    pyodide = sys.platform == "emscripten"
    if pyodide:
        original["running"] = events._get_running_loop()
        original["asyncio_run"] = asyncio.run
        events._set_running_loop(None)
        asyncio.run = run_program

    asyncio.events.Handle._run = handle_run
    asyncio.set_event_loop_policy(Policy())
    time.time = clock
    sys.argv = [filename] + list(argv)
    sys.stdout = _Tee(recorder)
    tasks_mod._task_name_counter = itertools.count(1).__next__  # Task-1 is main, run after run
    undo_current_task = patch_current_task()
    try:
        code = compile(source, filename, "exec")
        exec(code, {"__name__": "__main__", "__file__": filename})
    finally:
        sys.stdout = original["stdout"]
        asyncio.events.Handle._run = original["run"]
        asyncio.set_event_loop_policy(original["policy"])
        time.time = original["time"]
        sys.argv = original["argv"]
        tasks_mod._task_name_counter = original["counter"]
        undo_current_task()
        if pyodide:
            asyncio.run = original["asyncio_run"]
            events._set_running_loop(original["running"])
        recorder.finish()


class _Tee(io.TextIOBase):
    """The pattern's stdout: kept for the record of the iteration that printed it."""

    def __init__(self, recorder):
        self.recorder = recorder

    def write(self, text):
        return self.recorder.out.write(text)


def main(argv):
    if len(argv) < 2:
        sys.stderr.write("usage: python3 _steps.py <pattern.py> [key=value]...\n")
        return 2
    path = argv[1]
    with open(path, encoding="utf-8") as f:
        source = f.read()
    # The pattern imports its neighbours (_params): their folder goes on the path, as `python3 x.py` does.
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    out = sys.stdout

    def emit(record):
        out.write(json.dumps(record, separators=(",", ":")) + "\n")
        out.flush()

    run_steps(source, path, argv[2:], emit)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
