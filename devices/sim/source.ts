/**
 * The simulator behind the SampleSource interface: `SimSource` is one
 * antenna's dongle, `SimGroup` a set of dongles on one clock yielding blocks
 * for N inputs. Both are paced at the sample rate (or a multiple of it, or
 * not at all) and also offer synchronous reads for tests and benchmarks.
 *
 * A SimSource for antenna a gives exactly the bytes of input a of a group
 * over the same scenario: every stream is keyed by seed and sample index.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DeviceError } from '../errors.ts';
import type { Block, SampleSource, SourceInfo, Tuning } from '../sdr/source.ts';
import { SimEngine } from './engine.ts';
import { r820tGains } from './frontend.ts';
import type { PointingInput } from './pointing.ts';
import { loadScenario, parseScenario, type Scenario } from './scenario.ts';

/**
 * How far behind (ms of samples) a consumer of a paced simulator may fall
 * before samples are lost: what librtlsdr's 15 transfers of 256 KiB hold at
 * 2.4 MS/s (0.82 s).
 */
const bufferMs = 800;

export interface SimOptions {
  /** A scenario: a file path (JSON), or an object checked like a file; default: the default station. */
  scenario?: string | Partial<Scenario> | Record<string, unknown>;
  /** Samples per block (default 16 384, 32 KiB of cu8, like an rtl-sdr transfer). */
  blockSamples?: number;
  /**
   * Pacing: blocks come at `pacing` × the sample rate (1 = real time, the
   * default); false delivers as fast as they are computed.
   */
  pacing?: number | false;
  /** Wall-clock start used when the scenario's start is 'now' (ms since the Unix epoch). */
  now?: number;
}

export interface SimSourceOptions extends SimOptions {
  /** Which scenario antenna this dongle belongs to (default 0). */
  antenna?: number;
  /** Block.input of the blocks (default 0). */
  input?: number;
  /** Drives the pointing (a rotator's position, a function of sky time), overriding the scenario. */
  pointing?: PointingInput;
}

export interface SimGroupOptions extends SimOptions {
  /** Scenario antennas in the group, in input order (default all). */
  antennas?: number[];
  /** Pointing per input, overriding the scenario. */
  pointing?: (PointingInput | undefined)[];
}

function resolveScenario(s: SimOptions['scenario']): Scenario {
  if (typeof s === 'string') return loadScenario(s);
  return parseScenario(s ?? {});
}

function checkOptions(o: SimOptions): { blockSamples: number; pacing: number | false } {
  const blockSamples = o.blockSamples ?? 16384;
  if (!Number.isInteger(blockSamples) || blockSamples < 1 || blockSamples > 1 << 24) {
    throw new DeviceError('invalid', `blockSamples ${blockSamples} must be an integer from 1 to 16 777 216 (samples).`);
  }
  const pacing = o.pacing ?? 1;
  if (pacing !== false && !(typeof pacing === 'number' && pacing > 0 && Number.isFinite(pacing))) {
    throw new DeviceError('invalid', `pacing ${String(pacing)} must be a positive multiple of real time, or false for as fast as possible.`);
  }
  return { blockSamples, pacing };
}

/** Shared by the source and the group: tuning setters, pacing, closing. */
abstract class SimDevice {
  protected closed = false;
  protected streaming = false;
  readonly gains: readonly number[] = r820tGains;

  protected constructor(
    readonly engine: SimEngine,
    protected readonly blockSamples: number,
    protected readonly pacing: number | false,
  ) {}

  get tuning(): Readonly<Tuning> {
    return { ...this.engine.tuning };
  }

  protected check(): void {
    if (this.closed) throw new DeviceError('closed', 'the simulated dongle is closed; open a new one.');
  }

  async setCenterFrequency(hz: number): Promise<number> {
    this.check();
    return this.engine.setCenterFrequency(hz);
  }
  async setSampleRate(hz: number): Promise<number> {
    this.check();
    return this.engine.setSampleRate(hz);
  }
  async setGain(db: number | 'auto'): Promise<number | 'auto'> {
    this.check();
    return this.engine.setGain(db);
  }
  async setPpm(ppm: number): Promise<number> {
    this.check();
    return this.engine.setPpm(ppm);
  }
  async setBiasTee(on: boolean): Promise<boolean> {
    this.check();
    this.engine.tuning.biasTee = on;
    // A noise source powered by the bias tee (scenario noiseSource.biasTee) switches with it.
    if (this.engine.scenario.noiseSource.biasTee) this.engine.setNoiseSource(on);
    return on;
  }
  /** Swings the hot load (an ambient absorber, scenario hotLoad) in front of every feed (true) or out (false). */
  setHotLoad(on: boolean): boolean {
    return this.engine.setHotLoad(on);
  }
  /**
   * Switches the common noise source (true/false), or back to the scenario's
   * schedule (null). Returns the first sample index (as the blocks count
   * them) made after the switch: blocks already made (up to a synthesis hop
   * and the sample offsets further) have the old state.
   */
  setNoiseSource(on: boolean | null): number {
    this.engine.setNoiseSource(on);
    return this.nextCount();
  }

  /** The sample index (as the blocks count them) of the next sample made, the furthest of the inputs'. */
  protected nextCount(): number {
    let next = 0;
    for (let i = 0; i < this.engine.inputCount; i++) next = Math.max(next, this.engine.position(i));
    return next;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /**
   * Waits until `samples` more samples are due at the pacing rate, counting
   * from `clock.due` (ms, performance.now()), which it advances; the rate is
   * the one applied now, so a retune changes the pace from the next block on.
   * A consumer that falls further behind than a dongle's buffers hold
   * (`bufferMs` of samples) loses the samples that did not fit, as it would
   * with a dongle: returns how many, for the next block's `dropped`.
   */
  protected async pace(clock: { due: number }, samples: number): Promise<number> {
    if (this.pacing === false) return 0;
    const perMs = (this.engine.tuning.sampleRate * this.pacing) / 1000;
    clock.due += samples / perMs;
    const wait = clock.due - performance.now();
    if (wait < -bufferMs) {
      const lost = Math.floor((-wait - bufferMs) * perMs);
      clock.due += lost / perMs;
      return lost;
    }
    if (wait > 1) await sleep(wait);
    // Behind (a busy machine): still let the event loop's I/O in between blocks;
    // without a turn a consumer in the same process (a socket being greeted, a
    // command arriving) waits until the machine catches up, which it may not.
    else await new Promise((r) => setImmediate(r));
    return 0;
  }

  /**
   * Streams what `next` makes, `blockSamples` per input at a time, paced;
   * `lost`: the samples a consumer that fell behind lost before them.
   */
  protected async *stream(next: (lost: number) => Block[]): AsyncGenerator<Block> {
    this.startStreaming();
    try {
      const clock = { due: performance.now() };
      let lost = 0;
      while (!this.closed) {
        for (const b of next(lost)) yield b;
        lost = await this.pace(clock, this.blockSamples);
      }
    } finally {
      this.streaming = false;
    }
  }

  protected startStreaming(): void {
    this.check();
    if (this.streaming) throw new DeviceError('busy', 'this simulated dongle is already streaming; break out of the other blocks() loop first.');
    this.streaming = true;
  }
}

export class SimSource extends SimDevice implements SampleSource {
  readonly info: SourceInfo;

  private constructor(engine: SimEngine, private readonly input: number, name: string, blockSamples: number, pacing: number | false) {
    super(engine, blockSamples, pacing);
    this.info = { kind: 'sim', name: `sim: ${name}` };
  }

  static async open(options: SimSourceOptions = {}): Promise<SimSource> {
    const { blockSamples, pacing } = checkOptions(options);
    const scenario = resolveScenario(options.scenario);
    const a = options.antenna ?? 0;
    const pointing = options.pointing ? { [a]: options.pointing } : undefined;
    const engine = await SimEngine.create(scenario, { antennas: [a], pointing, now: options.now });
    const input = options.input ?? 0;
    return new SimSource(engine, input, `antenna ${a} (${scenario.antennas[a].name})`, blockSamples, pacing);
  }

  private blockCount = 0;
  /** Samples lost without a trace so far (loseSamples): the stream is ahead of the count by this many. */
  private hidden = 0;

  /**
   * The next `samples` samples as a block, computed now (no pacing); a
   * simulated gap before it when the scenario drops samples, and `lost`
   * more samples skipped (a consumer that fell behind).
   */
  read(samples = this.blockSamples, lost = 0): Block {
    this.check();
    const dropped = this.engine.dropBefore(0, this.blockCount++) + lost;
    if (dropped) this.engine.skip(0, dropped);
    const data = new Uint8Array(2 * samples);
    const firstSample = this.engine.read(0, data) - this.hidden;
    return { input: this.input, firstSample, data, receivedAt: Date.now(), dropped };
  }

  /**
   * Loses the next `samples` samples without a trace, as a dongle over
   * rtl_tcp does when its server's buffer overflows: the stream jumps ahead,
   * the sample count and `dropped` do not (what a coherent group's calibration
   * tracking must find from the data). Takes effect from the next block;
   * returns that block's first sample (the count it will carry).
   */
  loseSamples(samples: number): number {
    this.check();
    if (!Number.isInteger(samples) || samples < 1) throw new DeviceError('invalid', `samples ${samples} must be a positive integer (samples lost).`);
    this.engine.skip(0, samples);
    this.hidden += samples;
    return this.nextCount();
  }

  protected override nextCount(): number {
    return this.engine.position(0) - this.hidden;
  }

  blocks(): AsyncGenerator<Block> {
    return this.stream((lost) => [this.read(this.blockSamples, lost)]);
  }
}

export class SimGroup extends SimDevice {
  readonly info: SourceInfo;

  private constructor(engine: SimEngine, names: string[], blockSamples: number, pacing: number | false) {
    super(engine, blockSamples, pacing);
    this.info = { kind: 'sim', name: `sim: ${names.length} antennas (${names.join(', ')})` };
  }

  static async open(options: SimGroupOptions = {}): Promise<SimGroup> {
    const { blockSamples, pacing } = checkOptions(options);
    const scenario = resolveScenario(options.scenario);
    const ids = options.antennas ?? scenario.antennas.map((_, i) => i);
    const pointing: Record<number, PointingInput> = {};
    options.pointing?.forEach((p, i) => {
      if (p) pointing[ids[i]] = p;
    });
    const engine = await SimEngine.create(scenario, { antennas: ids, pointing, now: options.now });
    return new SimGroup(engine, ids.map((a) => scenario.antennas[a]?.name ?? String(a)), blockSamples, pacing);
  }

  /** Number of inputs. */
  get inputs(): number {
    return this.engine.inputCount;
  }

  private blockCount = 0;

  /**
   * The next `samples` samples of every input, one block each (Block.input =
   * 0…N−1), computed now. With drops in the scenario each dongle loses its
   * own gaps, so their first samples part.
   */
  read(samples = this.blockSamples, lost = 0): Block[] {
    this.check();
    const block = this.blockCount++;
    const data = Array.from({ length: this.inputs }, () => new Uint8Array(2 * samples));
    const now = Date.now();
    // The dongles share a clock: a consumer that fell behind loses the same samples on every input.
    const drops = data.map((_, i) => this.engine.dropBefore(i, block) + lost);
    if (drops.every((d) => d === 0) && data.every((_, i) => this.engine.position(i) === this.engine.position(0))) {
      const firstSample = this.engine.readAll(data);
      return data.map((d, i) => ({ input: i, firstSample, data: d, receivedAt: now, dropped: 0 }));
    }
    return data.map((d, i) => {
      if (drops[i]) this.engine.skip(i, drops[i]!);
      const firstSample = this.engine.read(i, d);
      return { input: i, firstSample, data: d, receivedAt: now, dropped: drops[i]! };
    });
  }

  /** Blocks of every input in turn (0, 1, …, N−1, 0, …), paced at the sample rate. */
  blocks(): AsyncGenerator<Block> {
    return this.stream((lost) => this.read(this.blockSamples, lost));
  }
}

/** Opens one simulated dongle (antenna `options.antenna`, default 0). */
export function openSimSource(options: SimSourceOptions = {}): Promise<SimSource> {
  return SimSource.open(options);
}

/** Opens a simulated coherent group of dongles (all the scenario's antennas by default). */
export function openSimGroup(options: SimGroupOptions = {}): Promise<SimGroup> {
  return SimGroup.open(options);
}
