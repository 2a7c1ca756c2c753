import { describe, expect, it } from 'vitest';
import { K, decodeCommand, encode, formatStatus, parseStatus } from '../../../devices/rotator/codec-rot2prog.ts';

const hex = (u: Uint8Array) => Buffer.from(u).toString('hex').match(/../g)!.join(' ');

describe('Rot2Prog codec', () => {
  it('encodes the set example of rotators.md (az 123.5, el 77 at 2 pulses/°)', () => {
    expect(hex(encode.set(123.5, 77, 2, 2))).toBe('57 30 39 36 37 02 30 38 37 34 02 2f 20');
  });

  it('encodes status and stop with the other fields zero', () => {
    expect(hex(encode.status())).toBe('57 00 00 00 00 00 00 00 00 00 00 1f 20');
    expect(hex(encode.stop())).toBe('57 00 00 00 00 00 00 00 00 00 00 0f 20');
  });

  it('refuses what four digits cannot carry', () => {
    expect(() => encode.set(-400, 0, 1, 1)).toThrow(RangeError);
    expect(() => encode.set(0, 2200, 4, 4)).toThrow(RangeError);
  });

  it('parses the status example of rotators.md (az 12.5, el 34.0)', () => {
    const frame = Uint8Array.from([0x57, 3, 7, 2, 5, 2, 3, 9, 4, 0, 2, 0x20]);
    expect(parseStatus(frame)).toEqual({ status: 'ok', value: { az: 12.5, el: 34, ph: 2, pv: 2 }, used: 12 });
  });

  it('waits for all 12 bytes', () => {
    const frame = Uint8Array.from([0x57, 3, 7, 2, 5, 2, 3, 9, 4, 0, 2, 0x20]);
    for (let i = 0; i < 12; i++) expect(parseStatus(frame.subarray(0, i)).status).toBe('partial');
  });

  it('skips MD-01 text log lines before the frame', () => {
    const log = Buffer.from('Waiting for GPS fix\r\nW-log: ok\r\n', 'latin1');
    const frame = formatStatus(-10.5, 45, 4, 4);
    const r = parseStatus(Buffer.concat([log, frame]));
    expect(r).toEqual({ status: 'ok', value: { az: -10.5, el: 45, ph: 4, pv: 4 }, used: log.length + 12 });
  });

  it('calls 512 bytes without a frame garbled', () => {
    expect(parseStatus(Buffer.alloc(600, 0x41)).status).toBe('garbled');
  });

  it('round-trips the controller side', () => {
    expect(parseStatus(formatStatus(359.9, -5, 1, 1))).toMatchObject({ value: { az: 359.9, el: -5 } });
    expect(decodeCommand(encode.set(120, 30, 2, 2))).toEqual({ k: K.set, h: 960, v: 780 });
    expect(decodeCommand(encode.status())).toEqual({ k: K.status, h: 0, v: 0 });
    expect(decodeCommand(Uint8Array.from([0x57, 1, 2]))).toBeUndefined();
  });
});
