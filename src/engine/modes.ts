/**
 * Modes as recipes: a measurement is written over a session (session.ts) as
 * prepare (point and calibrate), run (record what it needs), analyse (what
 * the recording says, with units) and report (words and numbers for the
 * user). Spectrum, total power and raw are the first three; the drift scan,
 * the HI survey and the interferometer run are added the same way.
 */
import type { Integration } from '../../correlator/types.ts';
import { baselineIndex } from '../../correlator/baselines.ts';
import type { Store } from '../../observations/store/store.ts';
import type { Recording } from '../../observations/store/recording.ts';
import type { ObservationConfig } from '../../observations/store/types.ts';
import { recordRawInto } from './raw.ts';
import type { Session } from './session.ts';
import { ObservationWriter } from './writer.ts';

export type ObserveMode = 'spectrum' | 'totalpower' | 'raw';

export interface ObserveProgress {
  /** Samples recorded so far, and the total asked for. */
  samples: number;
  total: number;
  integrations: number;
  dropped: number;
  clipped: number;
}

export interface ObserveResult {
  observationId: number;
  integrations: number;
  status: 'complete' | 'interrupted';
  /** Backend notices (a GPU fallback) and the reason for an interruption. */
  notices: string[];
  /** The mode's analysis of what it recorded (modes.ts), in words and numbers. */
  report?: { summary: string; values: Record<string, number | number[]> };
}

/** What a mode's run is given: the store, the open session, and how long. */
export interface ModeRun {
  store: Store;
  session: Session;
  /** Set by run(): the observation being written. */
  writer: ObservationWriter | null;
  target?: string;
  /** Sky time of the session's sample 0 (Unix s). */
  start: number;
  /** How long to record (s of samples). */
  seconds: number;
  signal?: AbortSignal;
  onProgress?: (p: ObserveProgress) => void;
  extraConfig?: Record<string, unknown>;
  config?: Partial<ObservationConfig>;
  /** Told of the observation as soon as it is started (a scheduled job links it, tracking stores its pointing). */
  onRecording?: (rec: Recording) => void;
}

/** What a run recorded. */
export interface RunOutcome extends ObserveProgress {
  /** Sky time (Unix s) of the end of what was recorded, or undefined for the store's last integration. */
  end?: number;
  /** Per input: the autos summed over the run (channels), and each integration's band power per spectrum. */
  autos: Float64Array[];
  bandPower: number[][];
  spectra: number;
  channels: number;
  sampleRate: number;
  centerFrequency: number;
}

export interface Measurement<A = Record<string, number | number[]>> {
  readonly mode: ObserveMode;
  /** Whether it needs the FX correlator (raw records samples only). */
  readonly correlates: boolean;
  /** Point and calibrate before recording (these three take the dish and calibration as they are). */
  prepare(session: Session): Promise<void>;
  run(r: ModeRun): Promise<RunOutcome>;
  analyse(o: RunOutcome): A;
  report(a: A): NonNullable<ObserveResult['report']>;
}

/** Records the session's integrations until `seconds` of every input's samples went in. */
async function recordIntegrations(mode: ObserveMode, r: ModeRun): Promise<RunOutcome> {
  const { session } = r;
  const pipeline = session.pipeline!;
  const { rec, tracker } = session.startObservation(r.store, { mode, target: r.target, start: r.start, extraConfig: r.extraConfig, config: r.config });
  const writer = (r.writer = new ObservationWriter(rec, session, tracker));
  r.onRecording?.(rec);
  const rate = session.source.tuning.sampleRate;
  const { inputs: N, channels: C, mode: fxMode } = pipeline.config;
  const total = Math.round(r.seconds * rate);
  const out: RunOutcome = {
    samples: 0, total, integrations: 0, dropped: 0, clipped: 0,
    autos: Array.from({ length: N }, () => new Float64Array(C)), bandPower: Array.from({ length: N }, () => []),
    spectra: 0, channels: C, sampleRate: rate, centerFrequency: session.source.tuning.centerFrequency,
  };
  const keep = (list: Integration[]) => {
    for (const i of list) {
      writer.append(i);
      out.integrations++;
      out.dropped += i.dropped.reduce((a, b) => a + b, 0);
      out.clipped += i.clipped.reduce((a, b) => a + b, 0);
      out.spectra += i.spectra;
      for (let a = 0; a < N; a++) {
        const p = fxMode === 'full' ? baselineIndex(N, a, a) : a;
        let band = 0;
        for (let j = 0; j < C; j++) {
          const v = i.visibilities[2 * (p * C + j)]!;
          out.autos[a]![j] += v;
          band += v;
        }
        out.bandPower[a]!.push(i.spectra > 0 ? band / i.spectra : 0);
      }
    }
  };
  // Samples taken so far per input: the recording has `total` of every input.
  const taken = new Array<number>(N).fill(0);
  for await (const block of session.blocks()) {
    if (r.signal?.aborted) break;
    session.noteBlock(block);
    const n = Math.max(0, Math.min(block.data.length / 2, total - block.firstSample));
    if (n > 0) keep(await pipeline.push(n < block.data.length / 2 ? { ...block, data: block.data.subarray(0, 2 * n) } : block));
    taken[block.input] = Math.max(taken[block.input]!, Math.min(total, block.firstSample + n));
    out.samples = Math.min(...taken);
    r.onProgress?.(out);
    if (out.samples >= total) break;
  }
  keep(await pipeline.end());
  return out;
}

/** Mean and fractional rms of a series (the radiometer's ΔT/T for total power). */
function stats(xs: readonly number[]): { mean: number; rms: number } {
  const mean = xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
  const v = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / Math.max(1, xs.length - 1);
  return { mean, rms: mean > 0 ? Math.sqrt(v) / mean : 0 };
}

/** A spectrum: the mean autos over the run; reports each input's brightest channel away from DC (Hz). */
export const spectrumMode: Measurement = {
  mode: 'spectrum',
  correlates: true,
  prepare: async () => {},
  run: (r) => recordIntegrations('spectrum', r),
  analyse(o) {
    const df = o.sampleRate / o.channels;
    const peak = o.autos.map((s) => {
      let best = -1;
      for (let j = 0; j < o.channels; j++) if (Math.abs(j - o.channels / 2) > 1 && (best < 0 || s[j]! > s[best]!)) best = j;
      return o.centerFrequency + (best - o.channels / 2) * df;
    });
    return { peakFrequency: peak, spectra: o.spectra };
  },
  report: (a) => ({ summary: `brightest channel at ${(a.peakFrequency as number[]).map((f) => `${(f / 1e6).toFixed(4)} MHz`).join(', ')}`, values: a }),
};

/** Total power: each integration's band power; reports its mean (counts² per spectrum) and fractional rms. */
export const totalPowerMode: Measurement = {
  mode: 'totalpower',
  correlates: true,
  prepare: async () => {},
  run: (r) => recordIntegrations('totalpower', r),
  analyse: (o) => {
    const s = o.bandPower.map(stats);
    return { meanPower: s.map((x) => x.mean), fractionalRms: s.map((x) => x.rms) };
  },
  report: (a) => ({ summary: `band power ${(a.meanPower as number[]).map((p) => p.toPrecision(4)).join(', ')} (fractional rms ${(a.fractionalRms as number[]).map((r) => r.toExponential(2)).join(', ')})`, values: a }),
};

/** Raw: the source's cu8 samples to SigMF in the data folder (raw.ts), for reprocessing; reports what was lost. */
export const rawMode: Measurement = {
  mode: 'raw',
  correlates: false,
  prepare: async () => {},
  async run(r) {
    const { session } = r;
    if (session.inputs > 1) throw new Error('raw recording takes one dongle; record a group in spectrum mode, or each dongle on its own');
    const { rec, tracker } = session.startObservation(r.store, { mode: 'raw', target: r.target, start: r.start, extraConfig: r.extraConfig, config: r.config });
    r.writer = new ObservationWriter(rec, session, tracker);
    r.onRecording?.(rec);
    const tuning = session.source.tuning;
    const total = Math.round(r.seconds * tuning.sampleRate);
    const out: RunOutcome = { samples: 0, total, integrations: 0, dropped: 0, clipped: 0, autos: [], bandPower: [], spectra: 0, channels: 0, sampleRate: tuning.sampleRate, centerFrequency: tuning.centerFrequency };
    const { samples, failure } = await recordRawInto(r.store, rec, session.source, {
      samples: total,
      signal: r.signal,
      onProgress: (p) => {
        out.samples = p.samples;
        out.dropped = p.dropped;
        r.onProgress?.(out);
      },
    });
    if (failure) {
      // The observation ends at its last sample on disk (a full disk, a failed source), not at its start.
      rec.interrupt(failure instanceof Error ? failure.message : String(failure), r.writer.timeOf(samples));
      throw failure;
    }
    out.samples = samples;
    out.end = r.writer.timeOf(samples);
    return out;
  },
  analyse: (o) => ({ samples: o.samples, droppedFraction: o.samples + o.dropped > 0 ? o.dropped / (o.samples + o.dropped) : 0 }),
  report: (a) => ({ summary: `${a.samples} samples recorded, ${(100 * (a.droppedFraction as number)).toFixed(3)} % lost`, values: a }),
};

const modes: Record<ObserveMode, Measurement> = { spectrum: spectrumMode, totalpower: totalPowerMode, raw: rawMode };

/** The recipe of a mode. */
export function measurement(mode: ObserveMode): Measurement {
  const m = modes[mode];
  if (!m) throw new Error(`there is no mode '${String(mode)}': choose spectrum, totalpower or raw`);
  return m;
}
