/**
 * Recording an observation: a session (session.ts) run by a mode's recipe
 * (modes.ts) into the store, one integration per transaction as it arrives.
 * The recipe behind `fringe observe` and reprocessing. Whatever fails (the
 * source, the disk, a stop request), what was recorded stays, the
 * observation says how it ended, and the session (its worker threads and
 * device) is closed.
 */
import type { BackendChoice } from '../../correlator/types.ts';
import type { Tuning } from '../../devices/sdr/source.ts';
import { Store } from '../../observations/store/store.ts';
import type { ObservationConfig } from '../../observations/store/types.ts';
import { measurement, type ModeRun, type ObserveMode, type ObserveProgress, type ObserveResult } from './modes.ts';

export type { ObserveMode, ObserveProgress, ObserveResult } from './modes.ts';
import type { SkyClock } from './clock.ts';
import type { PositionSource } from './pointing.ts';
import type { Recording } from '../../observations/store/recording.ts';
import { Session } from './session.ts';
import { loadSettings } from './settings.ts';

export { spectraFor } from './session.ts';

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
  /** The sky clock for a source without its own (default real time; the simulator keeps its sky). */
  clock?: SkyClock;
  /** Recorded as is in place of the session's (reprocessing keeps the original's site, clock and pointing). */
  config?: Partial<ObservationConfig>;
  /** A connected rotator: where the dish points (a simulated dish follows it). */
  rotator?: PositionSource | null;
}

export interface ObserveHooks {
  onProgress?: (p: ObserveProgress) => void;
  onNotice?: (notice: string) => void;
  signal?: AbortSignal;
  /** Told of the observation as soon as it is started. */
  onRecording?: (rec: Recording) => void;
}

export async function observe(o: ObserveOptions, hooks: ObserveHooks = {}): Promise<ObserveResult> {
  const mode = measurement(o.mode);
  const store = Store.open(o.dataDir);
  let session: Session | null = null;
  let run: ModeRun | null = null;
  try {
    const notices: string[] = [];
    const notice = (n: string) => {
      notices.push(n);
      hooks.onNotice?.(n);
    };
    session = await Session.open({
      source: o.source,
      tuning: o.tuning,
      channels: o.channels,
      taps: o.taps,
      integration: o.integration,
      backend: mode.correlates ? o.backend : null,
      threads: o.threads,
      pacing: o.pacing,
      scenario: o.scenario,
      site: loadSettings(o.dataDir).site,
      clock: o.clock,
      rotator: o.rotator ?? null,
      onNotice: notice,
    });
    // The group's delays are told as they are measured; the backend's choice only in the result (the CLI prints it last).
    for (const n of session.notices) {
      if (n === session.backendNotice) notices.push(n);
      else notice(n);
    }
    await mode.prepare(session);
    const start = o.start ?? session.clock.now() / 1000;
    run = { store, session, writer: null, target: o.target, start, seconds: o.seconds, signal: hooks.signal, onProgress: hooks.onProgress, onRecording: hooks.onRecording, extraConfig: o.extraConfig, config: o.config };
    const outcome = await mode.run(run);
    const report = mode.report(mode.analyse(outcome));
    const rec = run.writer!.rec;
    // The mode's result is kept with the observation, at the sky time of its end.
    rec.event('note', { mode: o.mode, report }, outcome.end ?? run.writer!.timeOf(outcome.samples));
    if (outcome.samples < outcome.total) {
      const reason = hooks.signal?.aborted ? 'stopped before the requested duration' : 'the source ended before the requested duration';
      rec.interrupt(reason, outcome.end);
      notices.push(reason);
      return { observationId: rec.id, integrations: outcome.integrations, status: 'interrupted', notices, report };
    }
    rec.complete(outcome.end);
    return { observationId: rec.id, integrations: outcome.integrations, status: 'complete', notices, report };
  } catch (err) {
    // Keep what was recorded: the observation ends as interrupted, with the reason.
    const rec = run?.writer?.rec;
    if (rec?.active) rec.interrupt(err instanceof Error ? err.message : String(err));
    throw err;
  } finally {
    // Every path: the backend's worker threads and the device are released, or the process cannot exit.
    await session?.close();
    store.close();
  }
}
