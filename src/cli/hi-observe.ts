/** `fringe hi observe --switch position|frequency …`: a switched hydrogen-line observation recorded into the store (src/engine/hi-switch.ts). */
import type { BackendChoice } from '../../correlator/types.ts';
import { resolveDataDir } from '../../observations/paths.ts';
import * as inputs from '../api/inputs.ts';
import { backendChoices } from '../engine/backend.ts';
import { HiError } from '../analysis/hi/reduce.ts';
import { observeSwitched, offFrom, type SwitchedObserveOptions } from '../engine/hi-switch.ts';
import { type Command, UsageError, dbOption, exitCodes, option, parseCommandLine, sourceOption } from './command.ts';
import { Progress } from './progress.ts';
import { describeSwitchEnd, describeSwitchProgress } from '../engine/hi-progress.ts';

export const observeHelp = `Usage: fringe hi observe --switch position|frequency --seconds N [options] [--json] [--db DIR]

Records a switched 21 cm observation: on and off source (position switching,
the dish moved by the rotator: the simulated one for the simulator) or two LO
settings a throw apart (frequency switching, the receiver retuned), for
--cycles pairs of phases of seconds/(2·cycles) each. The store keeps when
each phase began ('note' events {switch, cycle}); 'fringe hi ID' then reduces
it as such: (on − off)/off × T_sys per cycle, or (lo − hi)/hi folded with
(hi − lo)/lo, in kelvin when T_sys is given (--tsys), else relative.

Options:
  --switch KIND      position | frequency
  --seconds N        seconds of samples in all phases together (slews not counted)
  --cycles N         on/off (lo/hi) pairs                                        [2]
  --off-az D         position: the off position D degrees away in azimuth (same elevation)
  --off-l D          position: the off position D degrees away in galactic longitude
  --off-b D          position: … and/or in galactic latitude (away from the plane: little HI)
  --off-radec H,D    position: the off position at RA H hours, Dec D degrees (J2000), followed
  --off-gal L,B      position: the off position at galactic l L, b B degrees, followed
  --az D --el D      position: the on position (default: where the rotator points)
  --throw-khz K      frequency: the throw between the LO settings, rounded to whole
                     channels                                                    [0.4 of the band]
  --freq HZ          frequency: the centre between the settings [the HI line];
                     position: the tuning [offset tuning]
  --tsys K           system temperature, kept with the observation for its reduction
  --source SPEC      sim | rtlsdr:INDEX | rtltcp:HOST:PORT | …                   [sim]
  --scenario FILE    simulator scenario (JSON)
  --rate HZ, --gain DB, --channels C, --taps T, --integration S, --backend B, --threads K
                     as for fringe observe                       [2.4M, 40, 1024, 4, 0.5, auto, 1]
  --target NAME      what is observed
  --fast             simulator: as fast as possible, not in real time
  --json             print {"id", "integrations", "status", "switching"}

Exit codes: 0 complete, 1 interrupted or failed, 2 bad usage.`;

export interface HiObserveArgs extends Omit<SwitchedObserveOptions, 'dataDir' | 'rotator'> {
  json: boolean;
  db: string | undefined;
}

/** The command line after 'observe': pure; UsageError for every mistake. */
export function parseObserve(argv: string[]): HiObserveArgs {
  const { values, positionals } = parseCommandLine({
    args: argv,
    allowPositionals: true,
    options: {
      switch: { type: 'string' }, seconds: { type: 'string' }, cycles: { type: 'string' },
      'off-az': { type: 'string' }, 'off-l': { type: 'string' }, 'off-b': { type: 'string' }, 'off-radec': { type: 'string' }, 'off-gal': { type: 'string' }, az: { type: 'string' }, el: { type: 'string' },
      'throw-khz': { type: 'string' }, freq: { type: 'string' }, tsys: { type: 'string' },
      source: { type: 'string', default: 'sim' }, scenario: { type: 'string' }, rate: { type: 'string' }, gain: { type: 'string' },
      channels: { type: 'string' }, taps: { type: 'string' }, integration: { type: 'string' }, backend: { type: 'string', default: 'auto' },
      threads: { type: 'string' }, target: { type: 'string' }, fast: { type: 'boolean', default: false }, json: { type: 'boolean', default: false }, db: { type: 'string' },
    },
  });
  if (positionals.length) throw new UsageError(`fringe hi observe takes no arguments (got '${positionals[0]}'); see fringe hi --help.`);
  if (values.switch === undefined) throw new UsageError('fringe hi observe needs --switch position or --switch frequency.');
  if (!(inputs.hiSwitchKinds as readonly string[]).includes(values.switch)) throw new UsageError(`--switch must be position or frequency (got '${values.switch}').`);
  const kind = values.switch as 'position' | 'frequency';
  if (values.seconds === undefined) throw new UsageError('fringe hi observe needs --seconds N (all phases together).');
  if (!backendChoices.includes(values.backend as BackendChoice)) throw new UsageError(`--backend must be one of ${backendChoices.join(', ')} (got '${values.backend}')`);
  sourceOption(values.source!);
  const offAz = option('--off-az', values['off-az'], inputs.switchOffset);
  const offL = option('--off-l', values['off-l'], inputs.switchOffset);
  const offB = option('--off-b', values['off-b'], inputs.switchOffset);
  const offRadec = option('--off-radec', values['off-radec'], inputs.offRadec);
  const offGal = option('--off-gal', values['off-gal'], inputs.offGalactic);
  const throwK = option('--throw-khz', values['throw-khz'], inputs.throwKhz);
  const offs = { ...(offAz !== undefined ? { offAz } : {}), ...(offL !== undefined ? { offL } : {}), ...(offB !== undefined ? { offB } : {}), ...(offRadec ? { offRadec } : {}), ...(offGal ? { offGal } : {}) };
  const problem = inputs.hiObserveProblem({ switch: kind, ...offs, ...(throwK !== undefined ? { throwKhz: throwK } : {}) });
  if (problem) throw new UsageError(`${problem}.`);
  const az = option('--az', values.az, inputs.azimuth), el = option('--el', values.el, inputs.gotoElevation);
  if ((az === undefined) !== (el === undefined)) throw new UsageError('give the on position as both --az and --el.');
  if (az !== undefined && kind !== 'position') throw new UsageError('--az and --el are the on position of position switching.');
  const off = offFrom(offs);
  if (values.scenario !== undefined && values.scenario.trim() === '') throw new UsageError('--scenario needs a scenario file');
  const tsys = option('--tsys', values.tsys, inputs.systemTemperature);
  const freq = option('--freq', values.freq, inputs.frequency);
  return {
    source: values.source!, kind,
    seconds: option('--seconds', values.seconds, inputs.seconds)!,
    cycles: option('--cycles', values.cycles, inputs.switchCycles) ?? 2,
    sampleRate: option('--rate', values.rate, inputs.sampleRate) ?? 2_400_000,
    gain: option('--gain', values.gain, inputs.gain) ?? 40,
    ...(freq !== undefined ? { centerFrequency: freq } : {}),
    ...(throwK !== undefined ? { throwHz: throwK * 1e3 } : {}),
    channels: option('--channels', values.channels, inputs.channels) ?? 1024,
    taps: option('--taps', values.taps, inputs.taps) ?? 4,
    integration: option('--integration', values.integration, inputs.integration) ?? 0.5,
    backend: values.backend as BackendChoice,
    threads: option('--threads', values.threads, inputs.threads) ?? 1,
    ...(values.target !== undefined ? { target: option('--target', values.target, { parse: (t) => { const p = inputs.nameProblem(t, 120); if (p) throw new inputs.InputError(p, t); return t.trim(); } })! } : {}),
    ...(values.scenario !== undefined ? { scenario: values.scenario } : {}),
    pacing: values.fast ? false : 1,
    ...(az !== undefined ? { on: { az, el: el! } } : {}),
    ...(off ? { off } : {}),
    ...(tsys !== undefined ? { tsysK: tsys } : {}),
    json: values.json!,
    db: dbOption(values.db),
  };
}

/** Runs `fringe hi observe` (argv after 'observe'). */
export async function runObserve(argv: string[]): Promise<number> {
  const { json, db, ...o } = parseObserve(argv);
  const bar = new Progress('observing');
  const stop = new AbortController();
  const onSigint = () => stop.abort();
  process.once('SIGINT', onSigint);
  try {
    let fraction = 0;
    const r = await observeSwitched({ ...o, dataDir: resolveDataDir(db) }, {
      signal: stop.signal,
      onProgress: (p) => bar.update((fraction = p.samples / p.total), describeSwitchProgress(o.kind, p)),
    });
    bar.update(r.status === 'complete' ? 1 : fraction, describeSwitchEnd(r, Math.floor(fraction * o.cycles + 1e-9)), true);
    for (const n of r.notices) process.stderr.write(`note: ${n}\n`);
    console.log(json ? JSON.stringify({ id: r.observationId, integrations: r.integrations, status: r.status, switching: r.switching }) : String(r.observationId));
    return r.status === 'complete' ? exitCodes.ok : exitCodes.failure;
  } catch (err) {
    bar.interrupt();
    if (err instanceof HiError) {
      console.error(`fringe hi observe: ${err.message}`);
      return exitCodes.failure;
    }
    throw err;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** Not registered on its own: `fringe hi` hands 'observe' here. */
export const observeCommand: Pick<Command, 'help'> = { help: observeHelp };
