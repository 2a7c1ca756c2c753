/**
 * A GPU backend that survives its device: it keeps the current integration's
 * raw samples (and gain changes) until take() succeeds, and when the GPU
 * fails (device lost, uncaptured error) it replays them on a fresh CPU
 * backend and carries on there. No integration is lost or counted twice:
 * the GPU's partial sums of the failed integration are discarded whole.
 * The switch is announced once through `onNotice` and kept in `notices`.
 */
import type { FxBackend, IntegrationSums } from '../correlator/backend.ts';
import { validateGains, windowSamples } from '../correlator/config.ts';
import { CpuBackend, type CpuOptions } from '../correlator/cpu.ts';
import { CorrelatorError } from '../correlator/errors.ts';
import type { ResolvedFxConfig } from '../correlator/types.ts';
import type { GpuBackend } from './gpu.ts';

export interface FallbackOptions {
  /** Options of the CPU backend that takes over (default: one worker thread). */
  cpu?: CpuOptions;
  /** Told once, in words, when the GPU fails and the CPU takes over. */
  onNotice?: (notice: string) => void;
}

/**
 * A run of consecutive spectra whose samples lie contiguously in the tapes
 * at [start, start + bytes), or a gain change between runs.
 */
type Entry = { kind: 'batch'; start: number; bytes: number; spectra: number } | { kind: 'gains'; gains: Float32Array[] | null };

/** One input's bytes of the integration in progress, grown by doubling and reused across integrations. */
class Tape {
  bytes = new Uint8Array(1 << 16);
  length = 0;

  append(data: Uint8Array): void {
    if (this.length + data.length > this.bytes.length) {
      const grown = new Uint8Array(Math.max(2 * this.bytes.length, this.length + data.length));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
    this.bytes.set(data, this.length);
    this.length += data.length;
  }

  /** Whether the last `n` bytes equal data[0, n). */
  endsWith(data: Uint8Array, n: number): boolean {
    if (n > this.length) return false;
    const tail = this.bytes.subarray(this.length - n, this.length);
    for (let i = 0; i < n; i++) if (tail[i] !== data[i]) return false;
    return true;
  }
}

export class FallbackBackend implements FxBackend {
  readonly config: ResolvedFxConfig;
  /** Fixed at creation, so the pipeline cuts integrations the same way after a fallback. */
  readonly batch: number;
  /** What happened, oldest first (a fallback adds one line). */
  readonly notices: string[] = [];
  private gpu: GpuBackend | null;
  private cpu: CpuBackend | null = null;
  /** Everything given since the last successful take, in order; samples in `tapes`. */
  private log: Entry[] = [];
  private readonly tapes: Tape[];
  /** Gains in force when the current integration began. */
  private startGains: Float32Array[] | null;
  private gains: Float32Array[] | null;
  private integration = 0;

  constructor(gpu: GpuBackend, private readonly options: FallbackOptions = {}) {
    this.gpu = gpu;
    this.config = gpu.config;
    this.batch = gpu.batch;
    this.startGains = this.gains = gpu.config.gains;
    this.tapes = Array.from({ length: gpu.config.inputs }, () => new Tape());
  }

  /** 'gpu' until a fallback, then 'cpu'. */
  get name(): 'gpu' | 'cpu' {
    return this.gpu ? 'gpu' : 'cpu';
  }

  /** The GPU backend while it is in use (tests force a device loss through it). */
  get gpuBackend(): GpuBackend | null {
    return this.gpu;
  }

  private static isGpuFailure(e: unknown): boolean {
    return e instanceof CorrelatorError && e.kind === 'backend';
  }

  /** Moves the integration in progress to a fresh CPU backend by replaying the log. */
  private async fallBack(cause: unknown): Promise<CpuBackend> {
    const gpu = this.gpu!;
    this.gpu = null;
    await gpu.close().catch(() => {});
    const cpu = await CpuBackend.create({ ...this.config, gains: this.startGains }, this.options.cpu ?? { threads: 1 });
    for (const e of this.log) {
      if (e.kind === 'gains') await cpu.setGains(e.gains);
      else await cpu.accumulate(this.tapes.map((t) => t.bytes.subarray(e.start, e.start + e.bytes)), e.spectra);
    }
    this.cpu = cpu;
    const spectra = this.log.reduce((n, e) => n + (e.kind === 'batch' ? e.spectra : 0), 0);
    const notice =
      `GPU backend failed during integration ${this.integration} (${(cause as Error).message ?? String(cause)}); ` +
      `switched to the CPU backend and replayed that integration's ${spectra} spectr${spectra === 1 ? 'um' : 'a'}: no integration lost`;
    this.notices.push(notice);
    this.options.onNotice?.(notice);
    return cpu;
  }

  /** Runs `op` on the GPU, or on the CPU after (or because of) a failure; `replayed` says whether the log already covers it. */
  private async run<T>(gpuOp: (g: GpuBackend) => Promise<T>, cpuOp: (c: CpuBackend, replayed: boolean) => Promise<T>): Promise<T> {
    if (this.gpu) {
      try {
        return await gpuOp(this.gpu);
      } catch (e) {
        if (!FallbackBackend.isGpuFailure(e)) throw e;
        return cpuOp(await this.fallBack(e), true);
      }
    }
    if (!this.cpu) throw new CorrelatorError('backend', 'the GPU failed and the CPU backend could not start in its place; create a new backend');
    return cpuOp(this.cpu, false);
  }

  async accumulate(samples: readonly Uint8Array[], spectra: number): Promise<void> {
    const bytes = 2 * windowSamples(this.config, spectra);
    for (let a = 0; a < this.config.inputs; a++) {
      if (!samples[a] || samples[a].length < bytes) throw new RangeError(`input ${a}: ${spectra} spectra need ${bytes} bytes, got ${samples[a]?.length}`);
    }
    if (this.gpu) this.record(samples, spectra, bytes);
    await this.run(
      (g) => g.accumulate(samples, spectra),
      (c, replayed) => (replayed ? Promise.resolve() : c.accumulate(samples, spectra)),
    );
  }

  /**
   * Keeps a batch for replay. Consecutive batches overlap by (T − 1)·C
   * samples; when the overlap matches what the tapes end with, only the new
   * n·C samples are appended and the run grows (the replayed windows are
   * then byte for byte the ones given), so memory is ≈ the integration's samples.
   */
  private record(samples: readonly Uint8Array[], spectra: number, bytes: number): void {
    const { inputs, channels: C, taps: T } = this.config;
    const overlap = 2 * (T - 1) * C;
    const last = this.log.at(-1);
    if (last?.kind === 'batch' && this.tapes.every((t, a) => t.endsWith(samples[a], overlap))) {
      for (let a = 0; a < inputs; a++) this.tapes[a].append(samples[a].subarray(overlap, bytes));
      last.bytes += bytes - overlap;
      last.spectra += spectra;
      return;
    }
    const start = this.tapes[0].length;
    for (let a = 0; a < inputs; a++) this.tapes[a].append(samples[a].subarray(0, bytes));
    this.log.push({ kind: 'batch', start, bytes, spectra });
  }

  async take(): Promise<IntegrationSums> {
    const sums = await this.run(
      (g) => g.take(),
      (c) => c.take(),
    );
    this.log = [];
    for (const t of this.tapes) t.length = 0;
    this.startGains = this.gains;
    this.integration++;
    return sums;
  }

  async setGains(gains: readonly Float32Array[] | null): Promise<void> {
    const checked = gains ? validateGains(gains, this.config.inputs, this.config.channels) : null;
    if (this.gpu) this.log.push({ kind: 'gains', gains: checked });
    this.gains = checked;
    await this.run(
      (g) => g.setGains(checked),
      (c, replayed) => (replayed ? Promise.resolve() : c.setGains(checked)),
    );
  }

  async close(): Promise<void> {
    this.log = [];
    for (const t of this.tapes) {
      t.bytes = new Uint8Array(0);
      t.length = 0;
    }
    await this.gpu?.close();
    await this.cpu?.close();
  }
}
