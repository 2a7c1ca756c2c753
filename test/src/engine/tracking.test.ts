import { afterEach, describe, expect, it } from 'vitest';
import { beamFwhm } from '../../../devices/sim/beam.ts';
import { parseTarget, separation } from '../../../src/astro/targets.ts';
import { acceleratedClock } from '../../../src/engine/clock.ts';
import { RotatorControl } from '../../../src/engine/rotator.ts';
import { thresholdFor, Tracker, type TrackEvent } from '../../../src/engine/tracking.ts';

const site = { name: 'simulator', lat: 52, lon: 0, altitude: 0 };
const sun = parseTarget('sun');
let ctl: RotatorControl | null = null;
afterEach(async () => ctl?.close());

describe('tracking', () => {
  it('keeps the simulated sun within 0.1 beam for 20 sky minutes on the simulated mount (120× sky clock)', async () => {
    const start = Date.parse('2026-06-21T11:50:00Z');
    const clock = acceleratedClock(start, 120);
    const beam = beamFwhm(1, 1_420_405_752);
    const s0 = sun.position(site, new Date(start));
    // Parked 20° off in azimuth: the first command slews onto the sun.
    ctl = await RotatorControl.connect({ driver: 'sim', start: { az: s0.az - 20, el: s0.el } });
    const events: TrackEvent[] = [];
    const tracker = new Tracker({ target: sun, site, clock, mount: ctl, threshold: thresholdFor(beam, 0.02), every: 60, onEvent: (e) => events.push(e) });
    await tracker.start();
    await new Promise<void>((r) => ctl!.once('arrived', () => r()));
    let worst = 0;
    let readings = 0;
    const sky0 = clock.now();
    await new Promise<void>((resolve) => {
      const onPos = (p: { az: number; el: number }) => {
        worst = Math.max(worst, separation(p, sun.position(site, new Date(clock.now()))));
        readings++;
        if (clock.now() - sky0 >= 20 * 60_000) {
          ctl!.off('position', onPos);
          resolve();
        }
      };
      ctl!.on('position', onPos);
    });
    tracker.stop();
    // The sun moved far more than 0.1 beam meanwhile: without tracking the test fails.
    expect(separation(sun.position(site, new Date(sky0)), sun.position(site, new Date(clock.now())))).toBeGreaterThan(0.2 * beam);
    console.log(`worst sun error ${worst.toFixed(3)}° = ${(worst / beam).toFixed(4)} beam over ${readings} readings, ${tracker.commands} commands`);
    expect(readings).toBeGreaterThan(10);
    expect(worst).toBeLessThan(0.1 * beam);
    // Commanded and reported positions are kept, one per command.
    expect(events.filter((e) => e.kind === 'command').length).toBeGreaterThan(3);
    for (const e of events) expect(e.commanded).toEqual(e.target);
  }, 60_000);

  it('a target outside the mount’s limits is refused with the reason', async () => {
    ctl = await RotatorControl.connect({ driver: 'sim', start: { az: 180, el: 30 } });
    const clock = acceleratedClock(Date.parse('2026-06-21T23:00:00Z'), 1);
    const events: TrackEvent[] = [];
    const tracker = new Tracker({ target: sun, site, clock, mount: ctl, threshold: 0.5, tickMs: 20, onEvent: (e) => events.push(e) });
    await tracker.start();
    tracker.stop();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: 'refused' });
    expect(events[0]!.reason).toMatch(/below the lower limit/);
  });
});
