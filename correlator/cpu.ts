/**
 * The fast CPU backend: float32 F-engine (PFFFT in WebAssembly SIMD) and a
 * float64-accumulating X-engine, either inline (threads: 0, for tests and
 * embedding) or over worker threads sharing memory with this one.
 *
 * With K threads, the batches of an integration go to the workers in turn
 * (batch i to worker i mod K), so the result depends only on the data and K,
 * never on timing. Each worker sums its own batches; `take` adds the
 * workers' sums in worker order. Each worker has two slots of shared memory,
 * so the next batch is copied in while it computes the current one and it
 * never waits on this thread between batches.
 */
import type { Worker } from 'node:worker_threads';
import { emptySums, type FxBackend, type IntegrationSums } from './backend.ts';
import { validateConfig, validateGains, windowSamples } from './config.ts';
import { batchSpectraFor, createEngine, engineModules, type Engine } from './engine.ts';
import { CorrelatorError } from './errors.ts';
import { startWorker } from './threads.ts';
import type { FxConfig, ResolvedFxConfig } from './types.ts';

export interface CpuOptions {
  /** Worker threads, 0 … maxThreads; 0 computes inline on the calling thread. Default: 1. */
  threads?: number;
  /** Spectra per batch handed to a thread. Default: about 64 k samples' worth. */
  batch?: number;
  /** How long every worker together may take to start (ms) before `create` fails. Default 120 000. */
  startTimeout?: number;
}

/**
 * Most worker threads a CPU backend runs. Each is a V8 isolate with its own
 * TypeScript loader and WebAssembly memory (an 8 GiB address-space reservation
 * or more); past the cores of a Raspberry Pi or a desktop they only add
 * start-up time and memory. The CLI and API schemas refuse more too.
 */
export const maxThreads = 16;

/** Workers started at once: each loads the TypeScript loader and instantiates WebAssembly; more at once only contend. */
const startWave = 4;

/** Slots of shared memory per worker: one being computed, one being filled. */
const slotsPerWorker = 2;

interface Lane {
  worker: Worker;
  slots: Uint8Array[];
  /** Per slot: resolves when the worker has finished the batch last put in it. */
  busy: Promise<void>[];
  /** The slot to fill next. */
  next: number;
  /** The worker answers every message once, in order: one waiting reply handler per message sent. */
  replies: Array<(msg: WorkerReply) => void>;
  /** Whether it said 'ready'. */
  ready: boolean;
}

type WorkerReply = { type: 'ready' | 'done' } | { type: 'sums'; sums: IntegrationSums } | { type: 'error'; message: string };

export class CpuBackend implements FxBackend {
  readonly name = 'cpu' as const;
  private next = 0;
  private closed = false;

  private constructor(
    readonly config: ResolvedFxConfig,
    /** Spectra per batch: the unit handed to one thread. */
    readonly batch: number,
    private readonly inline: Engine | null,
    private readonly lanes: Lane[],
    private readonly slotBytes: number,
  ) {}

  static async create(config: FxConfig | ResolvedFxConfig, options: CpuOptions = {}): Promise<CpuBackend> {
    const resolved = validateConfig(config);
    const threads = options.threads ?? 1;
    if (!Number.isInteger(threads) || threads < 0 || threads > maxThreads) {
      throw new CorrelatorError('config', `threads must be an integer from 0 to ${maxThreads} (got ${threads}); 0 runs on the calling thread, and more than ${maxThreads} only adds start-up time and memory`);
    }
    const batch = options.batch ?? batchSpectraFor(resolved.channels);
    if (!Number.isInteger(batch) || batch < 1) throw new CorrelatorError('config', `batch must be an integer ≥ 1 (got ${batch})`);
    if (threads === 0) return new CpuBackend(resolved, batch, await createEngine(resolved, batch), [], 0);

    const slotBytes = 2 * windowSamples(resolved, batch);
    const modules = await engineModules(resolved);
    const lanes: Lane[] = [];
    const timeout = options.startTimeout ?? 120_000;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const ready = lanes.filter((l) => l.ready).length;
        reject(new CorrelatorError('backend', `only ${ready} of ${threads} CPU worker threads started within ${timeout / 1000} s; try fewer threads (--threads)`));
      }, timeout);
    });
    try {
      // In waves, each worker's 'ready' awaited: every failure (error, exit, timeout) ends create, never a wait.
      for (let first = 0; first < threads; first += startWave) {
        const wave = Array.from({ length: Math.min(startWave, threads - first) }, () => CpuBackend.startLane(resolved, batch, slotBytes, modules));
        lanes.push(...wave.map((w) => w.lane));
        await Promise.race([Promise.all(wave.map((w) => w.ready)), expired]);
      }
    } catch (e) {
      // Workers that did start would keep the process alive, idle, for ever: end them all.
      await Promise.all(lanes.map((l) => l.worker.terminate()));
      if (e instanceof CorrelatorError && e.kind === 'backend') {
        // A worker that could not start (its WebAssembly memory refused, or the thread ended: both seen under ulimit -v).
        const ready = lanes.filter((l) => l.ready).length;
        const why = /Cannot allocate Wasm memory/.test(e.message)
          ? `each reserves its own WebAssembly memory (gigabytes of address space), and this process may not reserve more (ulimit -v, or V8's own limit)`
          : 'the others could not start';
        throw new CorrelatorError('backend', `${e.message}. ${ready} of ${threads} CPU worker threads had started: ${why}. Use fewer threads (--threads).`, { cause: e });
      }
      throw e;
    } finally {
      clearTimeout(timer);
    }
    return new CpuBackend(resolved, batch, null, lanes, slotBytes);
  }

  /** Starts one worker; `ready` settles when it says so, or rejects when it fails or exits first. */
  private static startLane(config: ResolvedFxConfig, batch: number, slotBytes: number, modules: unknown): { lane: Lane; ready: Promise<void> } {
    const shared = Array.from({ length: slotsPerWorker }, () => new SharedArrayBuffer(config.inputs * slotBytes));
    const worker = startWorker(new URL('./cpu-worker.ts', import.meta.url), {
      workerData: { config, batch, slots: shared, slotBytes, modules },
    });
    const lane: Lane = {
      worker,
      slots: shared.map((b) => new Uint8Array(b)),
      busy: shared.map(() => Promise.resolve()),
      next: 0,
      replies: [],
      ready: false,
    };
    const fail = (message: string) => {
      for (const reply of lane.replies.splice(0)) reply({ type: 'error', message });
    };
    worker.on('message', (msg: WorkerReply) => lane.replies.shift()?.(msg));
    worker.on('error', (err) => fail(err.message));
    worker.on('messageerror', (err) => fail(`a message could not be read (${err.message})`));
    // A worker that ends with replies outstanding (killed, out of memory, exited) answers them with an error.
    worker.on('exit', (code) => fail(`the worker thread exited (code ${code})`));
    const ready = CpuBackend.expect(lane, () => {}).then(() => {
      lane.ready = true;
    });
    return { lane, ready };
  }

  /** Sends (via `send`) and resolves with the worker's reply to it, rejecting on an error reply. */
  private static expect(lane: Lane, send: () => void): Promise<WorkerReply> {
    return new Promise((resolve, reject) => {
      lane.replies.push((msg) => {
        if (msg.type === 'error') reject(new CorrelatorError('backend', `CPU worker failed: ${msg.message}`));
        else resolve(msg);
      });
      send();
    });
  }

  /** Resolves when every batch given to the lane is done. */
  private static idle(lane: Lane): Promise<void> {
    return Promise.all(lane.busy).then(() => {});
  }

  private check(): void {
    if (this.closed) throw new CorrelatorError('closed', 'the CPU backend was closed; create a new one');
  }

  async accumulate(samples: readonly Uint8Array[], spectra: number): Promise<void> {
    this.check();
    if (this.inline) {
      this.inline.accumulate(samples, spectra);
      return;
    }
    const C = this.config.channels;
    for (let s0 = 0; s0 < spectra; s0 += this.batch) {
      const n = Math.min(this.batch, spectra - s0);
      const lane = this.lanes[this.next];
      this.next = (this.next + 1) % this.lanes.length;
      const slot = lane.next;
      lane.next = (slot + 1) % slotsPerWorker;
      await lane.busy[slot];
      const bytes = 2 * windowSamples(this.config, n);
      for (let a = 0; a < this.config.inputs; a++) {
        lane.slots[slot].set(samples[a].subarray(2 * s0 * C, 2 * s0 * C + bytes), a * this.slotBytes);
      }
      const done = CpuBackend.expect(lane, () => lane.worker.postMessage({ type: 'batch', spectra: n, slot })).then(() => {});
      // Awaited by the next use of the slot or by take(); a backend closed with a batch in flight (its workers ended,
      // the batch answered with an error) has no one left to await it, and that must not be an unhandled rejection.
      done.catch(() => {});
      lane.busy[slot] = done;
    }
  }

  async take(): Promise<IntegrationSums> {
    this.check();
    const sums = emptySums(this.config);
    if (this.inline) {
      this.inline.drain(sums);
      return sums;
    }
    await Promise.all(this.lanes.map(CpuBackend.idle));
    for (const lane of this.lanes) {
      const reply = await CpuBackend.expect(lane, () => lane.worker.postMessage({ type: 'drain' }));
      if (reply.type !== 'sums') throw new CorrelatorError('backend', `CPU worker answered '${reply.type}' to drain`);
      const part = reply.sums;
      for (let i = 0; i < sums.visibilities.length; i++) sums.visibilities[i] += part.visibilities[i];
      for (let i = 0; i < sums.power2.length; i++) sums.power2[i] += part.power2[i];
      part.clipped.forEach((c, a) => (sums.clipped[a] += c));
      sums.spectra += part.spectra;
    }
    this.next = 0;
    return sums;
  }

  async setGains(gains: readonly Float32Array[] | null): Promise<void> {
    this.check();
    const checked = gains ? validateGains(gains, this.config.inputs, this.config.channels) : null;
    if (this.inline) return this.inline.setGains(checked);
    await Promise.all(this.lanes.map(CpuBackend.idle));
    await Promise.all(this.lanes.map((l) => CpuBackend.expect(l, () => l.worker.postMessage({ type: 'gains', gains: checked }))));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.inline?.dispose();
    await Promise.all(this.lanes.map((l) => l.worker.terminate()));
  }
}
