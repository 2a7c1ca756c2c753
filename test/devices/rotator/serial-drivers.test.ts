/**
 * Each serial driver against our simulator of its controller, through a real
 * socat pseudo-terminal pair: moves, limits, one command at a time, garbled
 * replies, and a controller that stops answering mid-move.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipUnless, tools } from '../../helpers/tools.ts';
import { type DriverName, openRotator } from '../../../devices/rotator/index.ts';
import { goto, type Rotator } from '../../../devices/rotator/rotator.ts';
import { ControllerSim, gs232Responder, easycommResponder, rot2progResponder } from '../../../devices/rotator/sim-controllers.ts';
import type { Mount } from '../../../devices/rotator/mount.ts';
import { type PtyPair, ptyPair, waitFor } from './helpers.ts';

const skip = skipUnless(tools.command('socat'));

type Case = { driver: DriverName; responder: (m: Mount) => ReturnType<typeof gs232Responder>; query: string };
const cases: Case[] = [
  { driver: 'gs232a', responder: (m) => gs232Responder('a', m), query: 'C2\r' },
  { driver: 'gs232b', responder: (m) => gs232Responder('b', m), query: 'C2\r' },
  { driver: 'easycomm', responder: (m) => easycommResponder(m), query: 'AZ EL\n' },
  { driver: 'rot2prog', responder: (m) => rot2progResponder(m), query: 'W\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x1f ' },
];

for (const c of cases) {
  describe.skipIf(skip)(`${c.driver} through a pty to its simulator${skip ? ` (${skip})` : ''}`, () => {
    let pair: PtyPair;
    let sim: ControllerSim;
    let rot: Rotator;
    const fresh = async (mount: { azRate: number; elRate: number; start: { az: number; el: number } }) => {
      await rot?.close();
      await sim?.close();
      sim = await ControllerSim.start(c.responder, { path: pair.b, mount });
      rot = await openRotator({ driver: c.driver, port: pair.a, timeoutMs: 1500, retries: 1 });
    };

    beforeAll(async () => {
      pair = await ptyPair();
    });
    afterAll(async () => {
      await rot?.close();
      await sim?.close();
      await pair?.close();
    });

    it('goes to az 120, el 30 and arrives, reporting positions on the way', async () => {
      await fresh({ azRate: 40, elRate: 20, start: { az: 0, el: 0 } }); // a 3 s move, polled every 0.1 s
      const seen: number[] = [];
      rot.on('position', (p) => seen.push(p.az));
      const p = await goto(rot, 120, 30, { interval: 0.1, tolerance: 0.5, timeout: 30 });
      expect(Math.abs(p.az - 120)).toBeLessThanOrEqual(0.5);
      expect(Math.abs(p.el - 30)).toBeLessThanOrEqual(0.5);
      expect(sim.mount.target()).toEqual({ az: 120, el: 30 });
      expect(seen.length).toBeGreaterThan(1);
      // Once the mount has settled the driver reads exactly the target.
      await waitFor(() => !sim.mount.moving, 'the mount to settle', 10_000);
      expect(await rot.position()).toEqual({ az: 120, el: 30 });
      rot.removeAllListeners('position');
    });

    it('stops mid-slew where the mount is', async () => {
      await fresh({ azRate: 20, elRate: 20, start: { az: 10, el: 10 } });
      await rot.moveTo(200, 80);
      // Under way: a few degrees past the start (at 20°/s; 200° is 9.5 s off, far more than a loaded machine's poll takes).
      await waitFor(() => sim.mount.position().az > 13, 'the mount to slew', 10_000);
      await rot.stop();
      // Easycomm's stop has no reply: give the simulator time to hear it on a loaded machine.
      await waitFor(() => !sim.mount.moving, 'the mount to stop', 10_000).catch(() => undefined);
      expect(sim.mount.moving).toBe(false);
      const here = sim.mount.position();
      expect(here.az).toBeGreaterThan(10);
      expect(here.az).toBeLessThan(200);
      const p = await rot.position();
      expect(Math.abs(p.az - here.az)).toBeLessThanOrEqual(1);
    });

    it('refuses a target outside the limits without sending anything', async () => {
      await fresh({ azRate: 100, elRate: 100, start: { az: 0, el: 0 } });
      const before = sim.heard.length;
      await expect(rot.moveTo(10, 95)).rejects.toMatchObject({ kind: 'limit', message: expect.stringContaining('elMax=90') });
      await expect(rot.moveTo(10, -3)).rejects.toMatchObject({ kind: 'limit', message: expect.stringContaining('elMin=0') });
      expect(sim.heard.length).toBe(before);
    });

    it('sends one command at a time when called concurrently', async () => {
      await fresh({ azRate: 100, elRate: 100, start: { az: 45, el: 20 } });
      const before = sim.heard.length;
      const ps = await Promise.all(Array.from({ length: 8 }, () => rot.position()));
      for (const p of ps) expect(p).toEqual({ az: 45, el: 20 });
      expect(sim.heard.subarray(before).toString('latin1')).toBe(c.query.repeat(8));
    });

    it('names the port and what was heard when a reply is garbled', async () => {
      await fresh({ azRate: 100, elRate: 100, start: { az: 0, el: 0 } });
      sim.tamper = () => 'Z\x01Q#garbage-xyz\r\n'.repeat(40);
      const err = await rot.position().then(() => undefined, (e: unknown) => e);
      sim.tamper = undefined;
      expect(err).toMatchObject({ kind: 'protocol' });
      expect((err as Error).message).toContain(pair.a);
      expect((err as Error).message).toContain('Z\\x01Q#garbage');
    });

    it('stops commanding a controller that stops answering mid-move, and says so', async () => {
      await fresh({ azRate: 20, elRate: 20, start: { az: 0, el: 0 } });
      const errors: Error[] = [];
      rot.on('error', (e) => errors.push(e));
      rot.once('position', () => (sim.muted = true));
      const err = await goto(rot, 150, 40, { interval: 0.1, timeout: 60 }).then(() => undefined, (e: unknown) => e);
      expect(err).toMatchObject({ kind: 'timeout' });
      expect((err as Error).message).toContain(pair.a);
      expect((err as Error).message).toMatch(/no further commands/);
      expect(errors).toHaveLength(1);
      // Nothing more goes out: not the timeout's stop, not later calls.
      const heard = sim.heardWhileMuted;
      await expect(rot.position()).rejects.toMatchObject({ kind: 'timeout' });
      await expect(rot.stop()).rejects.toMatchObject({ kind: 'timeout' });
      // Nothing to wait for: the dead link refuses before writing, so no byte can be on its way. The check is at once.
      expect(sim.heardWhileMuted).toBe(heard);
      sim.muted = false;
    });
  });
}
