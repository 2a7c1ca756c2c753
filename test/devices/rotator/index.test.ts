import { describe, expect, it } from 'vitest';
import { openRotator, parseHostPort } from '../../../devices/rotator/index.ts';
import { goto } from '../../../devices/rotator/rotator.ts';

describe('openRotator', () => {
  it('opens the simulated mount with the options given', async () => {
    const rot = await openRotator({ driver: 'sim', azRate: 500, elRate: 500, start: { az: 10, el: 20 }, limits: { azMin: -180, azMax: 540, elMin: 0, elMax: 90 } });
    expect(await rot.position()).toEqual({ az: 10, el: 20 });
    expect(await goto(rot, 350, 20, { interval: 0.02, tolerance: 0.01 })).toEqual({ az: -10, el: 20 });
    await rot.close();
  });

  it('asks for a serial port, and names the drivers it knows', async () => {
    await expect(openRotator({ driver: 'gs232b' })).rejects.toMatchObject({ kind: 'invalid', message: expect.stringContaining('--port') });
    await expect(openRotator({ driver: 'nope' as 'sim' })).rejects.toThrow(/rotctld, gs232a, gs232b, easycomm, rot2prog, sim/);
  });

  it('says when a serial port does not exist', async () => {
    await expect(openRotator({ driver: 'easycomm', port: '/dev/fringe-no-such-port' })).rejects.toMatchObject({
      kind: 'not-found',
      message: expect.stringContaining('/dev/fringe-no-such-port'),
    });
  });

  it('refuses limits the protocol cannot carry', async () => {
    await expect(openRotator({ driver: 'gs232a', port: '/dev/null', limits: { azMin: -180, azMax: 180, elMin: 0, elMax: 90 } })).rejects.toMatchObject({
      kind: 'invalid',
      message: expect.stringContaining('az 0–450°'),
    });
  });
});

describe('parseHostPort', () => {
  it('reads HOST:PORT, PORT and HOST', () => {
    expect(parseHostPort('192.168.1.5:4533')).toEqual({ host: '192.168.1.5', port: 4533 });
    expect(parseHostPort('4600')).toEqual({ host: '127.0.0.1', port: 4600 });
    expect(parseHostPort('pi.local')).toEqual({ host: 'pi.local', port: 4533 });
    expect(parseHostPort('[::1]:4533')).toEqual({ host: '::1', port: 4533 });
    expect(() => parseHostPort('a b:1')).toThrow(/HOST:PORT/);
  });
});
