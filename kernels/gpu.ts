/// <reference types="@webgpu/types" />
/**
 * The GPU backend: the FX definition (fx.md) on any WebGPU device, as an
 * FxBackend the pipeline drives like the CPU backend.
 *
 * Template, then instance: `GpuBackend.create` compiles one pipeline per
 * kernel (and per FFT pass) with the configuration's override constants,
 * then allocates the buffers and bind groups. Nothing is compiled or
 * allocated per batch, except a readback buffer when the pool runs dry.
 *
 * Per batch of B spectra (one submit): upload the cu8 windows → unpack (and
 * count clips) → polyphase FIR → FFT pass(es) → fft-shift with gains →
 * X-engine and |X|⁴ sums into float32 accumulators. Every `flushEvery`
 * batches, and at take(), the accumulators are copied into a mappable buffer
 * and cleared; when the map resolves the host adds them into float64.
 *
 * Pipelining: `accumulate` only writes to the queue (queue.writeBuffer copies
 * the caller's bytes at once) and resolves; raw uploads rotate over `depth`
 * slots, so batch n + 1 uploads while n computes and the flush before it
 * downloads. It waits only when `depth` batches are still in flight, and
 * never blocks the event loop (onSubmittedWorkDone, mapAsync).
 */
import { emptySums, type FxBackend, type IntegrationSums } from '../correlator/backend.ts';
import { productPairs } from '../correlator/baselines.ts';
import { validateConfig, validateGains, windowSamples } from '../correlator/config.ts';
import { CorrelatorError } from '../correlator/errors.ts';
import { prototypeFilter } from '../correlator/pfb.ts';
import type { FxConfig, ResolvedFxConfig } from '../correlator/types.ts';
import { GpuContext } from './device.ts';
import { grid, makePlan, type Plan, type PlanOptions } from './plan.ts';
import { kernelPipeline } from './shaders.ts';

export interface GpuOptions extends PlanOptions {
  /** Batches in flight at once (upload slots). Default 3. */
  depth?: number;
  /** Destroy the device on close (true when the backend acquired it). Default false. */
  ownsDevice?: boolean;
}

interface Slot {
  raw: GPUBuffer;
  params: GPUBuffer;
  /** Bind groups of this slot, in dispatch order, with their pipelines and workgroup counts per batch. */
  unpack: GPUBindGroup;
  pfb: GPUBindGroup;
  fft: GPUBindGroup[];
  shift: GPUBindGroup;
  xengine: GPUBindGroup;
  power2: GPUBindGroup;
  /** Settles when the GPU has finished this slot's last batch. */
  idle: Promise<void>;
}

interface Pipelines {
  unpack: GPUComputePipeline;
  pfb: GPUComputePipeline;
  fft: GPUComputePipeline[];
  shift: GPUComputePipeline;
  xengine: GPUComputePipeline;
  power2: GPUComputePipeline;
}

const STORAGE = 0x80; // GPUBufferUsage.STORAGE, spelled out so that nothing depends on globals
const COPY_SRC = 0x04, COPY_DST = 0x08, UNIFORM = 0x40, MAP_READ = 0x01;
const MAP_MODE_READ = 0x1;

/** W_C^k = e^{−2πik/C}, k = 0 … C−1, computed in float64 and rounded once to float32. */
export function twiddleTable(C: number): Float32Array {
  const t = new Float32Array(2 * C);
  for (let k = 0; k < C; k++) {
    t[2 * k] = Math.cos((-2 * Math.PI * k) / C);
    t[2 * k + 1] = Math.sin((-2 * Math.PI * k) / C);
  }
  return t;
}

export class GpuBackend implements FxBackend {
  readonly name = 'gpu' as const;
  readonly batch: number;
  private readonly device: GPUDevice;
  private readonly slots: Slot[];
  private next = 0;
  /** Host float64 sums of the integration in progress (flushed batches only). */
  private sums: IntegrationSums;
  /** Readbacks whose maps are pending; each adds itself into `sums` and leaves the set. */
  private readonly pending = new Set<Promise<void>>();
  private readonly readbacks: GPUBuffer[] = [];
  private unflushed = 0;
  private failure: string | null = null;
  private closed = false;
  private readonly visBytes: number;
  private readonly p2Bytes: number;
  private readonly clipBytes: number;

  private constructor(
    readonly context: GpuContext,
    readonly config: ResolvedFxConfig,
    readonly plan: Plan,
    private readonly pipelines: Pipelines,
    private readonly buffers: { gains: GPUBuffer; vis: GPUBuffer; p2: GPUBuffer; clipped: GPUBuffer; all: GPUBuffer[] },
    slots: Slot[],
    private readonly ownsDevice: boolean,
  ) {
    this.device = context.device;
    this.batch = plan.batch;
    this.slots = slots;
    this.sums = emptySums(config);
    this.visBytes = config.products * config.channels * 8;
    this.p2Bytes = config.inputs * config.channels * 4;
    this.clipBytes = Math.max(16, config.inputs * 4);
  }

  /** Builds the backend on `device` (or a GpuContext already watching it). */
  static async create(device: GPUDevice | GpuContext, config: FxConfig | ResolvedFxConfig, options: GpuOptions = {}): Promise<GpuBackend> {
    const resolved = validateConfig(config);
    const context = device instanceof GpuContext ? device : new GpuContext(device, 'caller-provided device', 'navigator');
    const dev = context.device;
    const plan = makePlan(resolved, dev.limits, options);
    const depth = options.depth ?? 3;
    if (!Number.isInteger(depth) || depth < 1 || depth > 16) throw new CorrelatorError('config', `depth must be an integer from 1 to 16 (got ${depth})`);
    const { inputs: N, channels: C, taps: T, products } = resolved;
    const B = plan.batch, WG = plan.workgroup;

    // Template: one pipeline per kernel, constants fixed for this configuration.
    const label = `N${N} C${C} T${T} B${B}`;
    const fftPipes = plan.fft.map((pass, i) =>
      kernelPipeline(dev, 'fft', `${label} pass ${i + 1}/${plan.fft.length} L${pass.length}`, {
        WG, C, B, INPUTS: N, L: pass.length, P: pass.perGroup, SHARED: 2 * pass.perGroup * pass.length,
        IN_R: pass.inR, IN_I: pass.inI, OUT_R: pass.outR, OUT_K: pass.outK, TWIDDLE: pass.twiddle ? 1 : 0,
      }),
    );
    const [unpack, pfb, shift, xengine, power2, ...fft] = await Promise.all([
      kernelPipeline(dev, 'unpack', label, { WG, STRIDE_WORDS: plan.strideWords, INPUTS: N }),
      kernelPipeline(dev, 'pfb', label, { WG, C, T, B, INPUTS: N, SAMPLE_STRIDE: plan.strideSamples }),
      kernelPipeline(dev, 'shift', label, { WG, C, B, INPUTS: N }),
      kernelPipeline(dev, 'xengine', `${label} ${resolved.mode}`, { WG, C, B, PRODUCTS: products }),
      kernelPipeline(dev, 'power2', label, { WG, C, B, INPUTS: N }),
      ...fftPipes,
    ]);
    const pipelines: Pipelines = { unpack, pfb, fft, shift, xengine, power2 };

    // Instance: buffers and bind groups.
    const all: GPUBuffer[] = [];
    const buffer = (label: string, size: number, usage: number, data?: ArrayBufferView): GPUBuffer => {
      const b = dev.createBuffer({ label: `fringe ${label}`, size: Math.max(16, Math.ceil(size / 4) * 4), usage });
      if (data) dev.queue.writeBuffer(b, 0, data.buffer, data.byteOffset, data.byteLength);
      all.push(b);
      return b;
    };
    const samples = buffer('unpacked samples', N * plan.strideSamples * 8, STORAGE);
    const spectraA = buffer('spectra A', N * B * C * 8, STORAGE);
    const spectraB = buffer('spectra B', N * B * C * 8, STORAGE);
    const h = buffer('prototype filter', T * C * 4, STORAGE | COPY_DST, Float32Array.from(prototypeFilter(C, T)));
    const twiddle = buffer('twiddles', C * 8, STORAGE | COPY_DST, twiddleTable(C));
    const pairs = buffer('product pairs', products * 8, STORAGE | COPY_DST, Uint32Array.from(productPairs(N, resolved.mode).flat()));
    const gains = buffer('gains', N * C * 8, STORAGE | COPY_DST);
    const vis = buffer('visibility accumulator', products * C * 8, STORAGE | COPY_SRC | COPY_DST);
    const p2 = buffer('|X|^4 accumulator', N * C * 4, STORAGE | COPY_SRC | COPY_DST);
    const clipped = buffer('clip counts', N * 4, STORAGE | COPY_SRC | COPY_DST);

    // FIR writes A; the FFT passes ping-pong; the shift writes the other one, which the X-engine reads.
    const fftIo: Array<[GPUBuffer, GPUBuffer]> = [];
    let from = spectraA, to = spectraB;
    for (let i = 0; i < plan.fft.length; i++) {
      fftIo.push([from, to]);
      [from, to] = [to, from];
    }
    const [fftOut, shifted] = [from, to];

    const group = (pipeline: GPUComputePipeline, label: string, resources: GPUBuffer[]): GPUBindGroup =>
      dev.createBindGroup({
        label: `fringe ${label}`,
        layout: pipeline.getBindGroupLayout(0),
        entries: resources.map((b, binding) => ({ binding, resource: { buffer: b } })),
      });
    const slots: Slot[] = Array.from({ length: depth }, (_, i) => {
      const raw = buffer(`raw cu8 slot ${i}`, N * plan.strideWords * 4, STORAGE | COPY_DST);
      const params = buffer(`batch params slot ${i}`, 16, UNIFORM | COPY_DST);
      return {
        raw,
        params,
        unpack: group(unpack, `unpack slot ${i}`, [params, raw, samples, clipped]),
        pfb: group(pfb, `pfb slot ${i}`, [params, samples, h, spectraA]),
        fft: fft.map((p, k) => group(p, `fft pass ${k + 1} slot ${i}`, [params, fftIo[k][0], fftIo[k][1], twiddle])),
        shift: group(shift, `shift slot ${i}`, [params, fftOut, gains, shifted]),
        xengine: group(xengine, `xengine slot ${i}`, [params, shifted, pairs, vis]),
        power2: group(power2, `power2 slot ${i}`, [params, shifted, p2]),
        idle: Promise.resolve(),
      };
    });
    const backend = new GpuBackend(context, resolved, plan, pipelines, { gains, vis, p2, clipped, all }, slots, options.ownsDevice ?? false);
    backend.writeGains(resolved.gains);
    await dev.queue.onSubmittedWorkDone();
    backend.check();
    return backend;
  }

  /** Throws (CorrelatorError 'backend') once the device cannot be trusted. */
  private check(): void {
    if (this.closed) throw new CorrelatorError('closed', 'the GPU backend was closed; create a new one');
    const failure = this.failure ?? this.context.failure;
    if (failure) throw new CorrelatorError('backend', `${failure}; the GPU backend cannot continue`);
  }

  /**
   * Resolves when `p` settles, recording a rejection as the backend's failure.
   * Dawn settles every pending callback when a device is lost or destroyed
   * (onSubmittedWorkDone resolves, mapAsync rejects), so nothing waits forever.
   */
  private guard(p: Promise<unknown>): Promise<void> {
    return p.then(
      () => {},
      (e) => {
        this.failure ??= `a GPU operation failed (${String(e)})`;
      },
    );
  }

  private writeGains(gains: readonly Float32Array[] | null): void {
    const { inputs: N, channels: C } = this.config;
    const g = new Float32Array(2 * N * C);
    for (let a = 0; a < N; a++) {
      if (gains) g.set(gains[a], 2 * a * C);
      else for (let j = 0; j < C; j++) g[2 * (a * C + j)] = 1;
    }
    this.device.queue.writeBuffer(this.buffers.gains, 0, g.buffer, 0, g.byteLength);
  }

  async accumulate(samples: readonly Uint8Array[], spectra: number): Promise<void> {
    this.check();
    const { inputs: N, channels: C } = this.config;
    if (!Number.isInteger(spectra) || spectra < 1) throw new RangeError(`spectra must be an integer ≥ 1 (got ${spectra})`);
    for (let a = 0; a < N; a++) {
      if (!samples[a] || samples[a].length < 2 * windowSamples(this.config, spectra)) {
        throw new RangeError(`input ${a}: ${spectra} spectra need ${2 * windowSamples(this.config, spectra)} bytes, got ${samples[a]?.length}`);
      }
    }
    for (let s0 = 0; s0 < spectra; s0 += this.batch) {
      const n = Math.min(this.batch, spectra - s0);
      await this.submitBatch(samples.map((s) => s.subarray(2 * s0 * C)), n);
    }
  }

  private async submitBatch(samples: readonly Uint8Array[], n: number): Promise<void> {
    const { inputs: N, channels: C, products } = this.config;
    const slot = this.slots[this.next];
    this.next = (this.next + 1) % this.slots.length;
    await slot.idle;
    this.check();
    const q = this.device.queue;
    const window = windowSamples(this.config, n);
    for (let a = 0; a < N; a++) {
      const bytes = samples[a];
      q.writeBuffer(slot.raw, a * this.plan.strideWords * 4, bytes.buffer, bytes.byteOffset, 2 * window);
    }
    q.writeBuffer(slot.params, 0, new Uint32Array([n, window, n * C, 0]));

    const WG = this.plan.workgroup;
    const maxDim = this.device.limits.maxComputeWorkgroupsPerDimension;
    const encoder = this.device.createCommandEncoder({ label: 'fringe FX batch' });
    const pass = encoder.beginComputePass({ label: 'fringe FX batch' });
    const run = (pipeline: GPUComputePipeline, group: GPUBindGroup, groups: number) => {
      const [x, y] = grid(groups, maxDim);
      if (x === 0) return;
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, group);
      pass.dispatchWorkgroups(x, y);
    };
    run(this.pipelines.unpack, slot.unpack, (N * this.plan.strideWords) / WG);
    run(this.pipelines.pfb, slot.pfb, Math.ceil((N * n * C) / WG));
    this.plan.fft.forEach((p, i) => run(this.pipelines.fft[i], slot.fft[i], Math.ceil((N * n * (C / p.length)) / p.perGroup)));
    run(this.pipelines.shift, slot.shift, Math.ceil((N * n * C) / WG));
    run(this.pipelines.xengine, slot.xengine, Math.ceil((products * C) / WG));
    run(this.pipelines.power2, slot.power2, Math.ceil((N * C) / WG));
    pass.end();
    this.sums.spectra += n;
    this.unflushed++;
    const flush = this.unflushed >= this.plan.flushEvery ? this.encodeFlush(encoder) : null;
    q.submit([encoder.finish()]);
    slot.idle = this.guard(q.onSubmittedWorkDone());
    if (flush) this.track(flush());
  }

  private track(flush: Promise<void>): void {
    const p = this.guard(flush).then(() => {
      this.pending.delete(p);
    });
    this.pending.add(p);
  }

  /** A readback buffer that is neither mapped nor waiting for a map. */
  private readback(): GPUBuffer {
    const free = this.readbacks.pop();
    if (free) return free;
    return this.device.createBuffer({
      label: 'fringe accumulator readback',
      size: this.visBytes + this.p2Bytes + this.clipBytes,
      usage: MAP_READ | COPY_DST,
    });
  }

  /**
   * Copies the accumulators into a readback buffer and clears them (in
   * `encoder`, before its submit). Returns the function that, after the
   * submit, maps the readback and adds it into the float64 sums.
   */
  private encodeFlush(encoder: GPUCommandEncoder): () => Promise<void> {
    const { vis, p2, clipped } = this.buffers;
    const rb = this.readback();
    encoder.copyBufferToBuffer(vis, 0, rb, 0, this.visBytes);
    encoder.copyBufferToBuffer(p2, 0, rb, this.visBytes, this.p2Bytes);
    encoder.copyBufferToBuffer(clipped, 0, rb, this.visBytes + this.p2Bytes, this.config.inputs * 4);
    encoder.clearBuffer(vis);
    encoder.clearBuffer(p2);
    encoder.clearBuffer(clipped);
    this.unflushed = 0;
    const sums = this.sums;
    return async () => {
      try {
        await rb.mapAsync(MAP_MODE_READ);
      } catch (e) {
        this.failure ??= `reading the accumulators back failed (${String(e)})`;
        return;
      }
      const { inputs: N, channels: C } = this.config;
      const data = rb.getMappedRange();
      const v = new Float32Array(data, 0, this.visBytes / 4);
      const p = new Float32Array(data, this.visBytes, this.p2Bytes / 4);
      const c = new Uint32Array(data, this.visBytes + this.p2Bytes, N);
      const out = sums.visibilities, pw = sums.power2;
      for (let i = 0; i < v.length; i++) out[i] += v[i];
      for (let i = 0; i < N * C; i++) pw[i] += p[i];
      for (let a = 0; a < N; a++) sums.clipped[a] += c[a];
      rb.unmap();
      this.readbacks.push(rb);
    };
  }

  async take(): Promise<IntegrationSums> {
    this.check();
    if (this.unflushed > 0) {
      const encoder = this.device.createCommandEncoder({ label: 'fringe FX flush' });
      const flush = this.encodeFlush(encoder);
      this.device.queue.submit([encoder.finish()]);
      this.track(flush());
    }
    await Promise.all([...this.pending].map((p) => this.guard(p)));
    this.check();
    const sums = this.sums;
    this.sums = emptySums(this.config);
    return sums;
  }

  async setGains(gains: readonly Float32Array[] | null): Promise<void> {
    this.check();
    // Queue order puts this write after every batch already submitted and before the next.
    this.writeGains(gains ? validateGains(gains, this.config.inputs, this.config.channels) : null);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.context.failure) {
      await Promise.all([...this.slots.map((s) => s.idle), ...[...this.pending].map((p) => this.guard(p))]);
    }
    for (const b of [...this.buffers.all, ...this.readbacks]) b.destroy();
    if (this.ownsDevice) this.context.destroy();
  }
}
