/**
 * `fringe rotator` end to end: a child process runs the CLI against a socat
 * pty with our simulator on the other end, and against Debian's rotctld.
 * The child runs bin/fringe.js, as `npx fringe` does.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipUnless, tools } from '../../helpers/tools.ts';
import { ControllerSim, gs232Responder, easycommResponder, rot2progResponder } from '../../../devices/rotator/sim-controllers.ts';
import { type PtyPair, ptyPair, run, startRotctld, waitFor } from './helpers.ts';
import { openRotator } from '../../../devices/rotator/index.ts';
import { goto } from '../../../devices/rotator/rotator.ts';

const bin = fileURLToPath(new URL('../../../bin/fringe.js', import.meta.url));

/** Runs `fringe ...args` in a child process, through the package's bin. */
function fringe(...args: string[]) {
  return run(process.execPath, [bin, ...args], 90_000);
}

function jsonLines(stdout: string): { az: number; el: number; t: number }[] {
  return stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { az: number; el: number; t: number });
}

const skip = skipUnless(tools.command('socat'));

describe.skipIf(skip)(`fringe rotator over a pty${skip ? ` (${skip})` : ''}`, () => {
  let pair: PtyPair;
  let sim: ControllerSim | undefined;
  beforeAll(async () => {
    pair = await ptyPair();
  });
  afterAll(async () => {
    await sim?.close();
    await pair?.close();
  });
  const start = async (make: Parameters<typeof ControllerSim.start>[0], rate: number, at = { az: 0, el: 0 }) => {
    await sim?.close();
    sim = await ControllerSim.start(make, { path: pair.b, mount: { azRate: rate, elRate: rate, start: at } });
    return sim;
  };

  it('goto prints JSON lines while moving and exits 0 once arrived (GS-232B)', async () => {
    const s = await start((m) => gs232Responder('b', m), 60);
    const r = await fringe('rotator', '--driver', 'gs232b', '--port', pair.a, 'goto', '120', '30', '--interval', '0.2', '--timeout', '60');
    expect(r.code, r.stderr).toBe(0);
    const lines = jsonLines(r.stdout);
    expect(lines.length).toBeGreaterThan(2); // 120° at 60°/s: two seconds of reads every 0.2 s
    for (const l of lines) expect(Object.keys(l)).toEqual(['az', 'el', 't']);
    const last = lines.at(-1)!;
    expect(Math.abs(last.az - 120)).toBeLessThanOrEqual(1);
    expect(Math.abs(last.el - 30)).toBeLessThanOrEqual(1);
    expect(s.mount.target()).toEqual({ az: 120, el: 30 });
  });

  it('position prints one JSON line (Rot2Prog)', async () => {
    await start((m) => rot2progResponder(m), 60, { az: 123.5, el: 77 });
    const r = await fringe('rotator', '--driver', 'rot2prog', '--port', pair.a, 'position');
    expect(r.code, r.stderr).toBe(0);
    expect(jsonLines(r.stdout)).toMatchObject([{ az: 123.5, el: 77 }]);
  });

  it('exits 1 naming the limit, having sent nothing (GS-232A)', async () => {
    const s = await start((m) => gs232Responder('a', m), 60);
    const r = await fringe('rotator', '--driver', 'gs232a', '--port', pair.a, 'goto', '10', '95');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('elMax=90');
    expect(s.heard.length).toBe(0);
  });

  it('exits 1 on a timeout and leaves the rotator stopped (Easycomm II)', async () => {
    const s = await start((m) => easycommResponder(m), 2);
    const r = await fringe('rotator', '--driver', 'easycomm', '--port', pair.a, 'goto', '100', '10', '--timeout', '1', '--interval', '0.2');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/did not reach az 100° el 10° within 1 s/);
    // Easycomm's stop has no reply: the CLI may exit before this process has read it.
    await waitFor(() => s.heard.toString('latin1').includes('SA SE\n'), 'the stop to arrive', 10_000).catch(() => undefined);
    expect(s.heard.toString('latin1')).toContain('SA SE\n');
    expect(s.mount.moving).toBe(false);
  });

  it('the GS-232B driver reported impossible angles (az 999, el −45) with exit 0: it exits 1 naming the reply', async () => {
    await start((m) => gs232Responder('b', m), 60, { az: 999, el: -45 });
    const r = await fringe('rotator', '--driver', 'gs232b', '--port', pair.a, 'position');
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/reply to C2 \(read position\) \(azimuth 999° is outside the controller's range -5–455°\)/);
  });

  it('exits 1 naming the port when nothing answers', async () => {
    await sim?.close();
    sim = undefined;
    const r = await fringe('rotator', '--driver', 'gs232b', '--port', pair.a, 'position');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(pair.a);
    expect(r.stderr).toMatch(/no reply to C2/);
  });

  it('serve is the controller: our GS-232A driver moves it, and it exits 0 when told to stop', async () => {
    await sim?.close();
    sim = undefined;
    const child = spawn(process.execPath, [bin, 'rotator', '--driver', 'gs232a', '--port', pair.b, '--az-rate', '50', '--el-rate', '50', 'serve'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await waitFor(() => stderr.includes('simulating a gs232a controller'), 'fringe rotator serve to start', 60_000);
      const rot = await openRotator({ driver: 'gs232a', port: pair.a });
      try {
        expect(await rot.position()).toEqual({ az: 0, el: 90 }); // the mount starts parked
        const p = await goto(rot, 45, 60, { interval: 0.1, timeout: 30 });
        expect(Math.abs(p.az - 45)).toBeLessThanOrEqual(1);
        expect(Math.abs(p.el - 60)).toBeLessThanOrEqual(1);
      } finally {
        await rot.close();
      }
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it.skipIf(skipUnless(tools.command('rotctl')) !== null)('serve as easycomm parks on Hamlib\'s PARK (rotctl -m 202 K was ignored: exit 0, no movement)', async () => {
    await sim?.close();
    sim = undefined;
    const child = spawn(process.execPath, [bin, 'rotator', '--driver', 'easycomm', '--port', pair.b, '--az-rate', '300', '--el-rate', '300', '--park-az', '20', '--park-el', '70', 'serve'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const rotctl = (...cmd: string[]) => run('rotctl', ['-m', '202', '-r', pair.a, '-s', '9600', ...cmd], 30_000);
    /** Hamlib's reading, polled until it is `want` (the mount slews at 300°/s). */
    const reaches = async (want: number[]) => {
      await waitFor(async () => {
        const r = await rotctl('p');
        return r.code === 0 && r.stdout.trim().split(/\s+/).map(Number).join(' ') === want.join(' ');
      }, `rotctl p to read ${want.join(' ')}`, 30_000);
    };
    try {
      await waitFor(() => stderr.includes('simulating a easycomm controller'), 'fringe rotator serve to start', 60_000);
      const set = await rotctl('P', '120', '30');
      expect(set.code, set.stderr).toBe(0);
      await reaches([120, 30]);
      const park = await rotctl('K');
      expect(park.code, park.stderr).toBe(0);
      await reaches([20, 70]);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it('exits 2 on bad usage', async () => {
    expect((await fringe('rotator', '--driver', 'gs232a', 'position')).code).toBe(2);
    expect((await fringe('rotator', '--driver', 'nope', 'position')).code).toBe(2);
    expect((await fringe('rotator', '--driver', 'sim', 'goto', '10')).code).toBe(2);
    expect((await fringe('rotator', '--driver', 'sim', 'serve')).code).toBe(2);
  });
});

const skipR = skipUnless(tools.command('rotctld'));

describe.skipIf(skipR)(`fringe rotator against rotctld${skipR ? ` (${skipR})` : ''}`, () => {
  let server: Awaited<ReturnType<typeof startRotctld>>;
  beforeAll(async () => {
    server = await startRotctld();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('goto exits 0 once arrived, and position reads where it is', async () => {
    const port = `127.0.0.1:${server.port}`;
    const r = await fringe('rotator', '--driver', 'rotctld', '--port', port, 'goto', '6', '3', '--interval', '0.2', '--tolerance', '0.5');
    expect(r.code, r.stderr).toBe(0);
    const last = jsonLines(r.stdout).at(-1)!;
    expect(Math.abs(last.az - 6)).toBeLessThanOrEqual(0.5);
    const p = await fringe('rotator', '--driver', 'rotctld', '--port', port, 'position');
    expect(p.code, p.stderr).toBe(0);
    expect(Math.abs(jsonLines(p.stdout)[0]!.az - 6)).toBeLessThanOrEqual(1);
  });
});
