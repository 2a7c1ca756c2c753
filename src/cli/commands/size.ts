/** `fringe size ID`: a source's diameter from the fringe amplitude against projected baseline (a uniform disk), with its nulls. */
import { sizeReport } from '../../engine/fringes.ts';
import type { Command } from '../command.ts';
import { parseFringeArgs, runFringeAnalysis } from '../fringe-args.ts';

const help = `Usage: fringe size ID [--baseline-m B] [--ra H --dec D | --target sun] [--window S] [--json] [--db DIR]

Measures a source's angular diameter from the fringe amplitude against the
projected baseline in wavelengths, fitted with a uniform disk |2J₁(x)/x|,
and locates the nulls. Says when the data cannot decide: the first null not
reached, or an amplitude that does not follow a disk (then the deep minima
found and the diameters they would mean are given).

Options:
  --baseline-m B   an east–west baseline of B metres (default: fitted, as fringe baseline does)
  --ra H --dec D | --target NAME   the tracked source (default: what the observation records)
  --window S       the chunk over which each amplitude is measured, and a strip chart's running window (s, default 300)
  --json           print one JSON object
  --db DIR         data folder

JSON: diameter_deg (null when the data cannot decide), diameter_err_deg,
nulls [{hour_angle_h, q_lambda}], verdict, points [{hour_angle_h, q_lambda,
amplitude, sigma}], reduced_chi2.

Exit codes: 0 analysed (see verdict); 1 the observation holds no fringe the fit can use; 2 bad usage or no such observation.`;

export const parse = (argv: string[]) => parseFringeArgs(argv, 'size', true);

export const command: Command = {
  name: 'size',
  summary: "Measure a source's diameter (uniform disk) and nulls from a fringe observation",
  help,
  parse,
  async run(argv) {
    const args = parse(argv);
    return runFringeAnalysis('size', args, (data) => sizeReport(data, args.window, args.baselineM), (r) => {
      const out = {
        observation: args.observation,
        baseline: { a: r.a, b: r.b, east_m: r.baseline.east, north_m: r.baseline.north },
        diameter_deg: r.diameterDeg?.value ?? null,
        diameter_err_deg: r.diameterDeg?.sigma ?? null,
        nulls: r.nulls.map((n) => ({ hour_angle_h: n.hourAngleH, q_lambda: n.qLambda })),
        verdict: r.verdict,
        reduced_chi2: r.reducedChi2,
        points: r.points.map((p) => ({ hour_angle_h: p.hourAngleH, q_lambda: p.qLambda, amplitude: p.amplitude, sigma: p.sigma })),
      };
      if (args.json) {
        console.log(JSON.stringify(out, null, 2));
        return;
      }
      console.log(`Observation ${args.observation}, baseline ${r.a}–${r.b} (east ${r.baseline.east.toFixed(3)} m, north ${r.baseline.north.toFixed(3)} m):`);
      console.log(`  diameter ${out.diameter_deg === null ? '-' : `${out.diameter_deg.toFixed(4)} ± ${out.diameter_err_deg!.toFixed(4)}°`}`);
      for (const n of out.nulls) console.log(`  null at hour angle ${n.hour_angle_h.toFixed(2)} h, q = ${n.q_lambda.toFixed(0)} λ`);
      console.log(`  ${out.verdict}`);
    });
  },
};
