/**
 * `fringe sim --rtl-tcp`: the simulator behind the rtl_tcp server, checked
 * with a raw socket written against the protocol facts (rtl-sdr.md), not
 * with our own client.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { command, parseHostPort, serveSim, type SimServer } from '../../../src/cli/commands/sim.ts';
import { UsageError } from '../../../src/cli/command.ts';
import { countsVariance } from '../../../src/analysis/estimators.ts';

/** A raw rtl_tcp client: collects bytes, sends 5-byte commands. */
function connect(port: number): Promise<{ socket: net.Socket; take(n: number): Promise<Buffer>; send(cmd: number, param: number): void }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    let want: { n: number; resolve: (b: Buffer) => void } | null = null;
    const check = () => {
      if (want && buf.length >= want.n) {
        const out = buf.subarray(0, want.n);
        buf = buf.subarray(want.n);
        const w = want;
        want = null;
        w.resolve(Buffer.from(out));
      }
    };
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      check();
    });
    socket.once('error', reject);
    socket.once('connect', () =>
      resolve({
        socket,
        take: (n) =>
          new Promise((r) => {
            want = { n, resolve: r };
            check();
          }),
        send(cmd, param) {
          const b = Buffer.alloc(5);
          b[0] = cmd;
          b.writeUInt32BE(param >>> 0, 1);
          socket.write(b);
        },
      }),
    );
  });
}

let server: SimServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

describe('fringe sim --rtl-tcp', () => {
  it('greets as an R820T, streams the simulator and applies gain and sample rate commands', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fringe-sim-'));
    const file = join(dir, 'quiet.json');
    writeFileSync(file, JSON.stringify({ rfi: [], sun: { enabled: false }, hydrogen: { enabled: false }, antennas: [{ pointing: { mode: 'fixed', az: 0, el: 90 } }] }));
    const lines: string[] = [];
    server = await serveSim({ host: '127.0.0.1', port: 0, scenario: file }, (l) => lines.push(l));
    const c = await connect(server.address.port);
    const greeting = await c.take(12);
    expect(greeting.subarray(0, 4).toString('ascii')).toBe('RTL0');
    expect(greeting.readUInt32BE(4)).toBe(5); // R820T
    expect(greeting.readUInt32BE(8)).toBe(29); // its gain count
    // ≈ 20 counts rms per component at 40 dB: variance ≈ 400·0.85·T/100 with T ≈ 100 K.
    const before = countsVariance(await c.take(96_000));
    expect(before).toBeGreaterThan(300);
    expect(before).toBeLessThan(420);
    c.send(0x02, 1_024_000); // sample rate
    c.send(0x04, 296); // gain 29.6 dB → the table's 29.7
    let after = before;
    for (let i = 0; i < 40 && after > before / 5; i++) after = countsVariance(await c.take(48_000));
    // That chunk may straddle the change: measure a later one.
    await c.take(48_000);
    after = countsVariance(await c.take(48_000));
    expect(after / before).toBeCloseTo(Math.pow(10, (29.7 - 40.2) / 10), 1);
    expect(server.source.tuning.sampleRate).toBe(1_024_000);
    expect(server.source.tuning.gain).toBe(29.7);
    expect(lines.some((l) => l.includes('connected'))).toBe(true);
    c.socket.destroy();
  });

  it('refuses bad addresses and missing options as usage errors', async () => {
    expect(parseHostPort('127.0.0.1:1234')).toEqual({ host: '127.0.0.1', port: 1234 });
    expect(parseHostPort('[::1]:0')).toEqual({ host: '::1', port: 0 });
    expect(() => parseHostPort('localhost')).toThrow(UsageError);
    expect(() => parseHostPort('host:99999')).toThrow(/HOST:PORT/);
    await expect(command.run([])).rejects.toThrow(/--rtl-tcp HOST:PORT is required/);
    await expect(command.run(['--rtl-tcp', '127.0.0.1:0', '--frobnicate'])).rejects.toThrow(UsageError);
  });

  it('names the bad field of a scenario file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fringe-sim-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ antennas: [{ diameter: -1 }] }));
    await expect(serveSim({ host: '127.0.0.1', port: 0, scenario: file })).rejects.toThrow(/antennas\[0\]\.diameter/);
  });

  it('runs as `fringe sim` until interrupted, then exits 0', async () => {
    const bin = join(import.meta.dirname, '../../../bin/fringe.js');
    const child = spawn(process.execPath, [bin, 'sim', '--rtl-tcp', '127.0.0.1:0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    const port = await new Promise<number>((resolve, reject) => {
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        const m = /on 127\.0\.0\.1:(\d+)/.exec(err);
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`fringe sim exited ${code}: ${err}`)));
    });
    const c = await connect(port);
    expect((await c.take(12)).subarray(0, 4).toString('ascii')).toBe('RTL0');
    expect((await c.take(10_000)).length).toBe(10_000);
    c.socket.destroy();
    const code = await new Promise<number | null>((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGINT');
    });
    expect(code).toBe(0);
    expect(err).toMatch(/stopped/);
  });
});
