/**
 * `fringe drift --observation ID`: the sun-drift / cross-scan measurement of
 * a stored observation; `fringe drift --source SPEC`: the whole measurement
 * live (plan, point, calibrate, drift, elevation scan, fit: engine/drift-run.ts).
 */
import { openStore } from '../../../observations/cli-support.ts';
import { ObservationError } from '../../../observations/errors.ts';
import { resolveDataDir } from '../../../observations/paths.ts';
import * as inputs from '../../api/inputs.ts';
import { analyseDrift } from '../../analysis/drift.ts';
import { DriftDataError, loadDrift } from '../../engine/drift.ts';
import { DriftRunError, runDrift, type CalibrationMethod } from '../../engine/drift-run.ts';
import { runExtras, writeDriftReport } from '../../engine/drift-report.ts';
import { DeviceError } from '../../../devices/errors.ts';
import { FitError } from '../../analysis/lsq.ts';
import { type Command, UsageError, dbOption, exitCodes, option, parseCommandLine, sourceOption } from '../command.ts';

const help = `Usage: fringe drift --observation ID [--efficiency E] [--flux SFU] [--diameter M] [--json] [--db DIR]
       fringe drift --source SPEC [--scenario FILE] [--efficiency E] [--flux SFU] [--diameter M]
                    [--calibration noise-diode|hot-load|sun] [--diode K] [--diode-switch bias-tee] [--hot K] [--cold K] [--gain DB] [--json] [--db DIR]

Measures the beam, the pointing, the system temperature and the sun's flux
from a stored sun drift scan or stepped cross-scan: each cut through the sun
is fitted with baseline (linear) + peak × (beam ⊗ 0.533° sun disk).
- a drift (a fixed pointing): power against the sun's offset from the
  pointing, from the ephemeris at every integration;
- a cross-scan (e.g. an imported SRT .rad file): power against the az and el
  offsets as recorded.
Kelvin only where the data say so (an SRT file's calibration lines); Fringe's
own recordings are in relative units, and the kelvin fields are then null.

With --source, the whole measurement: the transit planned from the
ephemeris, the dish pointed ahead of the sun (the simulator's mount; a dish
without one is told where and when), a calibration to kelvin (the noise
diode of --diode K excess, the hot load at --hot K against the cold sky at
--cold K, or the sun with the entered --flux), the drift recorded on the sky clock (a simulated sky runs it in
seconds), an elevation scan across the sun while tracking it, then the fit.
The observation is kept; the JSON adds plan, calibration, radiometer (the
off-sun scatter against T_sys/√(Bτ)) and pointing_correction (saved in the
data folder for the rotator: add it to a commanded az/el).

Options:
  --observation ID  the stored observation (fringe list shows them)
  --source SPEC     measure live: sim, sim:N (the simulator's antenna N), rtlsdr:0, rtltcp:HOST:PORT
  --scenario FILE   the simulator's scenario (sim sources)
  --calibration M   noise-diode (default), hot-load, or sun (on and off the sun: its
                    antenna temperature from --flux, --efficiency and the diameter)
  --diode K         the noise diode's excess temperature (K; the simulator's scenario says its own)
  --diode-switch bias-tee
                    the dongle's bias tee powers the noise diode: the station switches
                    it so (a real dongle needs this; never when the bias tee powers an LNA)
  --hot K, --cold K the hot load's and the cold sky's temperatures for the Y-factor (default 290, 10)
  --gain DB         tuner gain (default: one that keeps the sun's peak inside the 8-bit range)
  --efficiency E    the dish's aperture efficiency, 0–1, for the flux
  --diameter M      dish diameter (m), when the observation does not record it
  --flux SFU        the day's solar flux density at this frequency (sfu), for the comparison
  --report DIR      also write drift-ID.html (plots of every cut with its fit and
                    residuals), drift-ID.csv (every point, model, residual) and
                    drift-ID.pdf (the page printed by headless Chromium) into DIR
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

export interface DriftLiveArgs {
  source: string;
  scenario: string | undefined;
  calibration: CalibrationMethod;
  diode: number | undefined;
  /** 'bias-tee': the dongle's bias tee powers (and so switches) the noise diode. */
  diodeSwitch: 'bias-tee' | undefined;
  hot: number | undefined;
  cold: number | undefined;
  gain: number | undefined;
}

export interface DriftArgs {
  /** The stored observation to analyse, or null when measuring live (`live`). */
  observation: number | null;
  live: DriftLiveArgs | null;
  efficiency: number | undefined;
  diameter: number | undefined;
  flux: number | undefined;
  json: boolean;
  db: string | undefined;
  /** Folder for the HTML, CSV and PDF report. */
  report: string | undefined;
}

/** The command line read: pure; UsageError for every mistake. */
export function parse(argv: string[]): DriftArgs {
  const { values } = parseCommandLine({
    args: argv,
    options: {
      observation: { type: 'string' }, efficiency: { type: 'string' }, diameter: { type: 'string' }, flux: { type: 'string' },
      source: { type: 'string' }, scenario: { type: 'string' }, json: { type: 'boolean' }, db: { type: 'string' }, report: { type: 'string' },
      calibration: { type: 'string' }, diode: { type: 'string' }, 'diode-switch': { type: 'string' }, hot: { type: 'string' }, cold: { type: 'string' }, gain: { type: 'string' },
    },
  });
  const observation = option('--observation', values.observation, inputs.observationId);
  let live: DriftLiveArgs | null = null;
  if (values.source !== undefined) {
    if (observation !== undefined) throw new UsageError('give either --observation ID (analyse a stored drift) or --source SPEC (measure one), not both.');
    const source = values.source;
    const spec = sourceOption(source);
    if (spec.kind === 'file' || (spec.kind === 'group' && spec.members.some((m) => m.kind === 'file'))) throw new UsageError('--source measures live: give sim, a dongle or an rtl_tcp server (a recording is analysed with fringe import and --observation ID).');
    if (values.scenario !== undefined && !/^sim(:\d+)?$/.test(source)) throw new UsageError('--scenario is for the simulator: give --source sim (or sim:N).');
    const calibration = (values.calibration ?? 'noise-diode') as CalibrationMethod;
    if (calibration !== 'noise-diode' && calibration !== 'hot-load' && calibration !== 'sun') throw new UsageError(`--calibration must be noise-diode, hot-load or sun (got '${values.calibration}')`);
    if (calibration === 'sun' && (values.flux === undefined || values.efficiency === undefined)) throw new UsageError("--calibration sun needs the day's solar flux (--flux SFU) and the dish's efficiency (--efficiency E): the sun's antenna temperature is computed from them.");
    const temperature = (name: string, v: string | undefined) => option(name, v, inputs.loadTemperature);
    const diodeSwitch = values['diode-switch'];
    if (diodeSwitch !== undefined && diodeSwitch !== 'bias-tee') throw new UsageError(`--diode-switch must be bias-tee (the dongle's bias tee powers the noise diode; got '${diodeSwitch}')`);
    live = {
      source, scenario: values.scenario, calibration,
      diode: temperature('--diode', values.diode), diodeSwitch, hot: temperature('--hot', values.hot), cold: option('--cold', values.cold, inputs.coldSkyTemperature),
      gain: values.gain === undefined ? undefined : (option('--gain', values.gain, inputs.gain) as number | 'auto' | undefined) === 'auto' ? undefined : (option('--gain', values.gain, inputs.gain) as number),
    };
    if (live.hot !== undefined && live.cold !== undefined && !(live.hot > live.cold)) throw new UsageError(`--hot (${live.hot} K) must be hotter than --cold (${live.cold} K).`);
  } else {
    if (values.scenario !== undefined) throw new UsageError('--scenario goes with --source sim (measure live on the simulator).');
    if (observation === undefined) throw new UsageError('give --observation ID (fringe list shows the stored observations), or --source SPEC to measure live.');
  }
  return {
    observation: observation ?? null,
    live,
    efficiency: option('--efficiency', values.efficiency, inputs.apertureEfficiency),
    diameter: option('--diameter', values.diameter, inputs.dishDiameter),
    flux: option('--flux', values.flux, inputs.solarFluxSfu),
    json: values.json ?? false,
    report: values.report === undefined ? undefined : option('--report', values.report, { parse: inputs.parseFolder }),
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
    if (args.live) return runLive(args, args.live);
    const store = openStore(args.db, { readonly: false });
    try {
      let data;
      try {
        data = loadDrift(store, args.observation!);
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
        disk: data.disk ?? undefined,
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
      if (args.report) {
        const written = await writeDriftReport(args.report, {
          observation: data.observation.id, when: new Date(data.observation.start * 1000).toISOString(), cuts: data.cuts, result, disk: data.disk ?? undefined,
          extra: out.tsys_vs_file ? { "T_sys of the file's calibration line": `${out.tsys_vs_file.file_tsys_k} K` } : {},
        });
        if (written.notice) console.error(`fringe drift: ${written.notice}`);
        console.error(`fringe drift: report written: ${written.files.join(', ')}`);
      }
      if (args.json) {
        console.log(JSON.stringify(out, null, 2));
        return exitCodes.ok;
      }
      const lines = [
        `Observation ${out.observation}: ${data.kind}, power in ${result.unit === 'K' ? 'kelvin' : 'relative units'}`,
        ...resultLines(result),
        ...(out.tsys_vs_file ? [`  T_sys of the file's calibration line: ${out.tsys_vs_file.file_tsys_k} K (fitted baseline / file = ${out.tsys_vs_file.ratio.toFixed(3)})`] : []),
      ];
      console.log(lines.join('\n'));
      return exitCodes.ok;
    } finally {
      store.close();
    }
  },
};

/** The measurement's lines for a person (the verdict last). */
function resultLines(o: ReturnType<typeof analyseDrift>): string[] {
  return [
    `  beam (HPBW, deconvolved)  ${fmt(o.hpbw_deg, o.hpbw_deg_sigma, '°')}`,
    `  pointing offset           az ${fmt(o.pointing_offset_deg.az, o.pointing_offset_deg_sigma.az, '° (on the sky)')}, el ${fmt(o.pointing_offset_deg.el, o.pointing_offset_deg_sigma.el, '°')}`,
    `  T_sys                     ${fmt(o.tsys_k, o.tsys_k_sigma, 'K', 1)}`,
    `  sun antenna temperature   ${fmt(o.sun_antenna_temp_k, o.sun_antenna_temp_k_sigma, 'K', 1)}`,
    `  sun flux                  ${fmt(o.sun_flux_sfu, o.sun_flux_sfu_sigma, 'sfu', 1)}${o.expected_flux_sfu !== null ? ` (entered: ${o.expected_flux_sfu} sfu)` : ''}`,
    ...o.cuts.map((c) => `  cut ${c.axis.padEnd(5)}  ${c.error ? `not fitted: ${c.error}` : `FWHM ${fmt(c.fwhm_deg, c.fwhm_deg_sigma, '°')}, centre ${fmt(c.centre_deg, c.centre_deg_sigma, '°')}, peak ${fmt(c.peak, c.peak_sigma, o.unit === 'K' ? 'K' : '', 1)}, baseline ${fmt(c.baseline, c.baseline_sigma, o.unit === 'K' ? 'K' : '', 1)}`}`),
    ...o.verdict.map((v) => `  note: ${v}`),
  ];
}

/** `fringe drift --source`: the live measurement. */
async function runLive(args: DriftArgs, live: DriftLiveArgs): Promise<number> {
  const dataDir = resolveDataDir(args.db);
  try {
    const r = await runDrift({
      source: live.source, scenario: live.scenario, dataDir, diameter: args.diameter, efficiency: args.efficiency, flux: args.flux,
      calibration: live.calibration, diodeTemperature: live.diode, diodeSwitch: live.diodeSwitch, hotTemperature: live.hot, coldTemperature: live.cold, gain: live.gain,
      onNotice: (n) => console.error(`fringe drift: ${n}`),
    });
    if (args.report) {
      const store = openStore(args.db, { readonly: true });
      try {
        const data = loadDrift(store, r.observation);
        const written = await writeDriftReport(args.report, {
          observation: r.observation, when: r.plan.passage, cuts: data.cuts, result: r, disk: data.disk ?? undefined,
          extra: runExtras(r),
        });
        if (written.notice) console.error(`fringe drift: ${written.notice}`);
        console.error(`fringe drift: report written: ${written.files.join(', ')}`);
      } finally {
        store.close();
      }
    }
    if (args.json) {
      console.log(JSON.stringify(r, null, 2));
      return exitCodes.ok;
    }
    console.log([
      `Observation ${r.observation}: sun drift at az ${r.plan.aim.az.toFixed(2)}°, el ${r.plan.aim.el.toFixed(2)}°, passage ${r.plan.passage}`,
      `  calibration (${r.calibration.method}, ${r.calibration.taken}): T_sys ${r.calibration.tsys_k.toFixed(1)} ± ${r.calibration.tsys_k_sigma.toFixed(1)} K`,
      ...resultLines(r),
      ...(r.radiometer ? [`  radiometer check: off-sun scatter / (T_sys/√(Bτ)) = ${r.radiometer.ratio.value.toFixed(2)} ± ${r.radiometer.ratio.sigma.toFixed(2)} (${r.radiometer.passes ? 'passes' : 'FAILS: more than thermal noise'})`] : []),
      ...(r.pointing_correction ? [`  pointing correction saved: add az ${r.pointing_correction.az.toFixed(3)}°, el ${r.pointing_correction.el.toFixed(3)}° to commanded positions`] : []),
    ].join('\n'));
    return exitCodes.ok;
  } catch (err) {
    if (err instanceof DriftRunError || err instanceof DeviceError || err instanceof FitError) {
      console.error(`fringe drift: ${err.message}`);
      return exitCodes.failure;
    }
    throw err;
  }
}
