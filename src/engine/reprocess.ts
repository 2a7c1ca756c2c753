/**
 * Reprocessing: a raw observation's SigMF recording run again through the FX
 * core with new settings (channels, taps, integration time, backend), as fast
 * as the machine allows, into a new observation that keeps the original's
 * target and start time and says where it came from.
 */
import { statSync } from 'node:fs';
import { Store } from '../../observations/store/store.ts';
import type { BackendChoice } from '../../correlator/types.ts';
import type { TaskEvent } from '../api/types.ts';
import { observe, type ObserveProgress, type ObserveResult } from './observe.ts';
import { throttle } from './progress.ts';

export interface ReprocessOptions {
  /** The raw observation to reprocess. */
  observationId: number;
  dataDir: string;
  /** Correlator settings; each defaults to the raw observation's. */
  channels?: number;
  taps?: number;
  /** Integration time (s). */
  integration?: number;
  backend: BackendChoice;
  threads?: number;
}

export class ReprocessError extends Error {
  override name = 'ReprocessError';
}

export async function reprocess(o: ReprocessOptions, hooks: { onProgress?: (p: ObserveProgress) => void; signal?: AbortSignal } = {}): Promise<ObserveResult> {
  const store = Store.open(o.dataDir);
  let plan;
  try {
    const obs = store.getObservation(o.observationId);
    const [raw] = store.rawRecordings(o.observationId);
    if (!raw) throw new ReprocessError(`observation ${o.observationId} (${obs.mode}) has no raw recording to reprocess; record one with fringe observe --mode raw`);
    const data = store.filePath(raw.path);
    const samples = Math.floor(statSync(data).size / 2);
    const fx = obs.config.fx;
    plan = {
      meta: data.replace(/\.sigmf-data$/, '.sigmf-meta'),
      seconds: samples / raw.sampleRate,
      start: raw.start,
      target: obs.target,
      channels: o.channels ?? fx.channels,
      taps: o.taps ?? fx.taps,
      integration: o.integration ?? (fx.spectraPerIntegration * fx.channels) / raw.sampleRate,
      sampleRate: raw.sampleRate,
      // The sky it was recorded under: its site, clock, pointing and antennas, kept as they were.
      config: Object.fromEntries((['site', 'clock', 'pointing', 'antennas'] as const).filter((k) => obs.config[k] !== undefined).map((k) => [k, obs.config[k]])),
    };
  } finally {
    store.close();
  }
  return observe(
    {
      source: `file:${plan.meta}`,
      mode: 'spectrum',
      tuning: {},
      channels: plan.channels,
      taps: plan.taps,
      integration: plan.integration,
      seconds: plan.seconds,
      backend: o.backend,
      threads: o.threads,
      dataDir: o.dataDir,
      target: plan.target,
      pacing: false,
      start: plan.start,
      extraConfig: { reprocessedFrom: o.observationId },
      config: plan.config,
    },
    hooks,
  );
}

/** What the station's reprocess call takes (the observation, and settings that default to the raw observation's). */
export interface ReprocessSpec {
  id: number;
  channels?: number;
  taps?: number;
  integration?: number;
  backend?: BackendChoice;
}

/**
 * The station's reprocess: the same as `fringe reprocess`, its progress as
 * 'task' events (at most 5 a second), its end or failure as the last one.
 */
export async function reprocessTask(dataDir: string, spec: ReprocessSpec, emit: (t: TaskEvent) => void): Promise<{ id: number; integrations: number; status: string }> {
  const task: TaskEvent = { kind: 'reprocess', observation: spec.id, fraction: 0, message: `reprocessing observation ${spec.id}` };
  emit(task);
  const report = throttle((p: ObserveProgress) => emit({ ...task, fraction: p.samples / p.total, message: `${p.integrations} integrations` }), 200);
  try {
    const result = await reprocess(
      { observationId: spec.id, dataDir, channels: spec.channels, taps: spec.taps, integration: spec.integration, backend: spec.backend ?? 'cpu' },
      { onProgress: report },
    );
    emit({ ...task, fraction: 1, message: `done: observation ${result.observationId}, ${result.integrations} integrations`, result: result.observationId });
    return { id: result.observationId, integrations: result.integrations, status: result.status };
  } catch (err) {
    emit({ ...task, message: `failed: ${(err as Error).message}`, failed: true });
    throw err;
  }
}
