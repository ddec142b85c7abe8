// The contract between the playground and the scheduler running in WebAssembly.
// One result shape everywhere: a run resolves with the same object the CLI prints with `--json`,
// plus its trace. Times are in the pattern's own seconds (unscaled), measured on the loop's clock.

export type Clock = 'real' | 'virtual';

/** One parameter of a pattern, as the C++ registry describes it. Values travel as strings,
 *  exactly as the CLI's `--param key=value` takes them. */
export interface ParamSpec {
  key: string;
  label: string;
  /** number: a real; integer: a whole number; list: comma-separated numbers; choice: one of `choices`. */
  type: 'number' | 'integer' | 'list' | 'choice';
  default: string;
  /** Inclusive bounds of a number, an integer, or each item of a list. */
  min?: number;
  max?: number;
  /** Most items in a list. */
  maxItems?: number;
  choices?: string[];
  /** Accepts the value `none` (e.g. no timeout). */
  optional?: boolean;
  help: string;
}

export interface PatternInfo {
  id: string;
  /** The heading the page lists it under, e.g. "The seed's eight". */
  group: string;
  title: string;
  summary: string;
  params: ParamSpec[];
  /** Ideal time (critical path of the sleeps) for the default parameters, in seconds. */
  ideal: number;
}

/** The registry's limits (patterns::limits_json): what every value from outside is held to. */
export interface Limits {
  timeScale: { min: number; max: number };
  /** Longest parameter value accepted, in characters. */
  maxValueLength: number;
  /** How much of an untrusted value a message quotes, in characters. */
  quoteLength: number;
}

export interface Line {
  t: number;
  text: string;
}

export type TaskState = 'created' | 'running' | 'sleeping' | 'waiting' | 'done' | 'cancelled' | 'failed';
export type JobState = 'queued' | 'running' | 'done' | 'failed';

/** A task's life and the executor's jobs as data; the timeline is drawn from these, never from text. */
export type TraceEvent =
  | { kind: 'task'; t: number; id: number; state: TaskState; name?: string; parent?: number; detail?: string }
  | { kind: 'job'; t: number; id: number; state: JobState; name?: string; task?: number; worker?: number; detail?: string }
  | { kind: 'line'; t: number; text: string; task?: number };

export interface RunResult {
  id: string;
  params: Record<string, string>;
  clock: Clock;
  time_scale: number;
  lines: Line[];
  elapsed: number;
  ideal: number;
  /** True when the run was stopped before it finished. */
  cancelled: boolean;
  /** The message of the exception that ended the run, if any. */
  error?: string;
  trace: TraceEvent[];
  /** True when the page was hidden during a real-clock run, so the browser throttled its timers. */
  throttled?: boolean;
}

/** One loop iteration of a stepped run (native/include/aio/steps.hpp; the shape `aio-patterns run <id>
 *  --steps` prints). Defined with the pure functions that read it, in state/steps.js. */
export type { StepRecord, StepTask, StepTimer, StepState } from '../state/steps.js';

/** A stepped run: the pattern on the virtual clock, every iteration's record. */
export interface StepRun {
  records: import('../state/steps.js').StepRecord[];
  /** The message of the exception that ended the run, if any. */
  error?: string;
  /** True when the records grew too large and the run was stopped early: they are its beginning. */
  truncated?: boolean;
}

export interface RunOptions {
  params?: Record<string, string>;
  timeScale?: number;
  clock?: Clock;
  onLine?(line: Line): void;
  onTrace?(event: TraceEvent): void;
}

export interface Engine {
  patterns(): PatternInfo[];
  limits(): Limits;
  /** The registry's parse_params: every parameter of the pattern (defaults filled in, lists without
   *  spaces); throws an Error with the C++ message naming the first bad one. */
  check(id: string, params: Record<string, string>): Record<string, string>;
  /** The time scale in text, as the CLI's --time-scale is read (parse_time_scale); throws an Error with
   *  the C++ message. */
  checkScale(text: string): number;
  /** One number outside any pattern (a page's own setting) by the same rules: the value as accepted, or
   *  an Error whose message starts with `what: `. */
  checkValue(what: string, spec: { type: 'number' | 'integer'; min: number; max: number }, value: string): string;
  /** Ideal time for the given parameters; throws an Error with the C++ message on bad parameters. */
  ideal(id: string, params: Record<string, string>): number;
  /** Runs one pattern; rejects with an Error carrying the C++ message on bad input. One run at a time. */
  run(id: string, options?: RunOptions): Promise<RunResult>;
  /** Runs one pattern on the virtual clock recording every loop iteration (patterns::run_steps); shares
   *  run()'s one-run-at-a-time and rejects like it on bad input. */
  steps(id: string, params?: Record<string, string>): Promise<StepRun>;
  /** Cancels the running pattern's main task; its result then says `cancelled: true`. */
  stop(): void;
  /** Gets ready to run on time: boots the executor's spare Web Workers and runs every pattern once on
   *  the virtual clock, so that a first real-clock run finds its workers booted and its code compiled.
   *  Call it once, after the page's first paint; runs wait for it (it never fails). */
  warmUp(): Promise<void>;
}
