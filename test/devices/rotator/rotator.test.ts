import { describe, expect, it } from 'vitest';
import { waitFor } from './helpers.ts';
import { DeviceError } from '../../../devices/errors.ts';
import { SimRotator } from '../../../devices/rotator/mount.ts';
import { azDistance, goto, resolveTarget, validateLimits } from '../../../devices/rotator/rotator.ts';

describe('resolveTarget', () => {
  const lim = { azMin: 0, azMax: 360, elMin: 0, elMax: 90 };
  it('keeps a target inside the limits, and maps other turns onto it', () => {
    expect(resolveTarget(120, 30, lim)).toEqual({ az: 120, el: 30 });
    expect(resolveTarget(-90, 30, lim)).toEqual({ az: 270, el: 30 });
    expect(resolveTarget(360, 0, lim, 350)).toEqual({ az: 360, el: 0 });
    expect(resolveTarget(0, 0, lim, 10)).toEqual({ az: 0, el: 0 });
  });
  it('refuses with the limit named, and bad numbers as invalid', () => {
    expect(() => resolveTarget(10, 91, lim)).toThrow(/elMax=90/);
    expect(() => resolveTarget(10, -1, lim)).toThrow(/elMin=0/);
    expect(() => resolveTarget(200, 10, { ...lim, azMax: 180 })).toThrow(/azMax=180/);
    expect(() => resolveTarget(NaN, 10, lim)).toThrow(DeviceError);
    expect(() => validateLimits({ ...lim, azMin: 400 })).toThrow(/azMin/);
  });
  it('measures azimuth distance across north', () => {
    expect(azDistance(359, 1)).toBe(2);
    expect(azDistance(10, 370)).toBe(0);
  });
});

describe('goto on the simulated mount', () => {
  it('emits positions while moving and arrives within tolerance', async () => {
    const rot = await SimRotator.open({ azRate: 50, elRate: 50, start: { az: 0, el: 0 } });
    const seen: number[] = [];
    let arrived: { az: number; el: number } | undefined;
    rot.on('position', (p) => seen.push(p.az));
    rot.on('arrived', (p) => (arrived = p));
    const p = await goto(rot, 100, 45, { interval: 0.05, tolerance: 0.5 });
    expect(Math.abs(p.az - 100)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(p.el - 45)).toBeLessThanOrEqual(0.5);
    expect(arrived).toMatchObject(p);
    expect(seen.length).toBeGreaterThan(1); // 100° at 50°/s takes 2 s, polled every 0.05 s
    expect(seen.at(-1)).toBe(p.az);
    await waitFor(() => !rot.mount.moving, 'the mount to settle (the last 0.5° at 50°/s take 10 ms)', 10_000);
    expect(await rot.position()).toEqual({ az: 100, el: 45 });
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
  });

  it('times out, stops the mount and reports it', async () => {
    const rot = await SimRotator.open({ azRate: 1, elRate: 1, start: { az: 0, el: 0 } });
    const errors: DeviceError[] = [];
    rot.on('error', (e) => errors.push(e));
    await expect(goto(rot, 90, 0, { interval: 0.05, timeout: 0.3 })).rejects.toMatchObject({ kind: 'timeout', message: expect.stringMatching(/did not reach az 90/) });
    expect(errors).toHaveLength(1);
    expect(rot.mount.moving).toBe(false);
    expect(rot.mount.position().az).toBeLessThan(5);
  });

  it('refuses a limit before moving', async () => {
    const rot = await SimRotator.open({ start: { az: 0, el: 0 } });
    rot.on('error', () => undefined);
    await expect(goto(rot, 10, 95)).rejects.toMatchObject({ kind: 'limit', message: expect.stringContaining('elMax=90') });
    expect(rot.mount.moving).toBe(false);
  });

  it('parks, and refuses calls after close', async () => {
    const rot = await SimRotator.open({ azRate: 1000, elRate: 1000, start: { az: 200, el: 10 } });
    await rot.park();
    await waitFor(() => !rot.mount.moving, 'the mount to park', 10_000);
    expect(await rot.position()).toEqual({ az: 0, el: 90 });
    await rot.close();
    await expect(rot.position()).rejects.toMatchObject({ kind: 'closed' });
  });
});
