/**
 * Recording the live view: its integrations into the store from the next
 * integration on (spectrum, total power), or its samples as they come to
 * SigMF in the data folder (raw) through a queue of their own, so a slow
 * disk drops blocks (recorded as gaps), never the live view's.
 */
import type { Block, Integration } from '../../correlator/types.ts';
import { BlockQueue } from '../../devices/sdr/block-queue.ts';
import type { SampleSource } from '../../devices/sdr/source.ts';
import type { Store } from '../../observations/store/store.ts';
import type { LiveView } from './live.ts';
import { defaultTarget } from './provenance.ts';
import { recordRawInto } from './raw.ts';
import { ObservationWriter } from './writer.ts';

export class RecorderError extends Error {
  override name = 'RecorderError';
}

/** A raw recording's share of the live stream. */
interface RawTap {
  tap: BlockQueue;
  /** Samples written so far. */
  samples: number;
  /** Why it ended early (the source stopped), or null. */
  ended: string | null;
}

interface Active {
  writer: ObservationWriter;
  view: LiveView;
  mode: string;
  target: string;
  raw: RawTap | null;
  /** Stops by itself at this sample (the first after the requested duration), or never. */
  until: number;
}

function refuseTuning(): never {
  throw new RecorderError('a raw recording follows the live view: retune the live view, not the recording');
}

export class Recorder {
  private active: Active | null = null;
  /** Raw recordings still being closed (their SigMF meta written, the observation ended). */
  private readonly finishing = new Set<Promise<void>>();

  constructor(
    private readonly store: Store,
    /** Told when a recording starts, stops or fails, so the station reports its status. */
    private readonly changed: () => void,
    private readonly fail: (err: unknown) => void,
  ) {}

  /** The observation being recorded, for the status. */
  status(): { id: number; mode: string; target: string; integrations: number; samples?: number } | null {
    const a = this.active;
    return a && { id: a.writer.rec.id, mode: a.mode, target: a.target, integrations: a.writer.integrations, ...(a.raw ? { samples: a.raw.samples } : {}) };
  }

  get id(): number | null {
    return this.active?.writer.rec.id ?? null;
  }

  /** Starts recording `view` (for `seconds` of samples, else until stopped); returns the observation's id. */
  start(view: LiveView, spec: { mode?: string; target?: string; seconds?: number } = {}): number {
    if (this.active) throw new RecorderError(`already recording observation ${this.active.writer.rec.id}`);
    const id = spec.mode === 'raw' ? this.startRaw(view, spec.target) : this.startIntegrations(view, spec);
    const first = spec.mode === 'raw' ? view.nextBlock : view.started ? view.next : 0;
    if (spec.seconds !== undefined) this.active!.until = first + Math.round(spec.seconds * view.session.source.tuning.sampleRate);
    return id;
  }

  private startIntegrations(view: LiveView, spec: { mode?: string; target?: string }): number {
    const s = view.session;
    // The recording begins with the next integration: its start, from the sample count, is the
    // observation's start, and the store's sample indices count from there.
    const offset = view.started ? view.next : 0;
    const mode = spec.mode ?? 'spectrum';
    const { rec, tracker } = s.startObservation(this.store, { mode, target: spec.target, start: s.timeOfSample(offset) });
    this.active = { writer: new ObservationWriter(rec, s, tracker, offset), view, mode, target: spec.target ?? defaultTarget(s.source), raw: null, until: Infinity };
    this.changed();
    return rec.id;
  }

  private startRaw(view: LiveView, target?: string): number {
    const s = view.session;
    if (s.inputs > 1) throw new RecorderError('raw recording takes one dongle; record the group in spectrum mode, or each dongle on its own');
    const rate = s.source.tuning.sampleRate;
    const { rec, tracker } = s.startObservation(this.store, {
      mode: 'raw',
      target,
      start: s.timeOfSample(view.nextBlock),
      // The correlator settings to reprocess with by default.
      config: { fx: { inputs: 1, channels: s.fx.channels, taps: s.fx.taps, spectraPerIntegration: s.fx.spectraPerIntegration, mode: 'autos' } },
    });
    const writer = new ObservationWriter(rec, s, tracker, view.nextBlock);
    const tap = new BlockQueue(64, { name: 'raw', policy: 'drop' });
    const source = s.source;
    const tee: SampleSource = {
      info: source.info,
      get tuning() {
        return source.tuning;
      },
      gains: source.gains,
      setCenterFrequency: refuseTuning,
      setSampleRate: refuseTuning,
      setGain: refuseTuning,
      setPpm: refuseTuning,
      setBiasTee: refuseTuning,
      blocks: () => tap,
      close: async () => tap.end(),
    };
    const raw: RawTap = { tap, samples: 0, ended: null };
    const finish = recordRawInto(this.store, rec, tee, { onProgress: (p) => (raw.samples = p.samples) })
      .then(({ samples, failure }) => {
        if (failure) {
          rec.interrupt((failure as Error).message ?? String(failure), rec.start + (s.clock.speed * samples) / rate);
          this.fail(failure);
        } else if (raw.ended) rec.interrupt(raw.ended);
        else rec.complete(rec.start + (s.clock.speed * samples) / rate);
      })
      .catch((err: unknown) => this.fail(err))
      .finally(() => {
        this.finishing.delete(finish);
        this.changed();
      });
    this.finishing.add(finish);
    this.active = { writer, view, mode: 'raw', target: target ?? defaultTarget(s.source), raw, until: Infinity };
    this.changed();
    return rec.id;
  }

  /** The live view's blocks: a raw recording's tee. */
  block(view: LiveView, block: Block): void {
    const a = this.active;
    if (!a?.raw || a.view !== view) return;
    if (block.firstSample >= a.until) return void this.stop();
    void a.raw.tap.putBlock(block.firstSample + block.data.length / 2 > a.until ? { ...block, data: block.data.subarray(0, 2 * (a.until - block.firstSample)) } : block);
  }

  /** The live view's integrations: stored while recording spectra. */
  integration(view: LiveView, i: Integration): void {
    const a = this.active;
    if (!a || a.raw || a.view !== view) return;
    // A timed recording has all it asked for: an integration after it (past a gap) is not kept.
    if (i.firstSample >= a.until) return void this.stop();
    try {
      a.writer.append(i);
      // A timed recording ends with the integration that reaches its duration.
      if (i.firstSample + i.spectra * view.session.fx.channels >= a.until) this.stop();
    } catch (err) {
      // Disk full, read-only: the recording stops with what it has; the live view goes on.
      this.fail(err);
      this.active = null;
      this.changed();
    }
  }

  /** Where the dish points now (a rotator arrived), as a 'pointing' event. */
  pointing(extra: Record<string, unknown>): void {
    const a = this.active;
    if (!a?.writer.rec.active) return;
    try {
      a.writer.pointingNow(extra);
    } catch (err) {
      this.fail(err);
    }
  }

  /** An event of the recording (a group's calibration change) at sky time `time` (Unix s); nothing when not recording. */
  event(kind: 'calibration' | 'note', data: Record<string, unknown>, time: number): void {
    const a = this.active;
    if (!a?.writer.rec.active) return;
    try {
      a.writer.rec.event(kind, data, time);
    } catch (err) {
      this.fail(err);
    }
  }

  /** Stops recording; returns the observation's id. A raw recording is closed in the background: await `closed()`. */
  stop(): number | null {
    const a = this.active;
    if (!a) return null;
    if (a.raw) a.raw.tap.end();
    else if (a.writer.rec.active) a.writer.rec.complete();
    this.active = null;
    this.changed();
    return a.writer.rec.id;
  }

  /** The live view ended on its own: keep what was recorded, and say why. */
  interrupt(why: string): void {
    const a = this.active;
    if (!a) return;
    if (a.raw) {
      a.raw.ended = why;
      a.raw.tap.end();
    } else a.writer.rec.interrupt(why);
    this.active = null;
  }

  /** Resolves once every stopped raw recording has its SigMF meta written and its observation ended. */
  async closed(): Promise<void> {
    while (this.finishing.size > 0) await Promise.all([...this.finishing]);
  }
}
