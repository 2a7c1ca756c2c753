/**
 * The whole chain a station might run: our rotctld driver → Debian's
 * `rotctld -m 603` (Hamlib's GS-232B backend) → a socat pty → our GS-232B
 * controller simulator. Shows that what Hamlib makes of our simulator is
 * what our own driver makes of it, and how rotctld's errors reach the user.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipUnless, tools } from '../../helpers/tools.ts';
import { RotctldRotator } from '../../../devices/rotator/rotctld.ts';
import { goto } from '../../../devices/rotator/rotator.ts';
import { ControllerSim, gs232Responder } from '../../../devices/rotator/sim-controllers.ts';
import { type PtyPair, ptyPair, startRotctld } from './helpers.ts';

const skip = skipUnless(tools.command('socat')) ?? skipUnless(tools.command('rotctld'));

describe.skipIf(skip)(`rotctld driver → rotctld -m 603 → pty → GS-232B simulator${skip ? ` (${skip})` : ''}`, () => {
  let pair: PtyPair;
  let sim: ControllerSim;
  let server: Awaited<ReturnType<typeof startRotctld>>;
  beforeAll(async () => {
    pair = await ptyPair();
    sim = await ControllerSim.start((m) => gs232Responder('b', m), {
      path: pair.b,
      mount: { azRate: 40, elRate: 20, start: { az: 10, el: 5 }, limits: { azMin: 0, azMax: 450, elMin: 0, elMax: 180 } },
    });
    server = await startRotctld(['-m', '603', '-r', pair.a, '-s', '9600']);
  });
  afterAll(async () => {
    await server?.close();
    await sim?.close();
    await pair?.close();
  });

  it("reads Hamlib's GS-232B limits and moves the simulated mount", async () => {
    const rot = await RotctldRotator.open({ port: server.port });
    try {
      expect(rot.limits).toEqual({ azMin: -180, azMax: 450, elMin: 0, elMax: 180 });
      expect(await rot.position()).toEqual({ az: 10, el: 5 });
      const p = await goto(rot, 60, 20, { interval: 0.2, tolerance: 1, timeout: 60 });
      expect(Math.abs(p.az - 60)).toBeLessThanOrEqual(1);
      expect(sim.mount.target()).toEqual({ az: 60, el: 20 });
      expect(sim.heard.toString('latin1')).toContain('W060 020\r');
    } finally {
      await rot.close();
    }
  });

  it("passes on rotctld's error when the controller behind it stops answering", async () => {
    const rot = await RotctldRotator.open({ port: server.port, timeoutMs: 10_000 });
    try {
      sim.muted = true;
      const err = await rot.position().then(() => undefined, (e: unknown) => e);
      expect(err).toMatchObject({ kind: 'protocol' });
      // Hamlib times out on the serial port (RPRT -5, ETIMEOUT) and says so.
      expect((err as Error).message).toContain(`127.0.0.1:${server.port}: get_pos refused (RPRT -5: ETIMEOUT (the rotator did not answer rotctld))`);
    } finally {
      sim.muted = false;
      await rot.close();
    }
  });
});
