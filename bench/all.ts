/**
 * npm run bench: the FX core against the peers over a matrix of workloads,
 * each on a make_input.py file of 2.4 M samples per input (one second of a
 * dongle at 2.4 MS/s): N = 2, 4, 8, 16 at C = 1024, T = 4, and C = 256, 4096
 * at N = 4. Prints a Markdown table (the README's performance section) and
 * writes every JSON line to bench/out/fx.jsonl. Then the simulator's bench,
 * where there is one.
 *
 * Options: --samples S (per input), --repeat R (median of R runs), --threads 1,2
 * Fringe: one warm-up pass, then R timed passes on the same backend (the
 * steady state of a running station); the peers: R runs each.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchFile } from './fx-run.ts';
import { peersDir, runPeers, type BenchLine } from './peers.ts';

const { values } = parseArgs({
  options: {
    samples: { type: 'string', default: '2400000' },
    repeat: { type: 'string', default: '3' },
    threads: { type: 'string', default: '1,2' },
  },
});
const samples = Number(values.samples), repeat = Number(values.repeat);
const threadCounts = values.threads!.split(',').map(Number);
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const out = join(root, 'bench', 'out');
mkdirSync(out, { recursive: true });

const workloads = [
  { inputs: 2, channels: 1024, taps: 4 },
  { inputs: 4, channels: 1024, taps: 4 },
  { inputs: 8, channels: 1024, taps: 4 },
  { inputs: 16, channels: 1024, taps: 4 },
  { inputs: 4, channels: 256, taps: 4 },
  { inputs: 4, channels: 4096, taps: 4 },
];

const lines: BenchLine[] = [];
const rows: string[] = [
  `| N | C | T | numpy | FFTW-C | ${threadCounts.map((t) => `fringe ${t} thread${t > 1 ? 's' : ''}`).join(' | ')} | ${threadCounts.map((t) => `×FFTW (${t})`).join(' | ')} |`,
  `|---|---|---|---|---|${threadCounts.map(() => '---|').join('')}${threadCounts.map(() => '---|').join('')}`,
];
for (const w of workloads) {
  const file = join(out, `in-${w.inputs}-${samples}.cu8`);
  if (!existsSync(file)) {
    execFileSync('/usr/bin/python3', [join(peersDir, 'make_input.py'), file, '--inputs', String(w.inputs), '--samples', String(samples)]);
  }
  process.stderr.write(`N=${w.inputs} C=${w.channels} T=${w.taps}: peers… `);
  const [numpy, fftw] = await runPeers(file, w.inputs, w.channels, w.taps, repeat);
  lines.push(numpy, fftw);
  const ours: BenchLine[] = [];
  const raw = new Uint8Array(readFileSync(file));
  for (const threads of threadCounts) {
    process.stderr.write(`fringe ${threads} thread(s)… `);
    const { cold, warm: r } = await benchFile(raw, { ...w, threads, backend: 'cpu' }, repeat);
    const msps = (x: { samples: number; seconds: number }) => Number((x.samples / x.seconds / 1e6).toFixed(3));
    const line: BenchLine = { impl: 'fringe-cpu', threads, cores: cpus().length, ...w, samples: r.samples, spectra: r.spectra, seconds: Number(r.seconds.toFixed(4)), msps_per_input: msps(r), cold_msps_per_input: msps(cold) };
    ours.push(line);
    lines.push(line);
  }
  process.stderr.write('done\n');
  const f = (x: number) => x.toFixed(1);
  rows.push(`| ${w.inputs} | ${w.channels} | ${w.taps} | ${f(numpy.msps_per_input)} | ${f(fftw.msps_per_input)} | ${ours.map((o) => f(o.msps_per_input)).join(' | ')} | ${ours.map((o) => (o.msps_per_input / fftw.msps_per_input).toFixed(2)).join(' | ')} |`);
}
writeFileSync(join(out, 'fx.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
console.log(`FX core, MS/s per input (median of ${repeat}; Fringe after one warm-up pass), ${samples} samples per input, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}):\n`);
console.log(rows.join('\n'));

const sim = join(root, 'bench', 'sim.ts');
if (existsSync(sim)) {
  console.log('\nSimulator:');
  console.log(execFileSync(process.execPath, ['--import', 'tsx', sim], { encoding: 'utf8' }).trim());
}
