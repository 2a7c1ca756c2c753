import { describe, expect, it } from 'vitest';
import { decodeCommand, encode, formatPosition, parseAck, parsePosition } from '../../../devices/rotator/codec-gs232.ts';

const b = (s: string) => Buffer.from(s, 'latin1');

describe('GS-232 codec', () => {
  it('encodes three zero-padded digits, whole degrees', () => {
    expect(encode.goto(5, 0)).toBe('W005 000\r');
    expect(encode.goto(359.6, 44.4)).toBe('W360 044\r');
    expect(encode.goto(450, 180)).toBe('W450 180\r');
    expect(encode.readBoth()).toBe('C2\r');
    expect(encode.stop()).toBe('S\r');
  });

  it('parses both variants and the forms real units send', () => {
    const cases: [string, number, number][] = [
      ['+0120+0030\r\n', 120, 30],
      ['+0405+0180\r\n', 405, 180],
      ['-0005+0010\r\n', -5, 10],
      ['AZ=120  EL=030\r\n', 120, 30],
      ['AZ=120EL=030\r\n', 120, 30],
      ['AZ=359\r\n', 359, 0],
      ['\r\nAZ=001  EL=002\r\n', 1, 2],
    ];
    for (const [text, az, el] of cases) {
      expect(parsePosition(b(text)), text).toMatchObject({ status: 'ok', value: { az, el } });
    }
  });

  it('waits for the line end, then calls noise garbled and ?> rejected', () => {
    expect(parsePosition(b('AZ=120  EL=0')).status).toBe('partial');
    expect(parsePosition(b('')).status).toBe('partial');
    expect(parsePosition(b('\x00\xffZZ\r\n'))).toMatchObject({ status: 'garbled' });
    expect(parsePosition(b('x'.repeat(41))).status).toBe('garbled');
    expect(parsePosition(b('?>\r')).status).toBe('rejected');
  });

  it('acknowledges a command by a bare CR', () => {
    expect(parseAck(b(''))).toEqual({ status: 'partial' });
    expect(parseAck(b('\r'))).toEqual({ status: 'ok', value: true, used: 1 });
    expect(parseAck(b('?>\r')).status).toBe('rejected');
    expect(parseAck(b('junk\r')).status).toBe('garbled');
  });

  it('formats the controller replies that Hamlib parses (+0aaa+0eee, AZ=aaa  EL=eee)', () => {
    expect(formatPosition('a', 120.4, 29.6)).toBe('+0120+0030\r\n');
    expect(formatPosition('b', 7, 90)).toBe('AZ=007  EL=090\r\n');
  });

  it('decodes controller commands case-insensitively', () => {
    expect(decodeCommand('W120 030')).toEqual({ op: 'goto', az: 120, el: 30 });
    expect(decodeCommand('m270')).toEqual({ op: 'goto', az: 270 });
    expect(decodeCommand('c2')).toEqual({ op: 'read', what: 'both' });
    expect(decodeCommand('S')).toEqual({ op: 'stop', axis: 'both' });
    expect(decodeCommand('P45')).toEqual({ op: 'mode', azMax: 450 });
    expect(decodeCommand('W12 30')).toEqual({ op: 'invalid' });
    expect(decodeCommand('Q')).toEqual({ op: 'invalid' });
  });
});
