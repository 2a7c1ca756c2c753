/** `fringe baseline ID`: baseline vectors, instrumental phases and closure phases from a recorded group or strip chart. */
import { baselineReport } from '../../engine/fringes.ts';
import type { Command } from '../command.ts';
import { parseFringeArgs, runFringeAnalysis } from '../fringe-args.ts';

const help = `Usage: fringe baseline ID [--ra H --dec D | --target sun] [--window S] [--json] [--db DIR]

Fits each baseline's vector (east, north; up held at 0: one source cannot
separate it from the instrumental phase) and instrumental phase to hours of
fringes on a known source, from a recorded group observation (complex
visibilities) or an imported strip chart (a real-valued fringe: offset
removed and amplitude normalised over a running window first), and gives
the closure phase of every triangle (near 0 on a point-like source).

Options:
  --ra H --dec D   the tracked source, J2000 (hours, degrees)
  --target NAME    the tracked source by name: sun, 3C144 (Tau A), Cas A, Cyg A, Vir A
                   (default: what the observation records)
  --window S       a strip chart's running window (s, default 300: several fringe periods)
  --json           print one JSON object
  --db DIR         data folder (default: FRINGE_DATA_DIR, else the platform's user-data folder)

JSON: baselines [{a, b, east_m, north_m, up_m, length_m, length_err_m, east_err_m,
north_err_m, phase_deg, phase_err_deg, residual_rms, reduced_chi2}],
closure_phases_deg [{triangle: [a, b, c], deg}], note.

Exit codes: 0 fitted; 1 the observation holds no fringe the fit can use; 2 bad usage or no such observation.`;

export const parse = (argv: string[]) => parseFringeArgs(argv, 'baseline', false);

export const command: Command = {
  name: 'baseline',
  summary: 'Fit baseline vectors and closure phases to a recorded group or strip-chart observation',
  help,
  parse,
  async run(argv) {
    const args = parse(argv);
    return runFringeAnalysis('baseline', args, (data) => baselineReport(data, args.window), (report) => {
      if (args.json) {
        console.log(JSON.stringify({ observation: args.observation, ...report }, null, 2));
        return;
      }
      console.log(`Observation ${args.observation}:`);
      for (const b of report.baselines) {
        console.log(`  ${b.a}–${b.b}: east ${b.east_m.toFixed(4)} ± ${b.east_err_m.toFixed(4)} m, north ${b.north_m.toFixed(3)} ± ${b.north_err_m.toFixed(3)} m, length ${b.length_m.toFixed(4)} ± ${b.length_err_m.toFixed(4)} m, phase ${b.phase_deg.toFixed(1)} ± ${b.phase_err_deg.toFixed(1)}°`);
      }
      for (const c of report.closure_phases_deg) console.log(`  closure ${c.triangle.join('–')}: ${c.deg.toFixed(2)}°`);
      console.log(`  (${report.note})`);
    });
  },
};
