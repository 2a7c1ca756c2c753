/** `fringe hi ID [--reference ID...]` and `fringe hi survey ID...`: hydrogen-line spectra and the Galactic rotation curve. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../../../observations/cli-support.ts';
import { resolveDataDir } from '../../../observations/paths.ts';
import { addHiMask, clearHiMask, hiMaskPath, loadHiMask, removeHiMask, type HiMaskRange } from '../../engine/hi-mask.ts';
import { ObservationError } from '../../../observations/errors.ts';
import * as inputs from '../../api/inputs.ts';
import { HiError, reduceObservation, surveyObservations } from '../../engine/hi.ts';
import { describeSwitchedReduction } from '../../engine/hi-progress.ts';
import { observeHelp, parseObserve, runObserve, type HiObserveArgs } from '../hi-observe.ts';
import { type Command, UsageError, dbOption, exitCodes, option, parseCommandLine } from '../command.ts';

const help = `Usage: fringe hi ID [--reference ID...] [options] [--json] [--db DIR]
       fringe hi survey ID... [--reference ID...] [--out DIR] [options] [--json] [--db DIR]
       fringe hi mask add --mask LO:HI... [--note TEXT] | remove --mask LO:HI... | list | clear [--json] [--db DIR]
       fringe hi observe --switch position|frequency --seconds N [options] (below)

Reduces a stored 21 cm spectrum: calibration (kelvin from a hot load and a
cold sky reference, or a hot load against the sky's own line-free level;
otherwise relative, divided by a reference or by the sky's median), each
integration moved to the LSR (from its site, pointing and time) and
regridded before stacking, RFI flags (spectral kurtosis, spikes, --mask),
smoothing, a polynomial baseline over line-free channels chosen
automatically (or --line-free), the noise σ, the velocity range above 5σ
and Gaussian components with 1σ uncertainties.

'survey' reduces each observation and builds the longitude–velocity diagram
and, for 0° < l < 90°, the tangent-point rotation curve (R₀ 8.5 kpc,
V₀ 220 km/s): it writes lv-diagram.svg and rotation-curve.svg into --out.

'mask' keeps a persistent RFI mask: velocity ranges (km/s, LSR) saved in the
data folder (hi-mask.json, beside station.json) and flagged by every later
reduction (fringe hi, fringe hi survey, the UI's spectrum page) besides any
--mask given; 'add' and 'remove' take the ranges as --mask, 'clear' empties it.

Options:
  --reference ID     a hot load, cold sky or terminated-input observation (repeat for
                     several; their role is the one they were imported or recorded with)
  --t-hot K          hot load temperature (default 300 K)
  --t-cold K         cold sky temperature (default 10 K)
  --mask LO:HI       flag a velocity range (km/s, LSR; repeat)
  --save-mask        also save the --mask ranges in the persistent mask (see 'mask')
  --note TEXT        mask add: why the ranges are flagged (e.g. a local transmitter)
  --line-free LO:HI  fit the baseline on this range instead of the automatic choice (repeat)
  --tsys K           a switched observation (fringe hi observe): the system temperature its
                     differences are scaled by (default: the one it was recorded with; none: relative)
  --smooth KMS       Gaussian smoothing FWHM (default 2 km/s)
  --order N          baseline polynomial order 0–5 (default 1 in kelvin, 3 relative)
  --out PATH         one spectrum: write it as CSV to PATH (v_lsr_kms, the smoothed and raw
                     values, with '#' lines naming the frame, unit and calibration);
                     survey: the folder the images go into (default: the current folder)
  --json             print one JSON object
  --db DIR           data folder (default: FRINGE_DATA_DIR, else the platform's user-data folder)

JSON of a spectrum: observation, frame ('lsr'), lsr_correction_kms (mean v_LSR − v_topo),
unit ('K' or 'relative'), calibration, noise, velocity_range_kms [lo, hi] (emission
above 5σ, null when none), components [{v_lsr_kms, peak, fwhm_kms, and their _sigma}]
sorted by peak, baseline, flags, mask {saved, given} (the ranges flagged),
velocity[], spectrum[], notes.
JSON of mask: file, ranges [{lo_kms, hi_kms, added, note}].
JSON of a survey: points [{l_deg, terminal_velocity_kms, r_kpc, v_kms, …}], r0_kpc,
v0_kms, threshold_rule, mean_v_kms, scatter_v_kms, flat, skipped, files.

Exit codes: 0 reduced; 1 the data cannot be reduced (the message says why) or
the store failed; 2 bad usage or no such observation.`;

export interface HiArgs {
  survey: boolean;
  /** 'fringe hi mask ACTION': the persistent mask edited or listed (ids empty); null for a reduction. */
  maskAction: 'add' | 'remove' | 'list' | 'clear' | null;
  saveMask: boolean;
  note: string | undefined;
  ids: number[];
  references: number[];
  tHot: number | undefined;
  tCold: number | undefined;
  mask: [number, number][];
  lineFree: [number, number][];
  smooth: number | undefined;
  order: number | undefined;
  out: string | undefined;
  json: boolean;
  db: string | undefined;
  /** A switched observation's system temperature (K), for its reduction. */
  tsys?: number;
  /** 'fringe hi observe …': the switched recording's options (the rest unused). */
  observe?: HiObserveArgs;
}

const temperature = (noun: string) => ({ parse: (t: string) => {
  const n = inputs.parseDecimal(t, 'must be a temperature in kelvin');
  if (!(n >= 0 && n <= 5000)) throw new inputs.InputError('must be from 0 to 5000 K', t);
  void noun;
  return n;
} });

/** The command line read: pure; UsageError for every mistake. */
export function parse(argv: string[]): HiArgs {
  if (argv[0] === 'observe') {
    const observe = parseObserve(argv.slice(1));
    return { survey: false, maskAction: null, saveMask: false, note: undefined, ids: [], references: [], tHot: undefined, tCold: undefined, mask: [], lineFree: [], smooth: undefined, order: undefined, out: undefined, json: observe.json, db: observe.db, observe };
  }
  const { values, positionals } = parseCommandLine({
    args: argv,
    allowPositionals: true,
    options: {
      reference: { type: 'string', multiple: true }, 't-hot': { type: 'string' }, 't-cold': { type: 'string' },
      mask: { type: 'string', multiple: true }, 'line-free': { type: 'string', multiple: true }, smooth: { type: 'string' }, order: { type: 'string' },
      out: { type: 'string' }, json: { type: 'boolean' }, db: { type: 'string' }, 'save-mask': { type: 'boolean' }, note: { type: 'string' }, tsys: { type: 'string' },
    },
  });
  const mask = (values.mask ?? []).map((t) => option('--mask', t, { parse: inputs.parseVelocityRange })!);
  if (positionals[0] === 'mask') {
    const action = positionals[1];
    if (action !== 'add' && action !== 'remove' && action !== 'list' && action !== 'clear') throw new UsageError(`fringe hi mask takes add, remove, list or clear${action === undefined ? '' : ` (got '${action}')`}.`);
    if (positionals.length > 2) throw new UsageError(`fringe hi mask ${action} takes no further arguments (got '${positionals[2]}'); give ranges as --mask LO:HI.`);
    if ((action === 'add' || action === 'remove') && mask.length === 0) throw new UsageError(`fringe hi mask ${action} needs the ranges: --mask LO:HI (km/s, LSR; repeat).`);
    if ((action === 'list' || action === 'clear') && mask.length) throw new UsageError(`fringe hi mask ${action} takes no --mask.`);
    const other = (['reference', 't-hot', 't-cold', 'line-free', 'smooth', 'order', 'out', 'save-mask', 'tsys'] as const).find((k) => values[k] !== undefined);
    if (other) throw new UsageError(`--${other} is for a reduction, not for fringe hi mask.`);
    if (values.note !== undefined && action !== 'add') throw new UsageError('--note goes with fringe hi mask add.');
    const note = values.note === undefined ? undefined : option('--note', values.note, { parse: (t) => {
      if (!t.trim() || t.length > 200) throw new inputs.InputError('must be a short text (1 to 200 characters)', t);
      return t.trim();
    } });
    return { survey: false, maskAction: action, saveMask: false, note, ids: [], references: [], tHot: undefined, tCold: undefined, mask, lineFree: [], smooth: undefined, order: undefined, out: undefined, json: values.json ?? false, db: dbOption(values.db) };
  }
  if (values.note !== undefined) throw new UsageError('--note goes with fringe hi mask add.');
  if (values['save-mask'] && mask.length === 0) throw new UsageError('--save-mask saves the --mask ranges: give at least one --mask LO:HI.');
  const survey = positionals[0] === 'survey';
  const idTexts = survey ? positionals.slice(1) : positionals;
  if (idTexts.length === 0) throw new UsageError(survey ? 'give the observations of the survey: fringe hi survey ID ID ….' : 'give one observation ID (fringe list shows them).');
  if (!survey && idTexts.length > 1) throw new UsageError(`give one observation ID (got ${idTexts.length}); for several along the plane use fringe hi survey ID….`);
  const ids = idTexts.map((t) => option('observation', t, inputs.observationId)!);
  const references = (values.reference ?? []).map((t) => option('--reference', t, inputs.observationId)!);
  if (!survey && references.includes(ids[0]!)) throw new UsageError('an observation cannot be its own reference.');
  const tHot = option('--t-hot', values['t-hot'], temperature('hot'));
  const tCold = option('--t-cold', values['t-cold'], temperature('cold'));
  if (tHot !== undefined && tCold !== undefined && !(tHot > tCold)) throw new UsageError(`--t-hot (${tHot} K) must be above --t-cold (${tCold} K).`);
  const smooth = option('--smooth', values.smooth, { parse: (t) => {
    const n = inputs.parseDecimal(t, 'must be a velocity width in km/s');
    if (!(n >= 0 && n <= 100)) throw new inputs.InputError('must be from 0 to 100 km/s', t);
    return n;
  } });
  const order = option('--order', values.order, { parse: (t) => {
    const n = inputs.parseWhole(t, 'must be a whole number from 0 to 5');
    if (!(n >= 0 && n <= 5)) throw new inputs.InputError('must be a whole number from 0 to 5', t);
    return n;
  } });
  return {
    survey, maskAction: null, saveMask: values['save-mask'] ?? false, note: undefined, ids, references, tHot, tCold,
    mask,
    lineFree: (values['line-free'] ?? []).map((t) => option('--line-free', t, { parse: inputs.parseVelocityRange })!),
    smooth, order,
    out: values.out === undefined ? undefined : option('--out', values.out, { parse: inputs.parseFolder }),
    json: values.json ?? false,
    db: dbOption(values.db),
    ...(values.tsys !== undefined ? { tsys: option('--tsys', values.tsys, inputs.systemTemperature)! } : {}),
  };
}

const f = (x: number, d = 2) => x.toFixed(d);

/** A reduced spectrum as CSV whose header lines name the velocity frame, the unit and how it was reached. */
export function spectrumCsv(r: ReturnType<typeof reduceObservation>): string {
  const col = r.unit === 'K' ? 't_k' : 'relative';
  const head = [
    `# fringe hi: observation ${r.observation}${r.l_deg !== null ? `, l ${r.l_deg.toFixed(3)} deg, b ${r.b_deg!.toFixed(3)} deg` : ''}`,
    `# velocity frame: LSR (kinematic, classical radio definition), radio convention, rest 1420.405751768 MHz; v_LSR - v_topo = ${r.lsr_correction_kms} km/s`,
    `# unit: ${r.unit} (${r.calibration}); baseline order ${r.baseline.order} subtracted; smoothed: ${r.smoothing_fwhm_kms} km/s FWHM; noise ${r.noise.toPrecision(4)}`,
    ...(r.mask.saved.length || r.mask.given.length ? [`# masked (km/s, LSR): ${[...r.mask.saved.map(([lo, hi]) => `${lo}:${hi} (saved mask)`), ...r.mask.given.map(([lo, hi]) => `${lo}:${hi}`)].join(', ')}`] : []),
    `v_lsr_kms,${col},${col}_unsmoothed`,
  ];
  const cell = (x: number | null) => (x === null ? '' : x.toPrecision(7));
  return `${head.join('\n')}\n${r.velocity.map((v, i) => `${v.toFixed(4)},${cell(r.spectrum[i]!)},${cell(r.raw[i]!)}`).join('\n')}\n`;
}

function addRanges(dir: string, ranges: [number, number][], note?: string): HiMaskRange[] {
  let saved: HiMaskRange[] = [];
  try {
    for (const r of ranges) saved = addHiMask(dir, r, note);
  } catch (err) {
    if (err instanceof HiError) throw err;
    throw new ObservationError('io', `cannot write the HI mask ${hiMaskPath(dir)}: ${(err as Error).message}`, { cause: err });
  }
  return saved;
}

/** fringe hi mask add|remove|list|clear. */
function runMask(args: HiArgs): number {
  const dir = resolveDataDir(args.db);
  try {
    let ranges: HiMaskRange[];
    if (args.maskAction === 'add') ranges = addRanges(dir, args.mask, args.note);
    else if (args.maskAction === 'remove') {
      ranges = [];
      for (const r of args.mask) ranges = removeHiMask(dir, r);
    } else if (args.maskAction === 'clear') {
      clearHiMask(dir);
      ranges = [];
    } else ranges = loadHiMask(dir);
    if (args.json) console.log(JSON.stringify({ file: hiMaskPath(dir), ranges }));
    else {
      console.log(ranges.length
        ? [`Saved HI mask (${hiMaskPath(dir)}), flagged by every reduction:`, ...ranges.map((r) => `  ${r.lo_kms} to ${r.hi_kms} km/s (LSR)${r.note ? `  ${r.note}` : ''}${r.added ? `  added ${r.added}` : ''}`)].join('\n')
        : `The saved HI mask is empty (${hiMaskPath(dir)}).`);
    }
    return exitCodes.ok;
  } catch (err) {
    if (err instanceof HiError) {
      console.error(`fringe hi mask: ${err.message}`);
      return exitCodes.failure;
    }
    throw err;
  }
}

export const command: Command = {
  name: 'hi',
  summary: 'Reduce a 21 cm spectrum (kelvin, LSR, baseline, components); survey: l–v diagram and rotation curve',
  help: `${help}\n\n${observeHelp}`,
  parse,
  async run(argv) {
    const args = parse(argv);
    if (args.observe) return runObserve(argv.slice(1));
    if (args.maskAction) return runMask(args);
    const store = openStore(args.db, { readonly: true });
    if (args.saveMask) {
      try {
        addRanges(store.dir, args.mask);
      } catch (err) {
        store.close();
        throw err;
      }
      console.error(`fringe hi: saved ${args.mask.map(([a, b]) => `${a}:${b}`).join(', ')} km/s in the persistent mask (${hiMaskPath(store.dir)})`);
    }
    const options = {
      ...(args.mask.length ? { mask: args.mask } : {}), ...(args.lineFree.length ? { lineFree: args.lineFree } : {}),
      ...(args.smooth !== undefined ? { smoothKms: args.smooth } : {}), ...(args.order !== undefined ? { baselineOrder: args.order } : {}),
      ...(args.tHot !== undefined ? { tHot: args.tHot } : {}), ...(args.tCold !== undefined ? { tCold: args.tCold } : {}),
      ...(args.tsys !== undefined ? { tsys: args.tsys } : {}),
    };
    try {
      if (args.survey) {
        const s = surveyObservations(store, args.ids, args.references, options);
        const dir = args.out ?? '.';
        const files = { lv_diagram: join(dir, 'lv-diagram.svg'), rotation_curve: join(dir, 'rotation-curve.svg') };
        try {
          writeFileSync(files.lv_diagram, s.images.lv_svg);
          writeFileSync(files.rotation_curve, s.images.rotation_svg);
        } catch (err) {
          throw new ObservationError('io', `cannot write the survey images into ${dir}: ${(err as Error).message}`, { cause: err });
        }
        const { images: _images, ...rest } = s;
        void _images;
        if (args.json) console.log(JSON.stringify({ ...rest, files }, null, 2));
        else {
          console.log([
            `Survey of ${s.observations.length} observations (${s.unit}); R₀ ${s.r0_kpc} kpc, V₀ ${s.v0_kms} km/s`,
            '     l (°)   v_t (km/s)   R (kpc)   V (km/s)   V less the dispersion wing',
            ...s.points.map((p) => `  ${f(p.l_deg, 1).padStart(8)}  ${`${f(p.terminal_velocity_kms, 1)} ± ${f(p.terminal_velocity_sigma_kms, 1)}`.padStart(12)}  ${f(p.r_kpc).padStart(8)}  ${f(p.v_kms, 1).padStart(8)}   ${f(p.v_corrected_kms, 1).padStart(8)}`),
            ...(s.mean_v_kms !== null ? [`  mean V ${f(s.mean_v_kms, 1)} km/s, scatter ${f(s.scatter_v_kms!, 1)} km/s; rms about ${s.v0_kms} km/s: ${f(s.flat!.rms_about_v0_kms, 1)} km/s (${s.flat!.within_scatter ? 'flat within the scatter' : 'not flat within the scatter'})`] : ['  fewer than two tangent points: no curve']),
            ...s.skipped.map((k) => `  observation ${k.id} (l ${f(k.l_deg, 1)}°) not used: ${k.why}`),
            `  ${s.threshold_rule}`,
            `  wrote ${files.lv_diagram} and ${files.rotation_curve}`,
          ].join('\n'));
        }
        return exitCodes.ok;
      }
      const r = reduceObservation(store, args.ids[0]!, args.references, options);
      if (args.out !== undefined) {
        try {
          writeFileSync(args.out, spectrumCsv(r));
        } catch (err) {
          throw new ObservationError('io', `cannot write ${args.out}: ${(err as Error).message}`, { cause: err });
        }
        console.error(`fringe hi: wrote ${args.out}`);
      }
      if (args.json) console.log(JSON.stringify(r));
      else {
        const u = r.unit === 'K' ? 'K' : '(relative)';
        console.log([
          `Observation ${r.observation}: ${r.integrations} integrations${r.l_deg !== null ? ` at l ${f(r.l_deg, 1)}°, b ${f(r.b_deg!, 1)}°` : ''}`,
          ...(r.switching ? [`  switching     ${describeSwitchedReduction(r.switching)}`] : []),
          `  frame         LSR (v_LSR − v_topo ${f(r.lsr_correction_kms)} km/s${r.lsr_correction_spread_kms > 0.01 ? `, changing by ${f(r.lsr_correction_spread_kms)} over the observation` : ''})`,
          `  unit          ${r.unit}: ${r.calibration}`,
          `  baseline      order ${r.baseline.order} over ${r.baseline.line_free_kms.length} line-free ranges (${r.baseline.automatic ? 'automatic' : 'given'}); noise ${r.noise.toPrecision(3)} ${u} after ${f(r.smoothing_fwhm_kms)} km/s smoothing`,
          `  flags         ${r.flags.rfi} RFI, ${r.flags.mask} masked, ${r.flags.edge} band-edge channels${r.flags.dc ? ', the DC channel' : ''}${r.flags.calibration ? `, ${r.flags.calibration} without a calibration gain` : ''}${r.mask.saved.length ? `; saved mask ${r.mask.saved.map(([lo, hi]) => `${lo}:${hi}`).join(', ')} km/s` : ''}`,
          `  emission      ${r.undecided ? 'cannot decide (the baseline under the line is unknown: see the note)' : r.velocity_range_kms ? `${f(r.velocity_range_kms[0], 1)} to ${f(r.velocity_range_kms[1], 1)} km/s above ${r.detect_sigma}σ${r.range_cut.low || r.range_cut.high ? ` (cut by the band's ${r.range_cut.low && r.range_cut.high ? 'ends' : r.range_cut.low ? 'low end' : 'high end'})` : ''}` : `none above ${r.detect_sigma}σ`}`,
          ...r.components.map((c, i) => `  component ${i + 1}   v_LSR ${f(c.v_lsr_kms)} ± ${f(c.v_lsr_sigma_kms)} km/s, peak ${c.peak.toPrecision(4)} ± ${c.peak_sigma.toPrecision(2)} ${u}, FWHM ${f(c.fwhm_kms)} ± ${f(c.fwhm_sigma_kms)} km/s`),
          ...r.component_notes.map((n) => `  note: ${n}`),
          ...r.notes.map((n) => `  note: ${n}`),
        ].join('\n'));
      }
      return exitCodes.ok;
    } catch (err) {
      if (err instanceof ObservationError && err.kind === 'not-found') throw new UsageError(err.message);
      if (err instanceof HiError) {
        console.error(`fringe hi: ${err.message}`);
        return exitCodes.failure;
      }
      throw err;
    } finally {
      store.close();
    }
  },
};
