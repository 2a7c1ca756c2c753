import { describe, expect, it } from 'vitest';
import { validateConfig, windowSamples } from '../../correlator/config.ts';
import { CorrelatorError } from '../../correlator/errors.ts';
import { fftPasses, grid, makePlan, type PlanLimits } from '../../kernels/plan.ts';

/** WebGPU compatibility-mode defaults (what llvmpipe's device gets). */
const compat: PlanLimits = {
  maxComputeWorkgroupStorageSize: 16384,
  maxComputeInvocationsPerWorkgroup: 128,
  maxComputeWorkgroupSizeX: 128,
  maxComputeWorkgroupsPerDimension: 65535,
  maxStorageBufferBindingSize: 128 << 20,
  maxBufferSize: 256 << 20,
};

describe('GPU plan', () => {
  it('does C ≤ 1024 in one workgroup pass within 16 KiB of workgroup memory, larger C in two four-step passes', () => {
    const plan = (C: number) => makePlan(validateConfig({ inputs: 2, channels: C, taps: 4, spectraPerIntegration: 100 }), compat).fft;
    expect(plan(1024)).toEqual([{ length: 1024, perGroup: 1, inR: 0, inI: 1, outR: 0, outK: 1, twiddle: false }]);
    expect(plan(16)[0].perGroup * 16).toBeGreaterThanOrEqual(128); // every invocation has a butterfly
    const [p1, p2] = plan(4096);
    expect([p1.length, p2.length]).toEqual([64, 64]);
    expect(p1).toMatchObject({ inR: 1, inI: 64, outR: 1, outK: 64, twiddle: true });
    expect(p2).toMatchObject({ inR: 64, inI: 1, outR: 1, outK: 64, twiddle: false });
    const [q1, q2] = plan(65536);
    expect(q1.length * q2.length).toBe(65536);
    for (const p of [...plan(16), ...plan(4096), q1, q2]) expect(2 * p.perGroup * p.length * 8).toBeLessThanOrEqual(16384);
  });

  it('refuses a length beyond two passes', () => {
    expect(() => fftPasses(1 << 12, 32, 64)).toThrow(/exceed/);
  });

  it('sizes batches to about 2^17 samples, at most K, and strides to whole workgroups', () => {
    const config = validateConfig({ inputs: 8, channels: 1024, taps: 4, spectraPerIntegration: 2340 });
    const p = makePlan(config, compat);
    expect(p.batch).toBe(128);
    expect(p.window).toBe(windowSamples(config, 128));
    expect(p.strideWords % p.workgroup).toBe(0);
    expect(2 * p.strideWords).toBeGreaterThanOrEqual(p.window);
    expect(p.flushEvery).toBe(4);
    expect(makePlan(validateConfig({ inputs: 1, channels: 16, taps: 1, spectraPerIntegration: 7 }), compat).batch).toBe(7);
  });

  it('halves the batch until every buffer fits the binding limit, and says what to change when none does', () => {
    const config = validateConfig({ inputs: 8, channels: 1024, taps: 4, spectraPerIntegration: 1000 });
    const small = { ...compat, maxStorageBufferBindingSize: 2 << 20 };
    const p = makePlan(config, small);
    expect(8 * p.batch * 1024 * 8).toBeLessThanOrEqual(2 << 20);
    expect(8 * p.strideSamples * 8).toBeLessThanOrEqual(2 << 20);
    expect(() => makePlan(config, { ...compat, maxStorageBufferBindingSize: 1 << 16 })).toThrow(CorrelatorError);
  });

  it('lays out dispatches as a 2-D grid within the per-dimension limit', () => {
    expect(grid(10, 65535)).toEqual([10, 1]);
    expect(grid(65536, 65535)).toEqual([65535, 2]);
    expect(grid(0, 65535)).toEqual([0, 0]);
  });
});
