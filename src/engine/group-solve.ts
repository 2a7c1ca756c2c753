/**
 * One calibration check of a coherent group, the heavy part of
 * group-tracking.ts: integer delays by cross-correlation (delay.ts), then
 * fractional delays and per-channel gains from the on − off sums of the
 * float64 reference correlator (groupcal.ts). About a second of work for
 * three inputs, so a live station runs it in a worker thread
 * (`offThreadSolver`, group-solve-worker.ts) and keeps its event loop free
 * for the spectrum, the rotator and the API; tests may run it in-thread.
 */
import { referenceIntegrations } from '../../correlator/reference.ts';
import { startWorker } from '../../correlator/threads.ts';
import { DelayError, measureDelays } from '../analysis/delay.ts';
import { solveGroupCalibration, type GroupSums } from '../analysis/groupcal.ts';
import { FitError } from '../analysis/lsq.ts';

export interface SolveRequest {
  inputs: number;
  /** Channels of the solve. */
  channels: number;
  maxLag: number;
  /** Captures per input (interleaved unsigned 8-bit I/Q) with the noise source on, and off (null: no switch). */
  on: Uint8Array[];
  off: Uint8Array[] | null;
}

export type SolveResult =
  | { ok: true; delays: number[]; gains: Float32Array[]; coherence: number[] }
  /** The data could not give a calibration (no common signal, an input without the noise source): why. */
  | { ok: false; reason: string };

export type Solver = (r: SolveRequest) => Promise<SolveResult>;

/** The check, in this thread. */
export async function solveCheck(r: SolveRequest): Promise<SolveResult> {
  const { inputs: N, channels: C } = r;
  let integer;
  try {
    integer = measureDelays(r.on, { maxLag: r.maxLag });
  } catch (err) {
    if (err instanceof DelayError) return { ok: false, reason: err.message };
    throw err;
  }
  const current = { delays: integer.delays, gains: null };
  const sums = async (x: Uint8Array[]): Promise<GroupSums> => {
    const [s] = await referenceIntegrations({ inputs: N, channels: C, taps: 4, spectraPerIntegration: 1 << 30 }, x, current);
    return { visibilities: s!.visibilities, spectra: s!.spectra };
  };
  try {
    const s = solveGroupCalibration(N, C, await sums(r.on), r.off ? await sums(r.off) : null, { current });
    return { ok: true, delays: s.delays, gains: s.gains, coherence: s.coherence };
  } catch (err) {
    if (err instanceof FitError) return { ok: false, reason: err.message };
    throw err;
  }
}

/**
 * A solver that runs each check in one worker thread, started at the first
 * check; `close` ends it. A worker that fails rejects the check (the tracker
 * reports it as lost and checks again).
 */
export function offThreadSolver(): Solver & { close(): Promise<void> } {
  let worker: ReturnType<typeof startWorker> | null = null;
  let seq = 0;
  const waiting = new Map<number, { resolve: (r: SolveResult) => void; reject: (e: Error) => void }>();
  const fail = (err: Error) => {
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
    worker = null;
  };
  const solve = (r: SolveRequest): Promise<SolveResult> => {
    if (!worker) {
      worker = startWorker(new URL('./group-solve-worker.ts', import.meta.url));
      worker.on('message', (m: { id: number; result?: SolveResult; error?: string }) => {
        const w = waiting.get(m.id);
        waiting.delete(m.id);
        if (m.error !== undefined) w?.reject(new Error(m.error));
        else w?.resolve(m.result!);
      });
      worker.on('error', fail);
      worker.on('exit', (code) => fail(new Error(`the calibration worker exited (code ${code})`)));
      worker.unref();
    }
    const id = ++seq;
    const w = worker;
    return new Promise<SolveResult>((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      w.postMessage({ id, request: r });
    });
  };
  return Object.assign(solve, {
    async close() {
      const w = worker;
      worker = null;
      if (w) {
        w.removeAllListeners('exit');
        await w.terminate();
      }
      for (const x of waiting.values()) x.reject(new Error('the calibration worker was stopped'));
      waiting.clear();
    },
  });
}
