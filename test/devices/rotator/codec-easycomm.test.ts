import { describe, expect, it } from 'vitest';
import { decodeToken, encode, parsePosition } from '../../../devices/rotator/codec-easycomm.ts';

const b = (s: string) => Buffer.from(s, 'latin1');

describe('Easycomm II codec', () => {
  it('encodes one decimal', () => {
    expect(encode.goto(123.44, 45.66)).toBe('AZ123.4 EL45.7\n');
    expect(encode.goto(0, -0.01)).toBe('AZ0.0 EL0.0\n');
    expect(encode.query()).toBe('AZ EL\n');
    expect(encode.stop()).toBe('SA SE\n');
  });

  it('parses the position with any separator, in either order', () => {
    expect(parsePosition(b('AZ123.4 EL45.6\n'))).toEqual({ status: 'ok', value: { az: 123.4, el: 45.6 }, used: 15 });
    expect(parsePosition(b('EL45.6\rAZ123.4\r'))).toMatchObject({ status: 'ok', value: { az: 123.4, el: 45.6 } });
    expect(parsePosition(b('AZ7 EL0\r\n'))).toMatchObject({ status: 'ok', value: { az: 7, el: 0 } });
  });

  it('skips unsolicited AL alarms', () => {
    expect(parsePosition(b('ALSTALL\nAZ10.0 EL20.0\n'))).toMatchObject({ status: 'ok', value: { az: 10, el: 20 } });
  });

  it('waits for a complete token, and calls anything else garbled', () => {
    expect(parsePosition(b('AZ123.4 EL45')).status).toBe('partial');
    expect(parsePosition(b('AZ123.4')).status).toBe('partial');
    expect(parsePosition(b('AZ12x.4 EL45.6\n'))).toMatchObject({ status: 'garbled' });
    expect(parsePosition(b('\x01\x02 ')).status).toBe('garbled');
    expect(parsePosition(b('A'.repeat(40))).status).toBe('garbled');
  });

  it('decodes controller tokens', () => {
    expect(decodeToken('AZ')).toEqual({ op: 'query', axis: 'az' });
    expect(decodeToken('EL30.5')).toEqual({ op: 'set', axis: 'el', value: 30.5 });
    expect(decodeToken('SA')).toEqual({ op: 'stop', axis: 'az' });
    expect(decodeToken('MU')).toEqual({ op: 'move', dir: 'up' });
    expect(decodeToken('VE')).toEqual({ op: 'version' });
    expect(decodeToken('XYZ')).toEqual({ op: 'unknown', token: 'XYZ' });
  });

  it('decodes PARK, the token Hamlib sends for park (it was decoded as unknown and ignored)', () => {
    expect(decodeToken('PARK')).toEqual({ op: 'park' });
    expect(decodeToken('park')).toEqual({ op: 'park' });
    expect(decodeToken('PARKX')).toEqual({ op: 'unknown', token: 'PARKX' });
  });
});
