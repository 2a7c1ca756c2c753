/**
 * Protocol details each serial driver owes, through a socat pty to our
 * simulators: Rot2Prog's resolution read from the controller and MD-01 log
 * lines, Easycomm alarms, GS-232 overlap (450°) mode, park and `?>`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipUnless, tools } from '../../helpers/tools.ts';
import { openRotator } from '../../../devices/rotator/index.ts';
import type { Rot2ProgRotator } from '../../../devices/rotator/serial-drivers.ts';
import type { Rotator } from '../../../devices/rotator/rotator.ts';
import { ControllerSim, gs232Responder, easycommResponder, rot2progResponder } from '../../../devices/rotator/sim-controllers.ts';
import { type PtyPair, ptyPair, waitFor } from './helpers.ts';

const skip = skipUnless(tools.command('socat'));

describe.skipIf(skip)(`serial protocol details${skip ? ` (${skip})` : ''}`, () => {
  let pair: PtyPair;
  let sim: ControllerSim | undefined;
  let rot: Rotator | undefined;
  beforeAll(async () => {
    pair = await ptyPair();
  });
  afterAll(async () => {
    await rot?.close();
    await sim?.close();
    await pair?.close();
  });
  const reset = async () => {
    await rot?.close();
    await sim?.close();
    rot = undefined;
    sim = undefined;
  };

  it('Rot2Prog: reads 4 pulses/° from the controller and sets to a quarter degree', async () => {
    await reset();
    sim = await ControllerSim.start((m) => rot2progResponder(m, { ph: 4, pv: 4 }), { path: pair.b, mount: { azRate: 500, elRate: 500, start: { az: 0, el: 0 } } });
    const r = (await openRotator({ driver: 'rot2prog', port: pair.a })) as Rot2ProgRotator;
    rot = r;
    expect([r.ph, r.pv]).toEqual([4, 4]);
    expect(await r.moveTo(123.25, 45.5)).toEqual({ az: 123.25, el: 45.5 });
    expect(sim.mount.target()).toEqual({ az: 123.25, el: 45.5 });
    await waitFor(() => !sim!.mount.moving, 'the mount to arrive', 10_000);
    // The status frame carries 0.1°: 123.25 is reported as 123.3 (rounded half up at the controller).
    expect(await r.position()).toEqual({ az: 123.3, el: 45.5 });
  });

  it('Rot2Prog: skips the text log lines MD-01 firmware interleaves', async () => {
    await reset();
    sim = await ControllerSim.start((m) => rot2progResponder(m, { logLine: 'W: MD-01 log, motor current 0.4 A' }), {
      path: pair.b,
      mount: { start: { az: 200, el: 12.5 } },
    });
    rot = await openRotator({ driver: 'rot2prog', port: pair.a });
    expect(await rot.position()).toEqual({ az: 200, el: 12.5 });
  });

  it('Easycomm II: skips an unsolicited alarm arriving with the reply', async () => {
    await reset();
    sim = await ControllerSim.start((m) => easycommResponder(m), { path: pair.b, mount: { start: { az: 33.3, el: 44.4 } } });
    sim.tamper = (b) => Buffer.concat([Buffer.from('ALOVERHEAT\n'), b]);
    rot = await openRotator({ driver: 'easycomm', port: pair.a });
    expect(await rot.position()).toEqual({ az: 33.3, el: 44.4 });
  });

  it('GS-232B in 450° mode: takes the nearest wrap, and parks at az 0, el 90', async () => {
    await reset();
    const limits = { azMin: 0, azMax: 450, elMin: 0, elMax: 90 };
    sim = await ControllerSim.start((m) => gs232Responder('b', m), { path: pair.b, mount: { limits, azRate: 1000, elRate: 1000, start: { az: 400, el: 10 } } });
    rot = await openRotator({ driver: 'gs232b', port: pair.a, limits });
    expect(await rot.moveTo(20, 10)).toEqual({ az: 380, el: 10 });
    expect(sim.mount.target()).toEqual({ az: 380, el: 10 });
    await rot.park();
    expect(sim.heard.toString('latin1')).toContain('W380 010\rW000 090\r');
  });

  it("GS-232A: a controller's ?> is a protocol error naming the port", async () => {
    await reset();
    sim = await ControllerSim.start((m) => gs232Responder('a', m), { path: pair.b });
    sim.tamper = () => '?>\r';
    rot = await openRotator({ driver: 'gs232a', port: pair.a });
    await expect(rot.moveTo(10, 10)).rejects.toMatchObject({ kind: 'protocol', message: expect.stringContaining(`${pair.a}: W (go to) refused (the controller answered ?> (invalid command))`) });
  });

  it('a serial line that goes away mid-session (socat killed) is reported as unplugged, naming the port', async () => {
    await reset();
    const own = await ptyPair();
    const ownSim = await ControllerSim.start((m) => gs232Responder('b', m), { path: own.b, mount: { start: { az: 5, el: 6 } } });
    const r = await openRotator({ driver: 'gs232b', port: own.a });
    try {
      expect(await r.position()).toEqual({ az: 5, el: 6 });
      await ownSim.close();
      await own.close();
      // The driver hears the line close (or a write fails) within moments; until then replies may still be in flight.
      let err: { kind?: string; message?: string } | undefined;
      await waitFor(async () => (err = await r.position().then(() => undefined, (e: { kind?: string }) => e)) !== undefined, 'an error', 20_000);
      expect(['unplugged', 'io']).toContain(err!.kind);
      expect(err!.message).toContain(own.a);
      await expect(r.moveTo(10, 10)).rejects.toMatchObject({ kind: err!.kind });
    } finally {
      await r.close();
    }
  });
});
