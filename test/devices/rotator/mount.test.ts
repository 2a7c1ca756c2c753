import { describe, expect, it } from 'vitest';
import { DeviceError } from '../../../devices/errors.ts';
import { Mount } from '../../../devices/rotator/mount.ts';

/** A mount on a hand-driven clock, milliseconds. */
function mountAt(opts: ConstructorParameters<typeof Mount>[0] = {}) {
  let t = 0;
  const m = new Mount({ ...opts, now: () => t });
  return { m, at: (s: number) => ((t = s * 1000), m.position()) };
}

describe('Mount', () => {
  it('slews each axis at its own rate and stops on the target', () => {
    const { m, at } = mountAt({ azRate: 10, elRate: 5, start: { az: 0, el: 0 } });
    m.goto(30, 10);
    expect(at(1)).toEqual({ az: 10, el: 5 });
    expect(m.moving).toBe(true);
    expect(at(2)).toEqual({ az: 20, el: 10 });
    expect(at(3)).toEqual({ az: 30, el: 10 });
    expect(m.moving).toBe(false);
    expect(at(9)).toEqual({ az: 30, el: 10 });
  });

  it('stops where it is', () => {
    const { m, at } = mountAt({ azRate: 10, elRate: 10, start: { az: 100, el: 10 } });
    m.goto(50, 40);
    at(2);
    m.stop();
    expect(at(5)).toEqual({ az: 80, el: 30 });
  });

  it('takes the nearest mechanical azimuth in an overlap range', () => {
    const wide = { azMin: -180, azMax: 540, elMin: 0, elMax: 90 };
    expect(mountAt({ limits: wide, start: { az: 350, el: 0 } }).m.goto(10, 0)).toEqual({ az: 370, el: 0 });
    expect(mountAt({ limits: wide, start: { az: 0, el: 0 } }).m.goto(350, 0)).toEqual({ az: -10, el: 0 });
    const yaesu = { azMin: 0, azMax: 450, elMin: 0, elMax: 180 };
    expect(mountAt({ limits: yaesu, start: { az: 400, el: 0 } }).m.goto(20, 0)).toEqual({ az: 380, el: 0 });
    expect(mountAt({ limits: yaesu, start: { az: 0, el: 0 } }).m.goto(350, 0)).toEqual({ az: 350, el: 0 });
    // 400° on a 0–360° mount is the direction 40°.
    expect(mountAt({ start: { az: 0, el: 0 } }).m.goto(400, 0)).toEqual({ az: 40, el: 0 });
  });

  it('refuses a target outside the limits with an error naming the limit', () => {
    const { m } = mountAt({ limits: { azMin: 0, azMax: 270, elMin: 5, elMax: 85 }, start: { az: 0, el: 10 } });
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as DeviceError;
      }
      throw new Error('did not throw');
    };
    expect(err(() => m.goto(300, 10))).toMatchObject({ kind: 'limit', message: expect.stringContaining('azMax=270') });
    expect(err(() => m.goto(10, 90))).toMatchObject({ kind: 'limit', message: expect.stringContaining('elMax=85') });
    expect(err(() => m.goto(10, 0))).toMatchObject({ kind: 'limit', message: expect.stringContaining('elMin=5') });
    expect(m.target()).toEqual({ az: 0, el: 10 });
  });

  it('parks at az 0, el 90 by default, clamped to the limits', () => {
    const { m, at } = mountAt({ azRate: 100, elRate: 100, start: { az: 90, el: 10 }, limits: { azMin: 0, azMax: 360, elMin: 0, elMax: 80 } });
    m.park();
    expect(at(10)).toEqual({ az: 0, el: 80 });
  });

  it('clamps single-axis moves at the end stops, as a controller does', () => {
    const { m } = mountAt({ start: { az: 10, el: 10 } });
    expect(m.gotoAxis('az', 500)).toBe(360);
    expect(m.gotoAxis('el', -5)).toBe(0);
  });
});
