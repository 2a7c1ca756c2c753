/**
 * The rotator methods and event through the real dispatcher, and the event
 * as `fringe serve` sends it: a JSON text frame on the WebSocket.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { ApiError, checkParams } from '../../../src/api/contract.ts';
import { dispatcher } from '../../../src/api/dispatch.ts';
import { Station } from '../../../src/engine/station.ts';
import { pointingCorrectionPath, savePointingCorrection } from '../../../src/engine/pointing-correction.ts';
import { rmSync } from 'node:fs';
import { serve, type RunningServer } from '../../../src/server/server.ts';
import { tempDir } from '../../observations/fixtures.ts';

const { dir, cleanup } = tempDir('fringe-api-rotator-');
let station: Station;
let server: RunningServer;
beforeAll(async () => {
  station = Station.open(dir);
  server = await serve({ station, port: 0, log: () => {} });
});
afterAll(async () => {
  await server.close();
  await station.close();
  cleanup();
});

describe('api: rotator methods', () => {
  it('refuses what is out of range before it reaches the station, naming the field', () => {
    expect(checkParams('rotator.goto', { az: 540, el: -5 }).params).toEqual({ az: 540, el: -5 });
    expect(() => checkParams('rotator.goto', { az: 541, el: 10 })).toThrow(/rotator.goto: az:/);
    expect(() => checkParams('rotator.goto', { az: 10, el: 95.5 })).toThrow(/el:/);
    expect(() => checkParams('rotator.goto', { az: '10', el: 10 })).toThrow(/az:/);
    expect(() => checkParams('rotator.connect', { driver: 'yaesu' })).toThrow(/driver:/);
    expect(() => checkParams('rotator.connect', { driver: 'gs232b', port: '/dev/ttyUSB0; reboot' })).toThrow(/port: a port is a serial device path/);
    expect(() => checkParams('rotator.connect', { driver: 'gs232b', port: '/dev/ttyUSB0', baud: 9600.5 })).toThrow(/baud:/);
    expect(checkParams('rotator.connect', { driver: 'rotctld', port: '127.0.0.1:4533' }).params).toEqual({ driver: 'rotctld', port: '127.0.0.1:4533' });
  });

  it('connects, moves and disconnects the sim rotator through the dispatcher; a limit and a missing rotator are refusals with their messages', async () => {
    const call = dispatcher(station);
    await expect(call('rotator.goto', { az: 10, el: 10 })).rejects.toMatchObject({ kind: 'failed', message: expect.stringMatching(/no rotator connected/) });
    const status = (await call('rotator.connect', { driver: 'sim' })) as ReturnType<Station['status']>;
    // The simulated mount starts parked: az 0, el 90.
    expect(status.rotator).toMatchObject({ driver: 'sim', port: 'simulated mount', az: 0, el: 90, moving: false });
    expect(await call('rotator.goto', { az: 2, el: 89 })).toEqual({ az: 2, el: 89 });
    // −5° passes the schema (a rotator may go below the horizon) but not the sim mount's limits.
    const refused = await call('rotator.goto', { az: 10, el: -5 }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ kind: 'failed', message: 'elevation -5° is below the lower limit elMin=0°' });
    // A sun drift's stored correction (the dish points 0.3° east on the sky and 0.2° high at el 40°) moves every goto:
    // the mount is commanded to the target plus the correction, in its own degrees (az −0.3/cos 40°, el −0.2).
    const c = savePointingCorrection(dir, { az: 0.3, el: 0.2, elevation: 40, observation: 7, measuredAt: '2026-06-21T12:00:00.000Z' });
    const moved = (await call('rotator.goto', { az: 10, el: 30 })) as { az: number; el: number };
    expect(moved.az).toBeCloseTo(10 - 0.3 / Math.cos((40 * Math.PI) / 180), 9);
    expect(moved.el).toBeCloseTo(30 - 0.2, 9);
    expect(c.az).toBeCloseTo(moved.az - 10, 9);
    rmSync(pointingCorrectionPath(dir));
    expect(await call('rotator.goto', { az: 10, el: 30 })).toEqual({ az: 10, el: 30 });
    expect(((await call('rotator.stop', {})) as ReturnType<Station['status']>).rotator?.driver).toBe('sim');
    expect(((await call('rotator.park', {})) as ReturnType<Station['status']>).rotator?.driver).toBe('sim');
    expect(((await call('rotator.disconnect', {})) as ReturnType<Station['status']>).rotator).toBeNull();
  });

  it('sends the position as JSON text frames over the WebSocket at about 2 Hz', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api`);
    const frames: { event?: string; data?: Record<string, unknown>; id?: number; result?: unknown }[] = [];
    ws.on('message', (d, binary) => {
      if (!binary) frames.push(JSON.parse(d.toString()));
    });
    await new Promise((r, j) => ws.once('open', r).once('error', j));
    ws.send(JSON.stringify({ id: 1, method: 'rotator.connect', params: { driver: 'sim' } }));
    // Three position events (2 Hz): a second and a half idle, longer loaded; 30 s is the ceiling.
    await vi.waitUntil(() => frames.filter((f) => f.event === 'rotator').length >= 3, { timeout: 30_000, interval: 10 }).catch(() => {});
    const rot = frames.filter((f) => f.event === 'rotator');
    expect(rot.length).toBeGreaterThanOrEqual(3);
    expect(rot[0].data).toMatchObject({ az: 0, el: 90, moving: false, target: null, driver: 'sim', port: 'simulated mount' });
    expect(frames.find((f) => f.id === 1)?.result).toMatchObject({ rotator: { driver: 'sim' } });
    ws.send(JSON.stringify({ id: 2, method: 'rotator.disconnect', params: {} }));
    await vi.waitUntil(() => frames.some((f) => f.id === 2), { timeout: 30_000, interval: 10 }).catch(() => {});
    ws.close();
  });
});
