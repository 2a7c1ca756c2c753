/** The Live page's velocity frame: liveLsr (src/engine/hi-live.ts) and the HI peak readout's text (src/ui/spectrum.ts). */
import { describe, expect, it } from 'vitest';
import { horizontalToEquatorial, observerLsrVelocity } from '../../../devices/sim/ephemeris.ts';
import { liveLsr } from '../../../src/engine/hi-live.ts';
import type { Session } from '../../../src/engine/session.ts';
import { hiVelocityText } from '../../../src/ui/spectrum.ts';

describe('liveLsr', () => {
  it("gives the hydrogen scenario's correction (az 90°, el 50° from 52° N at 2026-06-21 22:00 UTC) as the simulator's own ephemeris does", () => {
    const now = Date.parse('2026-06-21T22:00:00Z');
    const site = { name: 'sim', lat: 52, lon: 0, altitude: 0 };
    const fake = { clock: { now: () => now }, site, aimAt: () => [{ az: 90, el: 50, source: 'scenario' as const }] } as unknown as Session;
    const r = liveLsr(fake)!;
    const simulator = observerLsrVelocity(horizontalToEquatorial({ az: 90, el: 50 }, { lat: 52, lon: 0 } as never, now), now);
    // The simulator's ephemeris (devices/sim/ephemeris.ts) is a lower-precision model: 0.19 km/s apart here, while
    // src/astro agrees with astropy to 0.006 km/s (test/src/astro/lsr-astropy.test.ts).
    expect(Math.abs(r.correction_kms - simulator)).toBeLessThan(0.3);
    expect(r.correction_kms).toBeCloseTo(28.3, 1);
    // The figure: an unlabelled topocentric axis is off by about 28 km/s here.
    expect(Math.abs(r.correction_kms)).toBeGreaterThan(20);
    expect(r.l).not.toBeNull();
    expect(liveLsr({ ...fake, aimAt: () => null } as unknown as Session)).toBeNull();
  });
  it('the readout names the frame', () => {
    expect(hiVelocityText(-3.04, 27.96)).toBe('v_LSR +24.9 km/s (topo −3.0)');
    expect(hiVelocityText(5, null)).toBe('+5.0 km/s topocentric');
  });
});
