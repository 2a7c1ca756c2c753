/**
 * Our controller simulators driven by Hamlib's own backends (Debian's
 * `rotctl -m MODEL` on the other end of a socat pty), so that they answer
 * like the real controllers: 601 GS-232A, 603 GS-232B, 202 Easycomm II,
 * 901 SPID Rot2Prog (model numbers from `rotctl -l`, Hamlib 4.5).
 */
import { describe, expect, it } from 'vitest';
import { skipUnless, tools } from '../../helpers/tools.ts';
import { ControllerSim, type Responder, gs232Responder, easycommResponder, rot2progResponder } from '../../../devices/rotator/sim-controllers.ts';
import type { Mount } from '../../../devices/rotator/mount.ts';
import { ptyPair, run, waitFor } from './helpers.ts';

const skip = skipUnless(tools.command('socat')) ?? skipUnless(tools.command('rotctl'));

const cases: { name: string; model: number; baud: number; responder: (m: Mount) => Responder; sent: string }[] = [
  { name: 'GS-232A', model: 601, baud: 9600, responder: (m) => gs232Responder('a', m), sent: 'W120 030\r' },
  { name: 'GS-232B', model: 603, baud: 9600, responder: (m) => gs232Responder('b', m), sent: 'W120 030\r' },
  { name: 'Easycomm II', model: 202, baud: 9600, responder: (m) => easycommResponder(m), sent: 'AZ120.0 EL30.0\n' },
  // 2 pulses/°: H = 2·(360 + 120) = 0960, V = 2·(360 + 30) = 0780.
  { name: 'Rot2Prog', model: 901, baud: 600, responder: (m) => rot2progResponder(m), sent: 'W0960\x020780\x02/ ' },
  // 4 pulses/°: Hamlib reads the resolution from a status reply first.
  { name: 'Rot2Prog at 4 pulses/°', model: 901, baud: 600, responder: (m) => rot2progResponder(m, { ph: 4, pv: 4 }), sent: 'W1920\x041560\x04/ ' },
];

describe.skipIf(skip)(`simulators driven by Hamlib's rotctl${skip ? ` (${skip})` : ''}`, () => {
  for (const c of cases) {
    it(`${c.name} (rotctl -m ${c.model}): P 120 30, then p reads 120 30`, async () => {
      const pair = await ptyPair();
      const sim = await ControllerSim.start(c.responder, { path: pair.b, mount: { azRate: 300, elRate: 300, start: { az: 0, el: 0 } } });
      try {
        const rotctl = (...cmd: string[]) => run('rotctl', ['-m', String(c.model), '-r', pair.a, '-s', String(c.baud), ...cmd], 30_000);
        const set = await rotctl('P', '120', '30');
        expect(set.code, set.stderr).toBe(0);
        // rotctl may exit before socat has passed its last bytes on (Easycomm's set has no reply).
        await waitFor(() => sim.heard.toString('latin1').includes(c.sent), `the simulator to hear ${JSON.stringify(c.sent)}`, 10_000).catch(() => undefined);
        expect(sim.heard.toString('latin1')).toContain(c.sent);
        expect(sim.mount.target()).toEqual({ az: 120, el: 30 });
        await waitFor(() => !sim.mount.moving, 'the mount to arrive (120° at 300°/s: 0.4 s)', 10_000);
        const get = await rotctl('p');
        expect(get.code, get.stderr).toBe(0);
        expect(get.stdout.trim().split(/\s+/).map(Number)).toEqual([120, 30]);
      } finally {
        await sim.close();
        await pair.close();
      }
    });
  }

  it('Easycomm II (rotctl -m 202): K parks the mount (PARK was ignored: exit 0, no movement)', async () => {
    const pair = await ptyPair();
    const parkAt = { az: 10, el: 80 };
    const sim = await ControllerSim.start((m) => easycommResponder(m), { path: pair.b, mount: { azRate: 300, elRate: 300, start: { az: 120, el: 30 }, parkAt } });
    try {
      const rotctl = (...cmd: string[]) => run('rotctl', ['-m', '202', '-r', pair.a, '-s', '9600', ...cmd], 30_000);
      const park = await rotctl('K');
      expect(park.code, park.stderr).toBe(0);
      await waitFor(() => sim.heard.toString('latin1').includes('PARK\n'), 'the simulator to hear PARK', 10_000);
      expect(sim.mount.target()).toEqual(parkAt);
      // 110° at 300°/s: wait until the mount is there, then Hamlib reads the park position back.
      await waitFor(() => { const p = sim.mount.position(); return p.az === parkAt.az && p.el === parkAt.el; }, 'the mount to reach its park position', 10_000);
      const get = await rotctl('p');
      expect(get.code, get.stderr).toBe(0);
      expect(get.stdout.trim().split(/\s+/).map(Number)).toEqual([10, 80]);
    } finally {
      await sim.close();
      await pair.close();
    }
  });
});
