// Loads the WebAssembly module (built by scripts/build-wasm into ./wasm/, gitignored) for the page and for
// each Web Worker. The .wasm URL comes from Vite's `?url` import, so it resolves relative to this module
// and the playground works from any sub-path. The page compiles the .wasm once; every worker
// instantiates that same compiled WebAssembly.Module (posted to it), so function pointers (table
// indices) mean the same thing everywhere.
import createAioModule from './wasm/aio.js';
import wasmUrl from './wasm/aio.wasm?url';

/** Where a reply of the module lands (see native/bindings/bindings.cpp). */
export const Channel = { Call: 0, Run: 1, Job: 2 } as const;
export type Channel = (typeof Channel)[keyof typeof Channel];

export interface Reply {
  ok: boolean;
  bytes: Uint8Array;
  num: number;
}

/** What the Emscripten module exposes to us: the exports of bindings.cpp, and the hooks we set. */
export interface AioModule {
  _aio_patterns_json(): void;
  _aio_limits_json(): void;
  _aio_check(id: number, params: number, len: number): void;
  _aio_check_time_scale(value: number): void;
  _aio_check_value(what: number, type: number, min: number, max: number, value: number): void;
  _aio_ideal(id: number, params: number, len: number): void;
  _aio_run(id: number, params: number, len: number, clock: number, scale: number): void;
  _aio_stop(): void;
  _aio_worker_run_job(invoke: number, fn: number, args: number, len: number, clock: number, scale: number, worker: number): void;
  _aio_bench_spawn_gather(n: number): void;
  _malloc(n: number): number;
  _free(p: number): void;
  HEAPU8: Uint8Array;
  ccall(name: string, ret: null, types: string[], args: unknown[], opts: { async: true }): Promise<unknown>;
  aioReply?: Reply[];
  /** A batch of trace events as a JSON array (printed lines are its 'line' events). */
  aioOnEvents?: (json: string) => void;
  /** A stepped run's record as it is made; false stops the run (bindings.cpp, aio_js_record). */
  aioOnRecord?: (json: string) => boolean;
  aioSpawnWorker?: () => Worker;
  aioHost: AioHost;
}

/** The JavaScript half of the browser platform (native/platform/browser/aio_host.js). */
export interface AioHost {
  stats: { messages: number; spawned: number; died: number; jobs: number; waitedForBoot: number };
  /** Keeps n spare workers booted from now on; resolves when they are. */
  warm(n: number): Promise<void>;
  /** The spare workers: how many, and how many have booted. */
  spare: Array<{ booted: boolean }>;
  /** The longest stretch (ms) the loop ran without giving the page a turn, and how many there were. */
  loop: { longest: number; stretches: number };
  runStarted(): void;
  runEnded(): void;
  killBusyWorker(): boolean;
  terminateAll(): void;
}

let compiled: Promise<WebAssembly.Module> | null = null;

/** Fetches and compiles the .wasm once per page. */
export function compileWasm(): Promise<WebAssembly.Module> {
  compiled ??= (async () => {
    const res = await fetch(wasmUrl, { credentials: 'same-origin' });
    if (!res.ok) throw new Error(`could not load the scheduler (${wasmUrl}): HTTP ${res.status}`);
    const type = res.headers.get('content-type') ?? '';
    if (typeof WebAssembly.compileStreaming === 'function' && type.startsWith('application/wasm')) {
      return WebAssembly.compileStreaming(res);
    }
    return WebAssembly.compile(await res.arrayBuffer());
  })();
  compiled.catch(() => { compiled = null; });
  return compiled;
}

/** A new instance of the module on the given compiled code. */
export function instantiate(wasm: WebAssembly.Module, hooks: Partial<AioModule> = {}): Promise<AioModule> {
  return new Promise<AioModule>((resolve, reject) => {
    const options = {
      ...hooks,
      aioReply: [],
      locateFile: (path: string) => (path.endsWith('.wasm') ? wasmUrl : path),
      instantiateWasm(imports: WebAssembly.Imports, receive: (i: WebAssembly.Instance, m: WebAssembly.Module) => void) {
        WebAssembly.instantiate(wasm, imports).then((inst) => receive(inst, wasm), reject);
        return {};
      },
      onAbort(what: unknown) {
        reject(new Error(`the scheduler aborted: ${String(what)}`));
      },
      print: (s: string) => console.log(s),
      printErr: (s: string) => console.warn(s),
    };
    (createAioModule as unknown as (o: object) => Promise<AioModule>)(options).then(resolve, reject);
  });
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

export function replyText(r: Reply): string {
  return decoder.decode(r.bytes);
}

/** The reply a call just left on `channel`; throws if there is none (the module misbehaved). */
export function takeReply(M: AioModule, channel: Channel): Reply {
  const r = M.aioReply?.[channel];
  if (!r) throw new Error('the scheduler gave no answer');
  M.aioReply![channel] = undefined as unknown as Reply;
  return r;
}

/** Copies bytes into the module's memory; free the result with M._free. */
export function toHeap(M: AioModule, bytes: Uint8Array): number {
  const p = M._malloc(Math.max(bytes.length, 1));
  M.HEAPU8.set(bytes, p);
  return p;
}

/** A NUL-terminated UTF-8 copy of `s` in the module's memory. */
export function cString(M: AioModule, s: string): number {
  const b = encoder.encode(s);
  const out = new Uint8Array(b.length + 1);
  out.set(b);
  return toHeap(M, out);
}

/** Parameters as bindings.cpp reads them: "<bytes>:<key><bytes>:<value>..." (any value passes unchanged). */
export function encodeParams(params: Record<string, string> | undefined): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [k, v] of Object.entries(params ?? {})) {
    for (const s of [k, String(v)]) {
      const b = encoder.encode(s);
      parts.push(encoder.encode(`${b.length}:`), b);
    }
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
