// bench.html: the browser benchmarks on the visitor's own machine (engine/bench.ts measures).
// ?n=TASKS&reps=R&scale=S&run=1 (run=1 starts at once; scripts/bench drives the page that way and
// reads window.aioBench when body[data-state] is "done" or "error").
import './styles.css';
import { playgroundLoad, sleep0Wasm, spawnGatherPromiseAll, spawnGatherWasm, timersWasm, type SpawnGather } from './engine/bench';
import { PageRunner, errorText } from './runner';
import { $, h, showMessages } from './views/dom';
import { initTheme } from './views/theme';

initTheme();

/** One line of the results: the same columns as scripts/bench's table (every figure is a cost). */
interface BenchRow {
  benchmark: string;
  peer: string;
  figure: number | null;
  unit: string;
  /** figure / aio's figure for the same benchmark. */
  vsAio: number | null;
  note: string;
}
declare global {
  interface Window { aioBench?: { rows: BenchRow[]; error?: string } }
}

/** The page's own settings, checked by the registry's number rules (Engine.checkValue). */
interface Setting { key: 'n' | 'reps' | 'scale'; label: string; type: 'number' | 'integer'; default: string; min: number; max: number; help: string }

const SETTINGS: Setting[] = [
  { key: 'n', label: 'Tasks', type: 'integer', default: '200000', min: 1, max: 2_000_000, help: 'tasks in spawn + gather' },
  { key: 'reps', label: 'Runs', type: 'integer', default: '3', min: 1, max: 9, help: 'runs of each; the median is shown' },
  { key: 'scale', label: 'Time scale', type: 'number', default: '0.1', min: 0.01, max: 1, help: 'of the patterns on the real clock' },
];

const form = $('#form') as HTMLFormElement;
const runBtn = $('#run') as HTMLButtonElement;
const status = $('#status');
const tbody = $('#results');
const inputs = new Map<string, HTMLInputElement>();
const query = new URLSearchParams(location.search);

function check(runner: PageRunner, spec: Setting, raw: string): { ok: true; value: string } | { ok: false; message: string } {
  try {
    return { ok: true, value: runner.engine.checkValue(spec.label, spec, raw) };
  } catch (e) {
    return { ok: false, message: errorText(e) };
  }
}

function showFields(runner: PageRunner): void {
  const queryErrors: string[] = [];
  $('#fields').append(...SETTINGS.map((spec) => {
    const id = `b-${spec.key}`;
    const input = h('input', { id, name: spec.key, type: 'text', inputmode: spec.type === 'integer' ? 'numeric' : 'decimal', autocomplete: 'off', 'aria-describedby': `${id}-help` });
    const raw = query.get(spec.key);
    const c = raw === null ? null : check(runner, spec, raw);
    if (c && !c.ok) queryErrors.push(`${c.message}; using ${spec.default}`);
    input.value = c?.ok ? c.value : spec.default;
    inputs.set(spec.key, input);
    return h('div', { class: 'field' }, h('label', { for: id, text: spec.label }), input,
      h('p', { class: 'field-help', id: `${id}-help`, text: `${spec.help}; ${spec.min} to ${spec.max}` }));
  }));
  showMessages($('#messages'), queryErrors);
}

function settings(runner: PageRunner): { n: number; reps: number; scale: number } | string[] {
  const errors: string[] = [];
  const v: Record<string, number> = {};
  for (const spec of SETTINGS) {
    const input = inputs.get(spec.key)!;
    const c = check(runner, spec, input.value.trim());
    input.setAttribute('aria-invalid', String(!c.ok));
    if (c.ok) v[spec.key] = Number(c.value);
    else errors.push(c.message);
  }
  return errors.length ? errors : { n: v.n, reps: v.reps, scale: v.scale };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (x: number | null, unit: string) =>
  x === null ? '—' : unit === 'measured/ideal' ? x.toFixed(4) : x >= 100 ? x.toFixed(0) : x.toPrecision(3);

function show(rows: BenchRow[]): void {
  tbody.replaceChildren(...rows.map((r) => h('tr', {},
    h('td', { text: r.benchmark }), h('td', { text: r.peer }), h('td', { class: 'num', text: fmt(r.figure, r.unit) }),
    h('td', { text: r.unit }), h('td', { class: 'num', text: r.vsAio === null ? '—' : r.vsAio.toFixed(2) }), h('td', { text: r.note }))));
}

async function run(runner: PageRunner): Promise<void> {
  const s = settings(runner);
  if (Array.isArray(s)) { showMessages($('#messages'), s); return; }
  showMessages($('#messages'), []);
  runBtn.disabled = true;
  document.body.dataset.state = 'running';
  const rows: BenchRow[] = [];
  const add = (r: Omit<BenchRow, 'vsAio'>) => {
    const base = rows.find((x) => x.benchmark === r.benchmark && x.peer === 'aio')?.figure;
    rows.push({ ...r, vsAio: base && r.figure !== null && r.peer !== 'aio' ? r.figure / base : null });
    show(rows);
  };
  const step = (what: string) => { status.textContent = what; return new Promise((r) => setTimeout(r, 0)); };
  try {
    // Fidelity first, before spawn + gather leaves garbage to collect; the median of the runs drops
    // the first one's one-off costs (the executor's workers start on its first job).
    for (const p of runner.patterns) {
      const ratios: number[] = [];
      let throttled = false;
      for (let rep = 0; rep < s.reps; ++rep) {
        await step(`fidelity: ${p.id}, run ${rep + 1} of ${s.reps}…`);
        const end = await runner.run({ pattern: p, params: {}, clock: 'real', scale: s.scale });
        if (!end.ok) throw new Error(`${p.id}: ${end.message}`);
        const r = end.result;
        if (r.error || r.cancelled) throw new Error(`${p.id}: ${r.error ?? 'cancelled'}`);
        ratios.push(r.elapsed / r.ideal);
        throttled ||= !!r.throttled;
      }
      add({ benchmark: `fidelity.${p.id}`, peer: 'aio', figure: median(ratios), unit: 'measured/ideal', note: `ideal ${p.ideal} s, scale ${s.scale}${throttled ? ', THROTTLED (hidden tab)' : ''}` });
    }

    // The real clock's own costs: timers spread over one second, and loop turns.
    const timers: number[] = [];
    const turns: number[] = [];
    for (let rep = 0; rep < s.reps; ++rep) {
      await step(`timers: 10,000 over one second, run ${rep + 1} of ${s.reps}…`);
      timers.push(await timersWasm(10_000));
      await step(`sleep(0): 1,000 turns, run ${rep + 1} of ${s.reps}…`);
      turns.push(await sleep0Wasm(1000));
    }
    add({ benchmark: 'timers.time', peer: 'aio', figure: median(timers), unit: 's', note: `10,000 timers spread over 1 s, real clock (ideal 1 s); runs: ${timers.map((x) => x.toFixed(4)).join(', ')}` });
    add({ benchmark: 'sleep0.time', peer: 'aio', figure: median(turns), unit: 'ms', note: `1,000 sleep(0) turns in one task, real clock; runs: ${turns.map((x) => x.toFixed(3)).join(', ')}` });

    // spawn + gather: the peers take turns, run by run, so that a slow moment hits them alike.
    const peers: Array<[string, (n: number) => Promise<SpawnGather>, string]> = [
      ['aio', (n) => spawnGatherWasm(n), 'WebAssembly, fresh instance, virtual clock'],
      ['aio (warm instance)', (n) => spawnGatherWasm(n, true), 'WebAssembly, the second run in an instance, virtual clock'],
      ['Promise.all (await null)', (n) => spawnGatherPromiseAll(n, 'microtask'), 'one microtask hop per task'],
      ['Promise.all (loop turn)', (n) => spawnGatherPromiseAll(n, 'turn'), 'one MessageChannel turn per task'],
    ];
    const got = peers.map(() => [] as SpawnGather[]);
    for (let rep = 0; rep < s.reps; ++rep) {
      for (const [i, [peer, f]] of peers.entries()) {
        await step(`spawn + gather: ${peer}, run ${rep + 1} of ${s.reps}…`);
        got[i].push(await f(s.n));
      }
    }
    peers.forEach(([peer, , note], i) => add({ benchmark: 'spawn_gather.time', peer, figure: median(got[i].map((g) => g.nsPerTask)), unit: 'ns/task', note: `N=${s.n}; ${note}` }));
    add({ benchmark: 'spawn_gather.memory', peer: 'aio', figure: median(got[0].map((g) => g.bytesPerTask ?? 0)), unit: 'bytes/task', note: 'growth of the peak heap / N' });

    const loads = [];
    for (let rep = 0; rep < s.reps; ++rep) {
      await step(`playground load, ${rep + 1} of ${s.reps}…`);
      loads.push(await playgroundLoad('index.html'));
    }
    add({ benchmark: 'page.ready', peer: 'playground', figure: median(loads.map((l) => l.readyMs)), unit: 'ms', note: 'navigation until Run is enabled, in a frame, cache as the browser has it' });
    add({ benchmark: 'page.size', peer: 'playground', figure: median(loads.map((l) => l.gzipBytes)) / 1024, unit: 'KiB gzipped', note: `${loads[0].files} files loaded, ${(loads[0].rawBytes / 1024).toFixed(0)} KiB uncompressed` });
    status.textContent = 'Done.';
    window.aioBench = { rows };
    document.body.dataset.state = 'done';
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    status.textContent = `Failed: ${message}`;
    window.aioBench = { rows, error: message };
    document.body.dataset.state = 'error';
  } finally {
    runBtn.disabled = false;
  }
}

async function start(): Promise<void> {
  runBtn.disabled = true;
  const runner = await PageRunner.load(status);
  if (!runner) {
    window.aioBench = { rows: [], error: status.textContent ?? 'the engine could not be loaded' };
    document.body.dataset.state = 'error';
    return;
  }
  status.hidden = false;  // the runner hid it; it shows the benchmarks' progress
  runBtn.disabled = false;
  showFields(runner);
  form.addEventListener('submit', (e) => { e.preventDefault(); void run(runner); });
  if (query.get('run') === '1') void run(runner);
}

void start();
