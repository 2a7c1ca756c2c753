/** The rotctld driver against Debian's real `rotctld -m 1` (Hamlib's dummy rotator). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipUnless, tools } from '../../helpers/tools.ts';
import { RotctldRotator } from '../../../devices/rotator/rotctld.ts';
import { goto } from '../../../devices/rotator/rotator.ts';
import { freePort, startRotctld, waitFor } from './helpers.ts';

const skip = skipUnless(tools.command('rotctld'));

describe.skipIf(skip)(`rotctld driver against Debian's rotctld -m 1${skip ? ` (${skip})` : ''}`, () => {
  let server: Awaited<ReturnType<typeof startRotctld>>;
  beforeAll(async () => {
    server = await startRotctld();
  });
  afterAll(async () => {
    await server?.close();
  });

  it("reads the dummy rotator's limits from dump_state", async () => {
    const rot = await RotctldRotator.open({ port: server.port });
    try {
      expect(rot.limits).toEqual({ azMin: -180, azMax: 450, elMin: 0, elMax: 90 });
      expect(rot.name).toBe(`rotctld on 127.0.0.1:${server.port}`);
    } finally {
      await rot.close();
    }
  });

  it('goes to az 8, el 4 and arrives, with positions on the way', async () => {
    const rot = await RotctldRotator.open({ port: server.port });
    try {
      const seen: { az: number; el: number }[] = [];
      rot.on('position', (p) => seen.push(p));
      const p = await goto(rot, 8, 4, { interval: 0.2, tolerance: 0.5, timeout: 60 });
      expect(Math.abs(p.az - 8)).toBeLessThanOrEqual(0.5);
      expect(Math.abs(p.el - 4)).toBeLessThanOrEqual(0.5);
      expect(seen.length).toBeGreaterThan(1); // the dummy slews at a few degrees per second
    } finally {
      await rot.close();
    }
  });

  it('picks the nearest wrap in its −180–450° range, stops, and parks', async () => {
    const rot = await RotctldRotator.open({ port: server.port });
    try {
      const start = await rot.position(); // near az 8 after the previous test
      expect(await rot.moveTo(350, 10)).toEqual({ az: -10, el: 10 });
      // Under way (the dummy slews a few degrees a second), then stopped mid-way.
      await waitFor(async () => (await rot.position()).az !== start.az, 'the dummy rotator to move', 20_000);
      await rot.stop();
      const a = await rot.position();
      // A real-time check with no event to wait for: a stopped rotor stays put over 600 ms, in which a moving one
      // would have gone a degree or more; a loaded machine only lengthens the window, which cannot make it pass wrongly.
      await new Promise((r) => setTimeout(r, 600));
      const b = await rot.position();
      expect(b).toEqual(a);
      await rot.park();
    } finally {
      await rot.close();
    }
  });

  it('refuses a limit before sending, and narrows its limits to those given', async () => {
    const rot = await RotctldRotator.open({ port: server.port, limits: { azMin: 0, azMax: 360, elMin: 5, elMax: 85 } });
    try {
      expect(rot.limits).toEqual({ azMin: 0, azMax: 360, elMin: 5, elMax: 85 });
      await expect(rot.moveTo(10, 88)).rejects.toMatchObject({ kind: 'limit', message: expect.stringContaining('elMax=85') });
    } finally {
      await rot.close();
    }
  });

  it('reports a rotctld that stops answering mid-move, then sends nothing more', async () => {
    const rot = await RotctldRotator.open({ port: server.port, timeoutMs: 2000, retries: 1 });
    rot.on('error', () => undefined);
    try {
      rot.once('position', () => server.child.kill('SIGSTOP'));
      const err = await goto(rot, 100, 45, { interval: 0.2, timeout: 60 }).then(() => undefined, (e: unknown) => e);
      expect(err).toMatchObject({ kind: 'timeout' });
      expect((err as Error).message).toContain(`127.0.0.1:${server.port}`);
      expect((err as Error).message).toMatch(/no further commands/);
      const t0 = Date.now();
      await expect(rot.position()).rejects.toMatchObject({ kind: 'timeout' });
      expect(Date.now() - t0).toBeLessThan(1500); // refused at once, not after another 2 s timeout
    } finally {
      server.child.kill('SIGCONT');
      await rot.close();
    }
  });

  it('says clearly when nothing listens on the port', async () => {
    const port = await freePort();
    await expect(RotctldRotator.open({ port })).rejects.toMatchObject({ kind: 'not-found', message: expect.stringMatching(/is rotctld running/) });
  });
});
