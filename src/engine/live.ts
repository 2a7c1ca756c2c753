/**
 * The live view's stages over a session: each a loop over a bounded queue.
 * The reader takes blocks from the source, the correlator turns them into
 * integrations, the sink hands them to the station (recording, spectrum
 * events). A failure in one ends the stages after it once they have used
 * what was queued, so an integration computed before a dongle fails is
 * still recorded.
 */
import type { BackendChoice, Block, Integration } from '../../correlator/types.ts';
import { parseSourceSpec } from '../../devices/sdr/open.ts';
import type { SampleSource, Tuning } from '../../devices/sdr/source.ts';
import { BlockQueue, Stage, type StageCounts } from '../../devices/sdr/block-queue.ts';
import type { Session } from './session.ts';
import { defaultIntegration } from '../api/inputs.ts';

export type { StageCounts } from '../../devices/sdr/block-queue.ts';

export interface LiveOptions {
  /** Source spec (devices/sdr/open.ts); default 'sim'. */
  source?: string;
  tuning?: Partial<Tuning>;
  channels?: number;
  taps?: number;
  /** Seconds per spectrum shown (and per integration recorded); default inputs.defaultIntegration (1 s, as every door). */
  integration?: number;
  backend?: BackendChoice;
  threads?: number;
  /** Sim and file sources: multiple of real time, or false for as fast as possible. */
  pacing?: number | false;
  /** A group: measure its delays before correlating (default true). */
  calibrate?: boolean;
}

/** Live options with their defaults filled in. */
export type Resolved = Required<Pick<LiveOptions, 'source' | 'channels' | 'taps' | 'integration' | 'backend'>> & Pick<LiveOptions, 'threads' | 'pacing' | 'calibrate' | 'tuning'>;

/** The defaults: the simulator, 1024 channels, 4 taps, the one default integration (1 s), the best backend. */
export function resolveLive(options: LiveOptions): Resolved {
  return { source: options.source ?? 'sim', channels: options.channels ?? 1024, taps: options.taps ?? 4, integration: options.integration ?? defaultIntegration, backend: options.backend ?? 'auto', threads: options.threads, pacing: options.pacing, calibrate: options.calibrate, tuning: options.tuning };
}

/** The devices a source spec holds that a second session could not open beside it: dongles, rtl_tcp servers (one client each). */
export function devicesOf(spec: string): string[] {
  const s = parseSourceSpec(spec);
  return (s.kind === 'group' ? s.members : [s]).flatMap((m) => (m.kind === 'rtlsdr' ? ['rtlsdr'] : m.kind === 'rtltcp' ? [`rtltcp:${m.host}:${m.port}`] : []));
}


/** What the live stages hand on. */
export interface LiveSink {
  /** Every block the reader takes (a raw recording's tee). */
  block(view: LiveView, block: Block): void;
  integration(view: LiveView, i: Integration): void;
  /** The source ended or failed on its own (not stopped): `failure` or null. */
  ended(view: LiveView, failure: unknown): void;
}

/** Whether `next` differs from `current` only in the tuning of the same source, at its sample rate (retuned in place). */
export function retunesOnly(current: Resolved, next: Resolved, tuning: Readonly<Tuning>): boolean {
  const same = (['source', 'channels', 'taps', 'integration', 'backend', 'threads', 'pacing', 'calibrate'] as const).every((k) => current[k] === next[k]);
  return same && next.tuning !== undefined && (next.tuning.sampleRate === undefined || next.tuning.sampleRate === tuning.sampleRate);
}

/**
 * Applies tuning fields to a running source; when one is refused, those
 * already applied are set back, so the source is as it was, and the refusal is thrown.
 */
export async function retune(source: SampleSource, t: Partial<Tuning>): Promise<void> {
  const before = { ...source.tuning };
  const steps: [keyof Tuning, () => Promise<unknown>, () => Promise<unknown>][] = [
    ['centerFrequency', () => source.setCenterFrequency(t.centerFrequency!), () => source.setCenterFrequency(before.centerFrequency)],
    ['ppm', () => source.setPpm(t.ppm!), () => source.setPpm(before.ppm)],
    ['gain', () => source.setGain(t.gain!), () => source.setGain(before.gain)],
    ['biasTee', () => source.setBiasTee(t.biasTee!), () => source.setBiasTee(before.biasTee)],
  ];
  const undo: (() => Promise<unknown>)[] = [];
  try {
    for (const [key, set, reset] of steps) {
      if (t[key] === undefined || t[key] === before[key]) continue;
      await set();
      undo.unshift(reset);
    }
  } catch (err) {
    for (const u of undo) await u().catch(() => {});
    throw err;
  }
}

/**
 * Opens a device just released: an rtl_tcp server (or a dongle's USB
 * interface) takes a moment to serve again, so a refusal as busy is tried
 * again, every 200 ms for up to 3 s.
 */
export async function reopening<T>(open: () => Promise<T>): Promise<T> {
  for (let waited = 0; ; waited += 200) {
    try {
      return await open();
    } catch (err) {
      const kind = (err as { kind?: string }).kind;
      if (waited >= 3000 || (kind !== 'busy' && kind !== 'protocol')) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

export class LiveView {
  /** Source → FX core: drops when full for a source that cannot wait (a dongle, the paced simulator), else waits. */
  readonly blocks: BlockQueue;
  /** FX core → store and subscribers: waits (nothing computed is lost). */
  readonly integrations = new Stage<Integration>('integrations', 8, 'wait');
  /** First sample of the next integration (samples since sample 0). */
  next = 0;
  /** First sample of the next block the reader takes (samples since sample 0). */
  nextBlock = 0;
  /** Whether a block arrived yet (the recording's sample 0 then follows the stream). */
  started = false;
  private stopped = false;
  readonly done: Promise<void>;

  /**
   * @param lossless read no faster than the FX core takes it (a file, an
   *   unpaced simulator) instead of dropping what does not fit
   */
  constructor(
    readonly session: Session,
    private readonly sink: LiveSink,
    lossless: boolean,
  ) {
    this.blocks = new BlockQueue(16 * session.inputs, { name: 'blocks', policy: lossless ? 'wait' : 'drop' });
    this.done = this.run();
  }

  stages(): StageCounts[] {
    return [this.blocks.snapshot(), this.integrations.snapshot()];
  }

  /** Stops the stages and closes the session (its device and backend). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.blocks.drain();
    await this.session.closeSource();
    await this.done;
  }

  private async run(): Promise<void> {
    const stream = this.session.blocks();
    const reading = this.read(stream);
    const correlating = this.correlate();
    let failure: unknown = null;
    try {
      for await (const i of this.integrations) {
        this.next = i.firstSample + i.spectra * this.session.fx.channels;
        this.session.noteIntegration(i as { calibration?: number });
        if (!this.stopped) this.sink.integration(this, i);
      }
    } catch (err) {
      failure = err;
    }
    this.blocks.drain();
    this.integrations.drain();
    // The source ended or failed on its own, or the FX core failed: release the device.
    if (!this.stopped) await this.session.closeSource().catch(() => {});
    await Promise.all([reading, correlating]);
    await this.session.close();
    if (!this.stopped) this.sink.ended(this, failure);
  }

  /** Source → blocks stage (which counts what it drops and tells the correlator where). */
  private async read(stream: AsyncIterable<Block>): Promise<void> {
    let yielded = performance.now();
    try {
      for await (const block of stream) {
        if (this.stopped || this.blocks.ended) break;
        this.session.noteBlock(block);
        this.started = true;
        this.sink.block(this, block);
        this.nextBlock = block.firstSample + block.data.length / 2;
        await this.blocks.putBlock(block);
        // An unpaced source (pacing: false) and the FX core can keep to the microtask queue for good:
        // every 20 ms let timers and I/O run (the rotator's poll, the API's sockets).
        if (performance.now() - yielded > 20) {
          await new Promise<void>((r) => setImmediate(r));
          yielded = performance.now();
        }
      }
      this.blocks.end();
    } catch (err) {
      this.blocks.fail(err);
    }
  }

  /** Blocks stage → FX core → integrations stage (which waits: nothing computed is dropped). */
  private async correlate(): Promise<void> {
    const pipeline = this.session.pipeline!;
    try {
      for await (const block of this.blocks) {
        for (const i of await pipeline.push(block)) await this.integrations.put(i);
      }
      this.integrations.end();
    } catch (err) {
      this.integrations.fail(err);
      this.blocks.drain();
    }
  }
}
