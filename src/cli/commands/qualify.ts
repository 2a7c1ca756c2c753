/** `fringe qualify`: the instrument's qualification report (src/qualify/). */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as inputs from '../../api/inputs.ts';
import { htmlToPdf, PdfError } from '../../qualify/pdf.ts';
import { renderHtml } from '../../qualify/render.ts';
import { parseRotatorSpec } from '../../qualify/hardware.ts';
import { expectedSeconds, runQualification, selectRequirements } from '../../qualify/run.ts';
import type { Report } from '../../qualify/types.ts';
import { type Command, UsageError, exitCodes, option, sourceOption } from '../command.ts';
import { Progress } from '../progress.ts';

const help = `Usage: fringe qualify [--quick] [--source SPEC [--reference HZ]] [--rotator SPEC] [--only REQ ...] [--seed N] --out DIR
       fringe qualify render DIR/report.json
       fringe qualify --list [--source SPEC]

Measures the instrument against its requirements (the table in
src/qualify/requirements.ts: correlator, radiometer, system, science chain)
with deterministic seeded inputs and the simulator, and writes
DIR/report.json (every requirement: id, title, limit, measured value, unit,
verdict, configuration, software version, machine, time and the arrays behind
every plot), then DIR/report.html and DIR/report.pdf rendered from the JSON.

Options:
  --out DIR        folder for report.json, report.html, report.pdf (made if missing)
  --quick          the quick suite (under a minute; same limits, shorter runs)
  --source SPEC    also run the hardware self-test on a dongle or rtl_tcp server
                   (rtlsdr:0, rtltcp:HOST:PORT): noise floor flatness, spurs,
                   DC offset, sample rate, and with --reference the frequency error
  --reference HZ   a carrier of known frequency in the band (e.g. 1419.6M)
  --rotator SPEC   also measure the rotator's round trip: sim, rotctld[:HOST:PORT],
                   or DRIVER:PORT (gs232a, gs232b, easycomm, rot2prog)
  --only REQ ...   only these requirement ids, or prefixes ending in - or *
                   (COR-PFB-*, HW-); repeat or list several after one --only
  --seed N         seed of the generated signals (default 20261203)
  --list           print the requirement table and exit

The full suite says how long it expects to take and shows progress on stderr.
render: re-renders report.html and report.pdf beside a report.json, without measuring.

Exit codes: 0 every requirement met, 1 a requirement failed or the run failed
(the report is still written), 2 bad usage.`;

export type QualifyArgs =
  | { kind: 'run'; out: string; quick: boolean; source?: string; reference?: number; rotator?: string; only: string[]; seed?: number; list: false }
  | { kind: 'list'; source?: string; rotator?: string }
  | { kind: 'render'; report: string };

/** The command line read: pure; UsageError for every mistake. */
export function parse(argv: string[]): QualifyArgs {
  if (argv[0] === 'render') {
    if (argv.length !== 2 || argv[1]!.startsWith('-')) throw new UsageError('render takes one argument: the report.json to render (fringe qualify render DIR/report.json).');
    return { kind: 'render', report: option('render', argv[1], { parse: inputs.parseFolder })! };
  }
  let out: string | undefined, source: string | undefined, reference: number | undefined, seed: number | undefined, rotator: string | undefined;
  let quick = false, list = false;
  const only: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (flag: string) => {
      const v = argv[++i];
      if (v === undefined || (v.startsWith('--') && v.length > 2)) throw new UsageError(`${flag} needs a value.`);
      return v;
    };
    switch (a) {
      case '--quick': quick = true; break;
      case '--list': list = true; break;
      case '--out': out = option('--out', value('--out'), { parse: inputs.parseFolder }); break;
      case '--source': {
        const v = value('--source');
        const spec = sourceOption(v);
        if (spec.kind === 'group') throw new UsageError('--source takes one dongle or rtl_tcp server for the self-test, not a group.');
        source = v;
        break;
      }
      case '--rotator': {
        const v = value('--rotator');
        try {
          parseRotatorSpec(v);
        } catch (err) {
          throw new UsageError(`--rotator: ${(err as Error).message}.`);
        }
        rotator = v;
        break;
      }
      case '--reference': reference = option('--reference', value('--reference'), inputs.frequency); break;
      case '--seed': seed = option('--seed', value('--seed'), inputs.qualifySeed); break;
      case '--only': {
        const start = i;
        while (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) {
          for (const id of argv[++i]!.split(',').filter(Boolean)) {
            const r = inputs.requirementId.safeParse(id);
            if (!r.success) throw new UsageError(`--only '${inputs.printable(id)}': ${r.error.issues[0]!.message}.`);
            only.push(id);
          }
        }
        if (i === start) throw new UsageError('--only needs one or more requirement ids (fringe qualify --list shows them).');
        break;
      }
      default:
        throw new UsageError(`unknown argument '${inputs.printable(a)}'.`);
    }
  }
  const hw = { ...(source !== undefined ? { source } : {}), ...(rotator !== undefined ? { rotator } : {}) };
  if (list) return { kind: 'list', ...hw };
  if (reference !== undefined && source === undefined) throw new UsageError('--reference is for the hardware self-test: give --source SPEC too.');
  if (out === undefined) throw new UsageError('give --out DIR, the folder for report.json, report.html and report.pdf.');
  try {
    selectRequirements({ only, ...hw });
  } catch (err) {
    if (err instanceof RangeError) throw new UsageError(`${err.message}.`);
    throw err;
  }
  return { kind: 'run', out, quick, only, list: false, ...hw, ...(reference !== undefined ? { reference } : {}), ...(seed !== undefined ? { seed } : {}) };
}

/** Writes a file whole: beside it first, then renamed. */
function writeWhole(path: string, data: string | Buffer): void {
  const tmp = `${path}.part-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/** report.html and report.pdf beside the JSON, from the report alone. Resolves to a problem with the PDF, or null. */
export async function renderReport(report: Report, dir: string): Promise<string | null> {
  const html = renderHtml(report);
  writeWhole(join(dir, 'report.html'), html);
  try {
    writeWhole(join(dir, 'report.pdf'), await htmlToPdf(html, `Fringe qualification ${report.started}`));
    return null;
  } catch (err) {
    if (err instanceof PdfError) return err.message;
    throw err;
  }
}

function readReport(path: string): Report {
  let r: Report;
  try {
    r = JSON.parse(readFileSync(path, 'utf8')) as Report;
  } catch (err) {
    throw new UsageError(`cannot read ${inputs.printable(path)} as a report: ${(err as Error).message}`);
  }
  if (r?.format !== 'fringe-qualification/1' || !Array.isArray(r.requirements)) throw new UsageError(`${inputs.printable(path)} is not a fringe qualification report (format 'fringe-qualification/1').`);
  return r;
}

export const command: Command = {
  name: 'qualify',
  summary: 'Measure the instrument against its requirements; write the qualification report (JSON, HTML, PDF)',
  help,
  parse,
  async run(argv) {
    const args = parse(argv);
    if (args.kind === 'list') {
      for (const r of selectRequirements(args)) {
        console.log(`${r.id.padEnd(22)} ${r.title} [${r.method}; ${r.needs}]`);
      }
      return exitCodes.ok;
    }
    if (args.kind === 'render') {
      const report = readReport(args.report);
      const dir = dirname(resolve(args.report));
      const problem = await renderReport(report, dir);
      console.error(`fringe qualify: rendered ${join(dir, 'report.html')}${problem ? `; no PDF: ${problem}` : ` and report.pdf`}`);
      return problem ? exitCodes.failure : exitCodes.ok;
    }
    const dir = resolve(args.out);
    mkdirSync(dir, { recursive: true });
    const reqs = selectRequirements(args);
    const expected = expectedSeconds(reqs, args.quick);
    console.error(`fringe qualify: ${reqs.length} requirements, ${args.quick ? 'quick' : 'full'} suite; expected about ${Math.ceil(expected)} s on a 2-core machine`);
    const bar = new Progress('qualify');
    const report = await runQualification({ ...args, command: `fringe qualify ${argv.join(' ')}` }, (p) => {
      if (p.verdict) {
        bar.interrupt();
        process.stderr.write(`[${p.index}/${p.total}] ${p.id.padEnd(22)} ${p.verdict.toUpperCase()} (${p.elapsed.toFixed(0)} s of ~${Math.ceil(p.expected)} s)\n`);
      } else {
        bar.update(p.fraction, `${p.id} (${p.elapsed.toFixed(0)} s)`);
      }
    });
    bar.interrupt();
    writeWhole(join(dir, 'report.json'), `${JSON.stringify(report, null, 1)}\n`);
    const problem = await renderReport(report, dir);
    const s = report.summary;
    console.error(`fringe qualify: ${s.verdict.toUpperCase()}: ${s.passed} of ${s.total} met, ${s.failed} failed, ${s.notApplicable} not applicable${s.inconclusive ? `, ${s.inconclusive} inconclusive (machine busy)` : ''}; ${join(dir, 'report.json')}, report.html${problem ? ` (no PDF: ${problem})` : ', report.pdf'}`);
    for (const r of report.requirements.filter((x) => x.verdict === 'fail' || x.verdict === 'inconclusive')) console.error(`  ${r.verdict.toUpperCase()} ${r.id}: measured ${r.measured ?? '—'} ${r.unit}, limit ${r.limitText}${r.notes.length ? ` (${r.notes[0]})` : ''}`);
    return s.verdict === 'pass' && !problem ? exitCodes.ok : exitCodes.failure;
  },
};
