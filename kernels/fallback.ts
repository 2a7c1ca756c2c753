/**
 * A GPU backend that survives its device: it keeps the current integration's
 * raw batches (and gain changes) until take() succeeds, and when the GPU
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

type Entry = { kind: 'batch'; samples: Uint8Array[]; spectra: number } | { kind: 'gains'; gains: Float32Array[] | null };

export class FallbackBackend implements FxBackend {
  readonly config: ResolvedFxConfig;
  /** Fixed at creation, so the pipeline cuts integrations the same way after a fallback. */
  readonly batch: number;
  /** What happened, oldest first (a fallback adds one line). */
  readonly notices: string[] = [];
  private gpu: GpuBackend | null;
  private cpu: CpuBackend | null = null;
  /** Everything given since the last successful take, in order. */
  private log: Entry[] = [];
  /** Gains in force when the current integration began. */
  private startGains: Float32Array[] | null;
  private gains: Float32Array[] | null;
  private integration = 0;

  constructor(gpu: GpuBackend, private readonly options: FallbackOptions = {}) {
    this.gpu = gpu;
    this.config = gpu.config;
    this.batch = gpu.batch;
    this.startGains = this.gains = gpu.config.gains;
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
      else await cpu.accumulate(e.samples, e.spectra);
    }
    this.cpu = cpu;
    const batches = this.log.filter((e) => e.kind === 'batch').length;
    const notice =
      `GPU backend failed during integration ${this.integration} (${(cause as Error).message ?? String(cause)}); ` +
      `switched to the CPU backend and replayed that integration's ${batches} batch${batches === 1 ? '' : 'es'}: no integration lost`;
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
    return cpuOp(this.cpu!, false);
  }

  async accumulate(samples: readonly Uint8Array[], spectra: number): Promise<void> {
    const bytes = 2 * windowSamples(this.config, spectra);
    for (let a = 0; a < this.config.inputs; a++) {
      if (!samples[a] || samples[a].length < bytes) throw new RangeError(`input ${a}: ${spectra} spectra need ${bytes} bytes, got ${samples[a]?.length}`);
    }
    if (this.gpu) this.log.push({ kind: 'batch', samples: samples.slice(0, this.config.inputs).map((s) => s.slice(0, bytes)), spectra });
    await this.run(
      (g) => g.accumulate(samples, spectra),
      (c, replayed) => (replayed ? Promise.resolve() : c.accumulate(samples, spectra)),
    );
  }

  async take(): Promise<IntegrationSums> {
    const sums = await this.run(
      (g) => g.take(),
      (c) => c.take(),
    );
    this.log = [];
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
    await this.gpu?.close();
    await this.cpu?.close();
  }
}
