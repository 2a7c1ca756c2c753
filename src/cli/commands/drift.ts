/** `fringe drift --observation ID`: the sun-drift / cross-scan measurement of a stored observation. */
import { openStore } from '../../../observations/cli-support.ts';
import { ObservationError } from '../../../observations/errors.ts';
import * as inputs from '../../api/inputs.ts';
import { analyseDrift } from '../../analysis/drift.ts';
import { DriftDataError, loadDrift } from '../../engine/drift.ts';
import { type Command, UsageError, dbOption, exitCodes, option, parseCommandLine } from '../command.ts';

const help = `Usage: fringe drift --observation ID [--efficiency E] [--flux SFU] [--diameter M] [--json] [--db DIR]

Measures the beam, the pointing, the system temperature and the sun's flux
from a stored sun drift scan or stepped cross-scan: each cut through the sun
is fitted with baseline (linear) + peak × (beam ⊗ 0.533° sun disk).
- a drift (a fixed pointing): power against the sun's offset from the
  pointing, from the ephemeris at every integration;
- a cross-scan (e.g. an imported SRT .rad file): power against the az and el
  offsets as recorded.
Kelvin only where the data say so (an SRT file's calibration lines); Fringe's
own recordings are in relative units, and the kelvin fields are then null.

Options:
  --observation ID  the stored observation (fringe list shows them)
  --efficiency E    the dish's aperture efficiency, 0–1, for the flux
  --diameter M      dish diameter (m), when the observation does not record it
  --flux SFU        the day's solar flux density at this frequency (sfu), for the comparison
  --json            print one JSON object
  --db DIR          data folder (default: FRINGE_DATA_DIR, else the platform's user-data folder)

JSON: observation, unit ('K' | 'relative'), hpbw_deg (deconvolved beam FWHM on
the sky), pointing_offset_deg {az (on the sky, × cos el), el} (where the beam
really points minus where the mount says), tsys_k, sun_antenna_temp_k,
sun_flux_sfu, expected_flux_sfu, cuts [{axis, fwhm_deg (on the sky, before
deconvolution), centre_deg (the scan's own offset coordinate), peak_k,
baseline_k, …}], each value's 1σ uncertainty in a field ending _sigma, and
verdict: what the data cannot decide (empty when everything was measured).

Exit codes: 0 measured (see verdict for what was not), 1 the observation holds
no usable scan or the store failed, 2 bad usage or no such observation.`;

export interface DriftArgs {
  observation: number;
  efficiency: number | undefined;
  diameter: number | undefined;
  flux: number | undefined;
  json: boolean;
  db: string | undefined;
}

/** The command line read: pure; UsageError for every mistake. */
export function parse(argv: string[]): DriftArgs {
  const { values } = parseCommandLine({
    args: argv,
    options: {
      observation: { type: 'string' }, efficiency: { type: 'string' }, diameter: { type: 'string' }, flux: { type: 'string' },
      source: { type: 'string' }, scenario: { type: 'string' }, json: { type: 'boolean' }, db: { type: 'string' },
    },
  });
  if (values.source !== undefined || values.scenario !== undefined) {
    throw new UsageError('measuring live (--source, --scenario) is not built yet: record the drift with fringe observe, then give --observation ID.');
  }
  const observation = option('--observation', values.observation, inputs.observationId);
  if (observation === undefined) throw new UsageError('give --observation ID (fringe list shows the stored observations).');
  return {
    observation,
    efficiency: option('--efficiency', values.efficiency, inputs.apertureEfficiency),
    diameter: option('--diameter', values.diameter, inputs.dishDiameter),
    flux: option('--flux', values.flux, inputs.solarFluxSfu),
    json: values.json ?? false,
    db: dbOption(values.db),
  };
}

const fmt = (v: number | null, s: number | null, unit: string, digits = 2) => (v === null ? '-' : `${v.toFixed(digits)}${s !== null ? ` ± ${s.toFixed(digits)}` : ''} ${unit}`);

export const command: Command = {
  name: 'drift',
  summary: 'Measure beam, pointing, T_sys and the sun\'s flux from a stored sun drift or cross-scan',
  help,
  parse,
  async run(argv) {
    const args = parse(argv);
    const store = openStore(args.db, { readonly: false });
    try {
      let data;
      try {
        data = loadDrift(store, args.observation);
      } catch (err) {
        if (err instanceof ObservationError && err.kind === 'not-found') throw new UsageError(err.message);
        if (err instanceof DriftDataError) {
          console.error(`fringe drift: ${err.message}`);
          return exitCodes.failure;
        }
        throw err;
      }
      const result = analyseDrift(data.cuts, {
        unit: data.unit,
        diameter: args.diameter ?? data.diameter ?? undefined,
        efficiency: args.efficiency,
        expectedFlux: args.flux,
        frequency: data.frequency,
      });
      const fileTsys = typeof data.calibration?.tsys === 'number' ? data.calibration.tsys : null;
      const out = {
        observation: data.observation.id,
        kind: data.kind,
        ...result,
        // The file's own calibration line (an SRT '* tsys …'), and the fitted off-sun baseline against its T_sys.
        file_calibration: data.calibration,
        tsys_vs_file: fileTsys !== null && result.tsys_k !== null ? { file_tsys_k: fileTsys, ratio: result.tsys_k / fileTsys } : null,
      };
      if (args.json) {
        console.log(JSON.stringify(out, null, 2));
        return exitCodes.ok;
      }
      const o = result;
      const lines = [
        `Observation ${out.observation}: ${data.kind}, power in ${o.unit === 'K' ? 'kelvin' : 'relative units'}`,
        `  beam (HPBW, deconvolved)  ${fmt(o.hpbw_deg, o.hpbw_deg_sigma, '°')}`,
        `  pointing offset           az ${fmt(o.pointing_offset_deg.az, o.pointing_offset_deg_sigma.az, '° (on the sky)')}, el ${fmt(o.pointing_offset_deg.el, o.pointing_offset_deg_sigma.el, '°')}`,
        `  T_sys                     ${fmt(o.tsys_k, o.tsys_k_sigma, 'K', 1)}`,
        `  sun antenna temperature   ${fmt(o.sun_antenna_temp_k, o.sun_antenna_temp_k_sigma, 'K', 1)}`,
        `  sun flux                  ${fmt(o.sun_flux_sfu, o.sun_flux_sfu_sigma, 'sfu', 1)}${o.expected_flux_sfu !== null ? ` (entered: ${o.expected_flux_sfu} sfu)` : ''}`,
        ...o.cuts.map((c) => `  cut ${c.axis.padEnd(5)}  ${c.error ? `not fitted: ${c.error}` : `FWHM ${fmt(c.fwhm_deg, c.fwhm_deg_sigma, '°')}, centre ${fmt(c.centre_deg, c.centre_deg_sigma, '°')}, peak ${fmt(c.peak, c.peak_sigma, o.unit === 'K' ? 'K' : '', 1)}, baseline ${fmt(c.baseline, c.baseline_sigma, o.unit === 'K' ? 'K' : '', 1)}`}`),
        ...(out.tsys_vs_file ? [`  T_sys of the file's calibration line: ${out.tsys_vs_file.file_tsys_k} K (fitted baseline / file = ${out.tsys_vs_file.ratio.toFixed(3)})`] : []),
        ...o.verdict.map((v) => `  note: ${v}`),
      ];
      console.log(lines.join('\n'));
      return exitCodes.ok;
    } finally {
      store.close();
    }
  },
};
