// The table of a `scripts/bench --json FILE` run as Markdown, for bench/README.md's Results:
//   node bench/markdown.mjs FILE > table.md
// Figures are formatted as the script prints them (measured/ideal to 4 places, 100 and over whole,
// the rest to 3 significant digits); aio's rows are bold; the `better` column is left out (the
// README's prose says which way is good).
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) {
  console.error('usage: node bench/markdown.mjs RUN.json (the file of scripts/bench --json)');
  process.exit(2);
}
let run;
try {
  run = JSON.parse(readFileSync(file, 'utf8'));
} catch (e) {
  console.error(`bench/markdown.mjs: cannot read ${file}: ${e.message}`);
  process.exit(1);
}
if (!Array.isArray(run.rows)) {
  console.error(`bench/markdown.mjs: ${file} has no rows: is it the output of scripts/bench --json?`);
  process.exit(1);
}

const figure = (f, unit) => {
  if (typeof f !== 'number') return String(f);
  if (unit === 'measured/ideal') return f.toFixed(4);
  return f >= 100 ? String(Math.round(f)) : f.toPrecision(3);
};
// A cell may not hold a bare |.
const cell = (s) => String(s).replaceAll('|', '\\|');

console.log('| benchmark | peer | figure | unit | vs aio | notes |');
console.log('|---|---|---:|---|---:|---|');
for (const r of run.rows) {
  const peer = r.peer === 'aio' ? '**aio**' : cell(r.peer);
  const ratio = typeof r.vs_aio === 'number' ? r.vs_aio.toFixed(2) : '';
  console.log(`| ${cell(r.benchmark)} | ${peer} | ${cell(figure(r.figure, r.unit))} | ${cell(r.unit)} | ${ratio} | ${cell(r.notes)} |`);
}
