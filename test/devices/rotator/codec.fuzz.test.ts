/**
 * Fuzzing every rotator protocol's reply codec (pure functions of the bytes
 * heard): any bytes give partial, ok, garbled or rejected, never an
 * exception; an ok position is finite and inside the controller's range;
 * `used` stays within the input. A reply the controller's simulator formats
 * comes back exactly, however the bytes are split. Seeded and bounded.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as easycomm from '../../../devices/rotator/codec-easycomm.ts';
import * as gs232 from '../../../devices/rotator/codec-gs232.ts';
import * as rot2prog from '../../../devices/rotator/codec-rot2prog.ts';
import * as rotctld from '../../../devices/rotator/codec-rotctld.ts';
import type { AngleRange, Parsed } from '../../../devices/rotator/codec.ts';

const bytes = (s: string) => Uint8Array.from(Buffer.from(s, 'latin1'));
const options = { seed: 4242, numRuns: 400, interruptAfterTimeLimit: 1500 };

/** Bytes a reply parser may hear: random, or pieces of real replies with noise. */
const heard = (pieces: string[]) =>
  fc.oneof(
    fc.uint8Array({ maxLength: 64 }),
    fc.array(fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 6 })), { maxLength: 8 }).map((p) => bytes(p.join(''))),
  );

function checkParsed(r: Parsed<unknown>, input: Uint8Array, range?: AngleRange): void {
  expect(['partial', 'ok', 'garbled', 'rejected']).toContain(r.status);
  if (r.status === 'ok') {
    expect(r.used).toBeGreaterThan(0);
    expect(r.used).toBeLessThanOrEqual(input.length);
    const v = r.value as { az?: number; el?: number };
    if (range && typeof v === 'object' && v.az !== undefined) {
      expect(Number.isFinite(v.az) && Number.isFinite(v.el!)).toBe(true);
      expect(v.az).toBeGreaterThanOrEqual(range.azMin);
      expect(v.az).toBeLessThanOrEqual(range.azMax);
      expect(v.el).toBeGreaterThanOrEqual(range.elMin);
      expect(v.el).toBeLessThanOrEqual(range.elMax);
    }
  }
  if (r.status === 'garbled' || r.status === 'rejected') expect(r.reason.length).toBeGreaterThan(0);
}

/** Every prefix of a complete reply is partial (or already the same answer); the whole is `want`. */
function splitsAgree<T>(parse: (b: Uint8Array) => Parsed<T>, reply: Uint8Array, want: T): void {
  for (let cut = 0; cut < reply.length; cut++) {
    const r = parse(reply.subarray(0, cut));
    if (r.status !== 'partial') expect(r).toMatchObject({ status: 'ok', value: want });
  }
  expect(parse(reply)).toMatchObject({ status: 'ok', value: want, used: reply.length });
}

describe('GS-232A/B replies', () => {
  it('the GS-232B driver reported impossible angles (az 999, el −45) with exit 0: a reply outside the controller\'s range is an error', () => {
    expect(gs232.parsePosition(bytes('AZ=999  EL=045\r\n'))).toEqual({ status: 'garbled', reason: "azimuth 999° is outside the controller's range -5–455°" });
    expect(gs232.parsePosition(bytes('AZ=100  EL=-45\r\n'))).toEqual({ status: 'garbled', reason: "elevation -45° is outside the controller's range -5–185°" });
    expect(gs232.parsePosition(bytes('+0999+0010\r\n'))).toMatchObject({ status: 'garbled' });
    expect(gs232.parsePosition(bytes('AZ=450  EL=180\r\n'))).toMatchObject({ status: 'ok', value: { az: 450, el: 180 } });
    expect(gs232.parsePosition(bytes('-0005+0010\r\n'))).toMatchObject({ status: 'ok', value: { az: -5, el: 10 } });
  });

  it('any bytes: a typed answer, never an exception', () => {
    const pieces = ['AZ=', 'EL=', '+0', '-0', '999', '045', '\r\n', '\r', '\n', '?>', '  ', '1e9', '.5'];
    fc.assert(fc.property(heard(pieces), (b) => {
      checkParsed(gs232.parsePosition(b), b, gs232.replyRange);
      checkParsed(gs232.parseAck(b), b);
    }), options);
  });

  it('what a controller sends comes back exactly, however it is split', () => {
    fc.assert(fc.property(fc.constantFrom('a' as const, 'b' as const), fc.integer({ min: 0, max: 450 }), fc.integer({ min: 0, max: 180 }), (v, az, el) => {
      splitsAgree(gs232.parsePosition, bytes(gs232.formatPosition(v, az, el)), { az, el });
    }), { ...options, numRuns: 100 });
  });
});

describe('Easycomm II replies', () => {
  it('a position outside the controller\'s range is an error', () => {
    expect(easycomm.parsePosition(bytes('AZ999.0 EL45.0\n'))).toMatchObject({ status: 'garbled', reason: expect.stringMatching(/azimuth 999° is outside/) });
    expect(easycomm.parsePosition(bytes('AZ100.0 EL-91.0\n'))).toMatchObject({ status: 'garbled', reason: expect.stringMatching(/elevation -91° is outside/) });
  });

  it('any bytes: a typed answer, never an exception', () => {
    fc.assert(fc.property(heard(['AZ', 'EL', 'AL', ' ', '\n', '123.4', '-5', '999', '1e3', 'SA SE']), (b) => {
      checkParsed(easycomm.parsePosition(b), b, easycomm.replyRange);
    }), options);
  });

  it('a reply comes back exactly, however it is split', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 3600 }), fc.integer({ min: 0, max: 900 }), (a, e) => {
      const az = a / 10, el = e / 10;
      splitsAgree(easycomm.parsePosition, bytes(`AZ${az.toFixed(1)} EL${el.toFixed(1)}\n`), { az, el });
    }), { ...options, numRuns: 100 });
  });
});

describe('Rot2Prog replies', () => {
  it('any bytes: a typed answer, never an exception', () => {
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.array(fc.integer({ min: 0, max: 12 }), { maxLength: 40 }).map((a) => Uint8Array.from(a.map((x) => (x === 10 ? 0x57 : x === 11 ? 0x20 : x === 12 ? 0x0a : x))))), (b) => {
      checkParsed(rot2prog.parseStatus(b), b, rot2prog.replyRange);
    }), options);
  });

  it('a status frame comes back exactly, however it is split', () => {
    fc.assert(fc.property(fc.integer({ min: -1800, max: 5400 }), fc.integer({ min: -900, max: 1800 }), fc.constantFrom(1, 2, 4), (a, e, ph) => {
      const az = a / 10, el = e / 10;
      splitsAgree(rot2prog.parseStatus, rot2prog.formatStatus(az, el, ph, ph), { az, el, ph, pv: ph });
    }), { ...options, numRuns: 100 });
  });
});

describe('rotctld replies', () => {
  it('a position outside what Hamlib reports is an error', () => {
    expect(rotctld.parsePosition(bytes('get_pos:\nAzimuth: 9999.00\nElevation: 10.00\nRPRT 0\n'))).toMatchObject({ status: 'garbled', reason: expect.stringMatching(/azimuth 9999° is outside/) });
  });

  it('any bytes: a typed answer, never an exception', () => {
    const pieces = ['get_pos:', 'dump_state:', '\n', 'Azimuth: ', 'Elevation: ', '12.5', '-999', 'NaN', 'RPRT 0', 'RPRT -1', 'RPRT -99', 'Minimum Azimuth: ', 'Maximum Azimuth: '];
    fc.assert(fc.property(heard(pieces), (b) => {
      checkParsed(rotctld.parsePosition(b), b, rotctld.replyRange);
      checkParsed(rotctld.parseLimits(b), b);
      checkParsed(rotctld.parseAck(b, 'set_pos'), b);
    }), options);
  });

  it('a reply comes back exactly, however it is split', () => {
    fc.assert(fc.property(fc.integer({ min: -18000, max: 54000 }), fc.integer({ min: 0, max: 9000 }), (a, e) => {
      const az = a / 100, el = e / 100;
      splitsAgree(rotctld.parsePosition, bytes(`get_pos:\nAzimuth: ${az.toFixed(2)}\nElevation: ${el.toFixed(2)}\nRPRT 0\n`), { az, el });
    }), { ...options, numRuns: 100 });
  });
});
