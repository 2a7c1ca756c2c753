/**
 * The GPU backend against the shared conformance suite (the same file the CPU
 * backend passes), twice: with its default plan, and with tiny batches, two
 * batches in flight and 64-point sub-FFTs, so that multi-batch integrations,
 * flushes and the four-step FFT run for every configuration. Then device loss
 * mid-stream and the backend choice.
 */
import { describe, expect, it } from 'vitest';
import { windowSamples } from '../../correlator/config.ts';
import { ReferenceBackend, referenceIntegrations } from '../../correlator/reference.ts';
import type { FxConfig } from '../../correlator/types.ts';
import { acquireGpu } from '../../kernels/device.ts';
import { chooseBackend, createGpuBackend, GpuBackend, type FallbackBackend } from '../../kernels/index.ts';
import { correlate, describeConformance, testGains, tolerance } from '../correlator/conformance.ts';
import { noiseCu8, randomCu8, relativeToPeak } from '../../src/analysis/signals.ts';
import { Pipeline } from '../../correlator/pipeline.ts';
import { gpuMissing } from './gpu-device.ts';

const missing = await gpuMissing();

if (missing) {
  describe.skip(`gpu backend (skipped: ${missing})`, () => {
    it('needs a WebGPU adapter', () => {});
  });
} else {
  // A fallback to the CPU would pass the suite without testing the GPU: here it fails the test instead.
  const gpuOnly = { cpu: { threads: 0 }, onNotice: (n: string) => { throw new Error(`the GPU fell back to the CPU: ${n}`); } };
  describeConformance('gpu', (config) => createGpuBackend(config, gpuOnly));
  describeConformance('gpu (batch 3, depth 2, 64-point sub-FFTs)', (config) =>
    createGpuBackend(config, { ...gpuOnly, batch: 3, depth: 2, flushEvery: 2, maxFftLength: 64 }),
  );

  describe('gpu backend: the largest FFT', () => {
    it('agrees with the reference at C = 65536 (two 256-point passes), beyond the shared cases', async () => {
      const config: FxConfig = { inputs: 2, channels: 65536, taps: 2, spectraPerIntegration: 2, gains: testGains(2, 65536, 5) };
      const streams = [noiseCu8(65536 * 4 + 7, 30, 1), randomCu8(65536 * 4 + 7, 2)];
      const backend = await createGpuBackend(config, gpuOnly);
      expect(backend.gpuBackend!.plan.fft.map((p) => p.length)).toEqual([256, 256]);
      const got = await correlate(backend, streams, [100000]);
      const expected = await referenceIntegrations(config, streams);
      expect(got.map((g) => g.spectra)).toEqual([2, 1]);
      got.forEach((g, i) => {
        expect(relativeToPeak(g.visibilities, expected[i].visibilities)).toBeLessThan(tolerance);
        expect(relativeToPeak(g.power2, expected[i].power2)).toBeLessThan(tolerance);
        expect(g.clipped).toEqual(expected[i].clipped);
      });
    });
  });

  describe('gpu backend: pipelining', () => {
    it('lets the caller overwrite its arrays as soon as accumulate resolves, with batches still in flight', async () => {
      const config: FxConfig = { inputs: 2, channels: 128, taps: 4, spectraPerIntegration: 40 };
      const samples = 128 * 60;
      const streams = [noiseCu8(samples, 30, 7), randomCu8(samples, 8)];
      const ctx = await acquireGpu();
      // A caller-provided device, as an Electron renderer would pass navigator.gpu's.
      const backend = await GpuBackend.create(ctx.device, config, { batch: 5, depth: 3 });
      const bytes = 2 * windowSamples(backend.config, 5);
      const reused = [new Uint8Array(bytes), new Uint8Array(bytes)];
      const ref = new ReferenceBackend(config);
      const out = [];
      for (let i = 0; i < 10; i++) {
        reused.forEach((r, a) => r.set(streams[a].subarray(2 * i * 5 * 128, 2 * i * 5 * 128 + bytes)));
        await backend.accumulate(reused, 5);
        await ref.accumulate(reused, 5);
        if (i === 7) out.push([await backend.take(), await ref.take()]);
      }
      out.push([await backend.take(), await ref.take()]);
      out.push([await backend.take(), await ref.take()]); // nothing since: an empty integration
      await backend.close();
      ctx.destroy();
      expect(out.map(([g]) => g.spectra)).toEqual([40, 10, 0]);
      for (const [g, e] of out.slice(0, 2)) {
        expect(relativeToPeak(g.visibilities, e.visibilities)).toBeLessThan(tolerance);
        expect(g.clipped).toEqual(e.clipped);
      }
      expect(Array.from(out[2][0].visibilities).every((v) => v === 0)).toBe(true);
    });
  });

  describe('gpu backend: float32 accumulation', () => {
    it('stays within tolerance over a long integration of loud, narrow channels (C = 16, 8192-spectrum batches)', async () => {
      const config: FxConfig = { inputs: 2, channels: 16, taps: 4, spectraPerIntegration: 16384 };
      const samples = 16 * 16384 + 48;
      // Strong noise on a constant offset: every spectrum adds the same large DC term, the worst case for a running sum.
      const streams = [0, 1].map((a) => noiseCu8(samples, 40, 300 + a).map((b, i) => Math.min(255, b + (i % 2 ? 0 : 60))));
      const backend = await createGpuBackend(config, gpuOnly);
      expect(backend.batch).toBe(8192);
      const [got] = await correlate(backend, streams, [1 << 16]);
      const [expected] = await referenceIntegrations(config, streams);
      const err = relativeToPeak(got.visibilities, expected.visibilities);
      // Summed in blocks of 64 spectra the round-off is ~ε·√(64 + 8192/64) ≈ 1e-6 at worst (2e-8 measured);
      // one running float32 sum over 8192 spectra measured 5.6e-6 on this signal, which this bound catches.
      expect(err).toBeLessThan(1e-6);
      expect(relativeToPeak(got.power2, expected.power2)).toBeLessThan(1e-6);
    });
  });

  describe('gpu backend: device loss', () => {
    const config: FxConfig = { inputs: 3, channels: 64, taps: 4, spectraPerIntegration: 20, gains: testGains(3, 64, 3) };
    const samples = 64 * 103 + 29;
    const streams = [0, 1, 2].map((a) => (a === 1 ? randomCu8(samples, 90 + a) : noiseCu8(samples, 30, 90 + a)));

    it('falls back to the CPU mid-integration with every integration equal to the reference, none lost or repeated', async () => {
      const expected = await referenceIntegrations(config, streams);
      const notices: string[] = [];
      const backend = await createGpuBackend(config, { batch: 4, cpu: { threads: 0 }, onNotice: (n) => notices.push(n) });
      expect(backend.name).toBe('gpu');
      const pipeline = new Pipeline(backend);
      const got = [];
      const chunk = 64 * 7 + 3;
      for (let at = 0, i = 0; at < samples; at += chunk, i++) {
        // 7 chunks (3157 samples) in: integration 2 has begun (spectra 40…) and its first batch is on the GPU.
        if (i === 7) backend.gpuBackend!.context.device.destroy();
        for (let a = 0; a < 3; a++) {
          const data = streams[a].subarray(2 * at, 2 * Math.min(samples, at + chunk));
          got.push(...(await pipeline.push({ input: a, firstSample: at, data, receivedAt: 0, dropped: 0 })));
        }
      }
      got.push(...(await pipeline.end()));
      await backend.close();
      expect(got.map((g) => g.index)).toEqual(expected.map((_, i) => i));
      expect(got.map((g) => g.spectra)).toEqual(expected.map((e) => e.spectra));
      got.forEach((g, i) => {
        expect(relativeToPeak(g.visibilities, expected[i].visibilities)).toBeLessThan(tolerance);
        expect(relativeToPeak(g.power2, expected[i].power2)).toBeLessThan(tolerance);
        expect(g.clipped).toEqual(expected[i].clipped);
      });
      expect(backend.name).toBe('cpu');
      expect(notices).toHaveLength(1);
      expect(notices[0]).toMatch(/GPU backend failed during integration 2 \(.*lost.*\); switched to the CPU backend and replayed that integration's \d+ spectra/);
      expect(backend.notices).toEqual(notices);
    });

    type Phase = 'accumulated' | 'taken';
    /** Drives a backend directly: 5 batches of 4 spectra, take() after batches 1 and 4, `hook` after each step. */
    async function drive(backend: FallbackBackend | ReferenceBackend, hook: (i: number, phase: Phase) => Promise<void> | void) {
      const C = 64;
      const out = [];
      for (let i = 0; i < 5; i++) {
        await backend.accumulate(streams.map((s) => s.subarray(2 * i * 4 * C, 2 * (i * 4 * C + windowSamples(backend.config, 4)))), 4);
        await hook(i, 'accumulated');
        if (i === 1 || i === 4) {
          out.push(await backend.take());
          await hook(i, 'taken');
        }
      }
      return out;
    }

    it('replays gain changes in order when the device is lost just before take()', async () => {
      const newGains = testGains(3, 64, 11);
      const steps = async (b: FallbackBackend | ReferenceBackend, i: number, phase: Phase) => {
        if (i === 2 && phase === 'accumulated') await b.setGains(newGains);
        if (i === 4 && phase === 'accumulated' && 'gpuBackend' in b) b.gpuBackend!.context.device.destroy();
      };
      const ref = new ReferenceBackend(config);
      const expected = await drive(ref, (i, phase) => steps(ref, i, phase));
      const backend = await createGpuBackend(config, { batch: 4, cpu: { threads: 0 } });
      const got = await drive(backend, (i, phase) => steps(backend, i, phase));
      await backend.close();
      expect(backend.name).toBe('cpu');
      expect(backend.notices[0]).toMatch(/during integration 1 .*replayed that integration's 12 spectra/);
      expect(got.map((g) => g.spectra)).toEqual([8, 12]);
      got.forEach((g, i) => expect(relativeToPeak(g.visibilities, expected[i].visibilities)).toBeLessThan(tolerance));
    });

    it('replays windows that are not consecutive (repeated, skipped back) exactly as given', async () => {
      const C = 64;
      const starts = [0, 4, 4, 1, 9, 13]; // spectra: a repeat, a step back, a jump, then consecutive again
      const run = async (b: FallbackBackend | ReferenceBackend) => {
        for (const [i, s0] of starts.entries()) {
          await b.accumulate(streams.map((s) => s.subarray(2 * s0 * C, 2 * (s0 * C + windowSamples(b.config, 4)))), 4);
          if (i === 4 && 'gpuBackend' in b) b.gpuBackend!.context.device.destroy();
        }
        return b.take();
      };
      const expected = await run(new ReferenceBackend(config));
      const backend = await createGpuBackend(config, { batch: 4, cpu: { threads: 0 } });
      const got = await run(backend);
      await backend.close();
      expect(backend.name).toBe('cpu');
      expect(got.spectra).toBe(24);
      expect(relativeToPeak(got.visibilities, expected.visibilities)).toBeLessThan(tolerance);
      expect(got.clipped).toEqual(expected.clipped);
    });

    it('falls back the same way on an uncaptured GPU error (a validation error here)', async () => {
      const ref = new ReferenceBackend(config);
      const expected = await drive(ref, () => {});
      const backend = await createGpuBackend(config, { batch: 4, cpu: { threads: 0 } });
      const got = await drive(backend, (i, phase) => {
        // MAP_READ with STORAGE is invalid: Dawn reports it as an uncaptured validation error.
        if (i === 3 && phase === 'accumulated') backend.gpuBackend!.context.device.createBuffer({ size: 16, usage: 0x01 | 0x80 });
      });
      await backend.close();
      expect(got.map((g) => g.spectra)).toEqual([8, 12]);
      got.forEach((g, i) => expect(relativeToPeak(g.visibilities, expected[i].visibilities)).toBeLessThan(tolerance));
      expect(backend.name).toBe('cpu');
      expect(backend.notices[0]).toMatch(/during integration 1 \(the GPU reported an error \(GPUValidationError: .*\)\)/);
    });

    it('carries on from the next batch when the device is lost between integrations', async () => {
      const ref = new ReferenceBackend(config);
      const expected = await drive(ref, () => {});
      const backend = await createGpuBackend(config, { batch: 4, cpu: { threads: 0 } });
      const got = await drive(backend, (i, phase) => {
        if (i === 1 && phase === 'taken') backend.gpuBackend!.context.device.destroy();
      });
      await backend.close();
      expect(got.map((g) => g.spectra)).toEqual([8, 12]);
      got.forEach((g, i) => expect(relativeToPeak(g.visibilities, expected[i].visibilities)).toBeLessThan(tolerance));
      expect(backend.notices).toHaveLength(1);
      expect(backend.notices[0]).toMatch(/during integration 1 .*replayed that integration's \d+ spectra/);
    });
  });

  describe('gpu backend: choice', () => {
    const config: FxConfig = { inputs: 2, channels: 32, taps: 2, spectraPerIntegration: 4 };

    it("gives the GPU for 'gpu' where a device works, for 'auto' only where it is hardware, the CPU for 'cpu', each with a notice", async () => {
      const hardware = await acquireGpu({ hardwareOnly: true }).then((c) => (c.destroy(), true), () => false);
      for (const choice of ['gpu', 'auto'] as const) {
        const { backend, notice } = await chooseBackend(choice, config, { cpu: { threads: 0 } });
        const gpu = choice === 'gpu' || hardware;
        expect(backend.name).toBe(gpu ? 'gpu' : 'cpu');
        expect(notice).toMatch(gpu ? /using the GPU backend on / : /^no hardware GPU found: computing on the CPU/);
        await backend.close();
      }
      const { backend, notice } = await chooseBackend('cpu', config, { threads: 0 });
      expect(backend.name).toBe('cpu');
      expect(notice).toMatch(/CPU/);
      await backend.close();
    });

    it('falls back to the CPU with a notice when there is no adapter of the kind asked for', async () => {
      const hardware = await acquireGpu({ hardwareOnly: true }).then((c) => (c.destroy(), true), () => false);
      if (hardware) return; // a real GPU here: nothing to fall back from (the llvmpipe path is tested above)
      const { backend, notice } = await chooseBackend('gpu', config, { hardwareOnly: true, threads: 0 });
      expect(backend.name).toBe('cpu');
      expect(notice).toMatch(/no WebGPU adapter \(tried .*\).*using the CPU backend/);
      await backend.close();
      const streams = [randomCu8(32 * 8, 1), randomCu8(32 * 8, 2)];
      const [v] = await correlate((await chooseBackend('gpu', config, { hardwareOnly: true, threads: 0 })).backend, streams);
      expect(v.spectra).toBe(4);
    });
  });
}
