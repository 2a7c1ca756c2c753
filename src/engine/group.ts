/**
 * Opening a coherent group for correlation: how many inputs a source has,
 * and its integer delays measured from the first samples of each input
 * (src/analysis/delay.ts) before the correlator is configured. The live view
 * and `fringe observe` both start a group this way; the samples read to
 * measure are correlated too.
 */
import type { Block } from '../../correlator/types.ts';
import type { SampleSource } from '../../devices/sdr/source.ts';
import { DelayError, measureDelays, type DelayFit } from '../analysis/delay.ts';

/** A group's delays as measured when it started (src/analysis/delay.ts). */
export interface GroupCalibration {
  /** The fit, or null when no common signal was found (the inputs are correlated without delays). */
  fit: DelayFit | null;
  notice: string;
  /** The blocks read to measure, correlated next. */
  held: Block[];
}

/** Samples per input a group's delay calibration reads (0.44 s at 2.4 MS/s). */
const calibrationSamples = 1 << 20;

/**
 * Reads the first `calibrationSamples` of every input of a group and
 * measures their delays. The blocks read are kept for the correlator. A
 * gap in them, or no common signal, leaves the delays at 0 and says so.
 */
export async function calibrateGroup(stream: AsyncIterator<Block>, inputs: number): Promise<GroupCalibration> {
  const held: Block[] = [];
  const got = new Array<number>(inputs).fill(0);
  let gap = false;
  while (got.some((n) => n < calibrationSamples)) {
    const r = await stream.next();
    if (r.done) break;
    held.push(r.value);
    if (r.value.dropped > 0 || r.value.firstSample !== got[r.value.input]) gap = true;
    got[r.value.input] = r.value.firstSample + r.value.data.length / 2;
  }
  if (gap || got.some((n) => n < calibrationSamples)) {
    return { fit: null, held, notice: 'The group’s delays could not be measured (samples were lost while calibrating): its inputs are correlated without delays; restart the live view to measure again.' };
  }
  const captures = Array.from({ length: inputs }, () => new Uint8Array(2 * calibrationSamples));
  for (const b of held) {
    if (b.firstSample < calibrationSamples) captures[b.input]!.set(b.data.subarray(0, 2 * (calibrationSamples - b.firstSample)), 2 * b.firstSample);
  }
  try {
    const fit = measureLadder(captures);
    const list = fit.delays.map((d, a) => `${a}: ${d}`).join(', ');
    const rho = fit.coefficient.slice(1).map((c) => c.toFixed(3)).join(', ');
    return { fit, held, notice: `Group delays measured from ${fit.samples.toLocaleString('en')} samples: ${list} samples (correlation ${rho} against input 0).` };
  } catch (err) {
    if (!(err instanceof DelayError)) throw err;
    return { fit: null, held, notice: `The group’s inputs are correlated without delays: ${err.message}.` };
  }
}

/**
 * Dongles started together are a few thousand samples apart: searched first
 * (±16384 samples, 16 segments averaged, about 0.5 s of work for 3 inputs).
 * Sources started one after another over a network (rtl_tcp servers stream
 * from their client's connection) can be much further apart: then the whole
 * capture is searched as one segment, to ± a quarter of it (±262144 samples,
 * 109 ms at 2.4 MS/s; about 2 s of work).
 */
function measureLadder(captures: Uint8Array[]): DelayFit {
  try {
    return measureDelays(captures);
  } catch (err) {
    if (!(err instanceof DelayError)) throw err;
    return measureDelays(captures, { maxLag: calibrationSamples / 4 });
  }
}

/** The blocks already read, then the rest of the stream; stopping stops the stream. */
export async function* resume(held: Block[], stream: AsyncIterator<Block>): AsyncGenerator<Block> {
  try {
    yield* held.splice(0);
    for (;;) {
      const r = await stream.next();
      if (r.done) return;
      yield r.value;
    }
  } finally {
    await stream.return?.();
  }
}

/** Inputs a source delivers: a group's members, else 1. */
export function inputsOf(source: SampleSource): number {
  return (source as { inputs?: number }).inputs ?? 1;
}

/** What an observation keeps of a group's calibration (nothing for a single input or an uncalibrated group). */
export function calibrationConfig(c: GroupCalibration | null): { calibration?: Record<string, unknown> } {
  return c?.fit ? { calibration: { method: 'cross-correlation peak against input 0 (src/analysis/delay.ts)', ...c.fit } } : {};
}
