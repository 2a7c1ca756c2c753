import { describe, expect, it } from 'vitest';
import { encode, parseAck, parseLimits, parsePosition } from '../../../devices/rotator/codec-rotctld.ts';

const b = (s: string) => Buffer.from(s, 'latin1');

describe('rotctld codec', () => {
  it('encodes extended-mode commands', () => {
    expect(encode.setPos(120, 30.5)).toBe('+\\set_pos 120.00 30.50\n');
    expect(encode.setPos(-0.001, 0)).toBe('+\\set_pos 0.00 0.00\n');
    expect(encode.getPos()).toBe('+\\get_pos\n');
    expect(encode.stop()).toBe('+\\stop\n');
    expect(encode.park()).toBe('+\\park\n');
  });

  it('parses get_pos as Debian rotctld 4.5 prints it', () => {
    const r = parsePosition(b('get_pos:\nAzimuth: 3.61\nElevation: -1.25\nRPRT 0\n'));
    expect(r).toEqual({ status: 'ok', value: { az: 3.61, el: -1.25 }, used: 47 });
  });

  it('waits for the RPRT line, however the reply is split', () => {
    const full = 'get_pos:\nAzimuth: 90.000000\nElevation: 45.000000\nRPRT 0\n';
    for (let i = 0; i < full.length; i++) expect(parsePosition(b(full.slice(0, i))).status).toBe('partial');
    expect(parsePosition(b(full)).status).toBe('ok');
  });

  it('reports RPRT -n as a rejection with its name', () => {
    expect(parseAck(b('set_pos: 500 30\nRPRT -1\n'), 'set_pos')).toEqual({ status: 'rejected', reason: 'RPRT -1: EINVAL (invalid parameter)' });
    const r = parseAck(b('set_pos: 500 30\nRPRT -21\n'), 'set_pos');
    expect(r.status === 'rejected' && r.reason).toMatch(/ELIMIT/);
  });

  it('calls a reply to another command, or one without numbers, garbled', () => {
    expect(parsePosition(b('set_pos: 1 2\nRPRT 0\n')).status).toBe('garbled');
    expect(parsePosition(b('Dummy rotator\n')).status).toBe('garbled');
    expect(parsePosition(b('get_pos:\nAzimuth: x\nElevation: 1\nRPRT 0\n')).status).toBe('garbled');
  });

  it('reads the limits from extended dump_state', () => {
    const text =
      'dump_state:\nrotctld Protocol Ver: 1\nRotor Model: 1\nMinimum Azimuth: -180.000000\nMaximum Azimuth: 450.000000\n' +
      'Minimum Elevation: 0.000000\nMaximum Elevation: 90.000000\nSouth Zero: 0\nrot_type=AzEl\ndone\nRPRT 0\n';
    expect(parseLimits(b(text))).toMatchObject({ status: 'ok', value: { azMin: -180, azMax: 450, elMin: 0, elMax: 90 } });
  });
});
