/**
 * Recording an observation: source → FX pipeline → store, one integration
 * per transaction as it arrives. The recipe behind `fringe observe` and the
 * engine's record button. Whatever fails (the source, the disk, a stop
 * request), what was recorded stays and the observation says how it ended.
 */
import type { BackendChoice, Block, FxConfig, Integration } from '../../correlator/types.ts';
import { Pipeline } from '../../correlator/pipeline.ts';
import { openSource } from '../../devices/sdr/open.ts';
import type { SampleSource, Tuning } from '../../devices/sdr/source.ts';
import { Store } from '../../observations/store/store.ts';
import type { Recording } from '../../observations/store/recording.ts';
import { openBackend } from './backend.ts';
import { defaultTarget, provenance } from './provenance.ts';
import { calibrateGroup, calibrationConfig, inputsOf, resume } from './group.ts';

export type ObserveMode = 'spectrum' | 'totalpower' | 'raw';

export interface ObserveOptions {
  /** A source spec (devices/sdr/open.ts): sim, rtlsdr:0, rtltcp:HOST:PORT, file:PATH, group:SPEC,SPEC. */
  source: string;
  mode: ObserveMode;
  tuning: Partial<Tuning>;
  /** Channels C (power of two). */
  channels: number;
  /** Polyphase filter taps T. */
  taps: number;
  /** Integration time (s); rounded to whole spectra. */
  integration: number;
  /** How long to record (s of samples, not of wall clock). */
  seconds: number;
  backend: BackendChoice;
  threads?: number;
  /** The data folder of the store. */
  dataDir: string;
  /** What is observed, for the list (default: 'Sun' for the simulator, else ''). */
  target?: string;
  /** Simulator scenario file (sim sources). */
  scenario?: string;
  /** Multiple of real time for sim and file sources, or false for as fast as possible. */
  pacing?: number | false;
  /** Time of sample 0 (Unix s) when it is not now (reprocessing a recording). */
  start?: number;
  /** Kept in the observation's configuration beside the rest (e.g. what it was reprocessed from). */
  extraConfig?: Record<string, unknown>;
}

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
}

/** Spectra per integration for an integration time (s) at a sample rate (Hz), at least one. */
export function spectraFor(integration: number, sampleRate: number, channels: number): number {
  return Math.max(1, Math.round((integration * sampleRate) / channels));
}

export async function observe(
  o: ObserveOptions,
  hooks: { onProgress?: (p: ObserveProgress) => void; onNotice?: (notice: string) => void; signal?: AbortSignal } = {},
): Promise<ObserveResult> {
  if (o.mode === 'raw') return (await import('./raw.ts')).recordRaw(o, hooks);
  const store = Store.open(o.dataDir);
  const notices: string[] = [];
  let source: SampleSource | null = null;
  let recording: Recording | null = null;
  try {
    source = await openSource(o.source, { tuning: o.tuning, pacing: o.pacing, scenario: o.scenario });
    const rate = source.tuning.sampleRate;
    const inputs = inputsOf(source);
    const stream: AsyncIterator<Block> = source.blocks()[Symbol.asyncIterator]();
    // A group: its delays, measured on its first samples (which are recorded too).
    const calibration = inputs > 1 ? await calibrateGroup(stream, inputs) : null;
    if (calibration) {
      notices.push(calibration.notice);
      hooks.onNotice?.(calibration.notice);
    }
    const fx: FxConfig = {
      inputs,
      channels: o.channels,
      taps: o.taps,
      spectraPerIntegration: spectraFor(o.integration, rate, o.channels),
      mode: inputs > 1 ? 'full' : 'autos',
      ...(calibration?.fit ? { delays: calibration.fit.delays } : {}),
    };
    const { backend, notice } = await openBackend(o.backend, fx, {
      threads: o.threads,
      onNotice: (n) => {
        notices.push(n);
        hooks.onNotice?.(n);
      },
    });
    if (notice) notices.push(notice);
    const pipeline = new Pipeline(backend);
    recording = store.startObservation({
      mode: o.mode,
      target: o.target ?? defaultTarget(source),
      start: o.start,
      config: {
        ...o.extraConfig,
        ...provenance(source, o.source),
        fx: { ...fx, gains: null },
        backend: backend.name,
        ...calibrationConfig(calibration),
      },
    });
    const total = Math.round(o.seconds * rate);
    const progress: ObserveProgress = { samples: 0, total, integrations: 0, dropped: 0, clipped: 0 };
    const keep = (list: Integration[]) => {
      for (const i of list) {
        recording!.append(i);
        progress.integrations++;
        progress.dropped += i.dropped.reduce((a, b) => a + b, 0);
        progress.clipped += i.clipped.reduce((a, b) => a + b, 0);
      }
    };
    // Samples taken so far per input: the recording has `total` of every input.
    const taken = new Array<number>(inputs).fill(0);
    try {
      for await (const block of resume(calibration?.held ?? [], stream)) {
        if (hooks.signal?.aborted) break;
        const n = Math.max(0, Math.min(block.data.length / 2, total - block.firstSample));
        if (n > 0) {
          const data = n < block.data.length / 2 ? block.data.subarray(0, 2 * n) : block.data;
          keep(await pipeline.push({ ...block, data }));
        }
        taken[block.input] = Math.max(taken[block.input]!, Math.min(total, block.firstSample + n));
        progress.samples = Math.min(...taken);
        hooks.onProgress?.(progress);
        if (progress.samples >= total) break;
      }
      keep(await pipeline.end());
    } finally {
      await backend.close();
    }
    if (hooks.signal?.aborted || progress.samples < total) {
      const reason = hooks.signal?.aborted ? 'stopped before the requested duration' : 'the source ended before the requested duration';
      recording.interrupt(reason);
      notices.push(reason);
      return { observationId: recording.id, integrations: progress.integrations, status: 'interrupted', notices };
    }
    recording.complete();
    return { observationId: recording.id, integrations: progress.integrations, status: 'complete', notices };
  } catch (err) {
    // Keep what was recorded: the observation ends as interrupted, with the reason.
    if (recording?.active) recording.interrupt(err instanceof Error ? err.message : String(err));
    throw err;
  } finally {
    await source?.close();
    store.close();
  }
}
