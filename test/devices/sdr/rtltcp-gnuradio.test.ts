/**
 * Our rtl_tcp server read by a real outside client: Debian's GNU Radio with
 * gr-osmosdr (the source GQRX uses), headless, as a Python flowgraph under
 * /usr/bin/python3 reading `rtl_tcp=127.0.0.1:PORT` (gnuradio/rtltcp_flowgraph.py).
 * The server serves the counter source, so every sample that arrives can be
 * checked, and the source records each setter the client's commands reached.
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type AppliedCommand, RtlTcpServer } from '../../../devices/sdr/rtltcp-server.ts';
import { CounterSource } from './helpers/counter-source.ts';

const flowgraph = fileURLToPath(new URL('./gnuradio/rtltcp_flowgraph.py', import.meta.url));
const skip = spawnSync('/usr/bin/python3', ['-c', 'import osmosdr, gnuradio.blocks'], { stdio: 'ignore' }).status === 0
  ? null : 'needs gnuradio and gr-osmosdr under /usr/bin/python3 (scripts/install-system-deps.sh)';

interface Result { rate: number; freq: number; n: number; first: number; bad: number }

/** Runs the flowgraph; resolves with its exit code, its JSON line and its stderr. */
function runFlowgraph(port: number, o: { samples: number; rate: number; freq: number; retune: number; hold: number }) {
  const child = spawn('/usr/bin/python3', [flowgraph, String(port), String(o.samples), String(o.rate), String(o.freq), String(o.retune), String(o.hold)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '', stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; result: Result | null; stderr: string }>((resolve) => child.on('close', (code) => {
    const line = stdout.trim().split('\n').filter((l) => l.startsWith('{')).at(-1);
    resolve({ code, result: line ? (JSON.parse(line) as Result) : null, stderr });
  }));
  return { child, done };
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function serve() {
  const src = new CounterSource({ samplesPerBlock: 16384, realtime: true, tuning: { sampleRate: 2_048_000 } });
  const server = await RtlTcpServer.listen({ source: src, port: 0 });
  const commands: AppliedCommand[] = [];
  const clients: string[] = [];
  const waiting: string[] = [];
  server.on('command', (c: AppliedCommand) => commands.push(c));
  server.on('client', (who: string) => clients.push(who));
  server.on('waiting', (who: string) => waiting.push(who));
  cleanups.push(async () => {
    await server.close();
    await src.close();
  });
  return { server, src, commands, clients, waiting, port: server.address.port };
}

describe.skipIf(skip)(`RtlTcpServer read by GNU Radio's gr-osmosdr${skip ? ` (${skip})` : ''}`, () => {
  it('sets the sample rate, reads every sample exactly, and retunes', async () => {
    const { src, commands, port } = await serve();
    const { child, done } = runFlowgraph(port, { samples: 262_144, rate: 1_024_000, freq: 1_420_400_000, retune: 1_421_000_000, hold: 0 });
    cleanups.push(() => void child.kill('SIGKILL'));
    const r = await done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.result).toEqual({ rate: 1_024_000, freq: 1_421_000_000, n: 262_144, first: 0, bad: 0 });
    // What reached the source: the rate, the tuning, then the retune after the samples.
    expect(src.tuning).toMatchObject({ sampleRate: 1_024_000, centerFrequency: 1_421_000_000 });
    const tunes = src.calls.filter(([f]) => f === 'setSampleRate' || f === 'setCenterFrequency');
    expect(tunes).toEqual([['setSampleRate', 1_024_000], ['setCenterFrequency', 1_420_400_000], ['setCenterFrequency', 1_421_000_000]]);
    expect(commands.filter((c) => c.command === 1).map((c) => c.applied)).toEqual([1_420_400_000, 1_421_000_000]);
  });

  it('a second flowgraph started while the first is connected waits and is served when the first exits (it was refused)', async () => {
    const { clients, waiting, server, port } = await serve();
    const first = runFlowgraph(port, { samples: 65_536, rate: 1_024_000, freq: 1_420_400_000, retune: 1_420_500_000, hold: 3 });
    cleanups.push(() => void first.child.kill('SIGKILL'));
    await new Promise<void>((resolve) => (clients.length ? resolve() : server.once('client', () => resolve())));
    const second = runFlowgraph(port, { samples: 65_536, rate: 2_048_000, freq: 1_420_600_000, retune: 1_420_700_000, hold: 0 });
    cleanups.push(() => void second.child.kill('SIGKILL'));
    await new Promise<void>((resolve) => (waiting.length ? resolve() : server.once('waiting', () => resolve())));
    const a = await first.done;
    expect(a.code, a.stderr).toBe(0);
    const b = await second.done;
    expect(b.code, b.stderr).toBe(0);
    expect(b.result).toMatchObject({ rate: 2_048_000, freq: 1_420_700_000, n: 65_536, first: 0, bad: 0 });
    expect(clients).toHaveLength(2);
  });
});
