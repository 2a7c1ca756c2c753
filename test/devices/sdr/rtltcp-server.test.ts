import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { execFile } from 'node:child_process';
import net from 'node:net';
import { RtlTcpSource } from '../../../devices/sdr/rtltcp-client.ts';
import { RtlSdrSource } from '../../../devices/sdr/rtlsdr-source.ts';
import { type AppliedCommand, RtlTcpServer } from '../../../devices/sdr/rtltcp-server.ts';
import { RtlTcpCommand, encodeCommand } from '../../../devices/sdr/rtltcp-codec.ts';
import { skipUnless, tools } from '../../helpers/tools.ts';
import { startSimChild } from '../../helpers/sim-child.ts';
import { CounterSource } from './helpers/counter-source.ts';

/** A measurement window or a polling interval (not a wait for an event: those poll a condition with a ceiling). */
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
import { buildFakeLibRtlSdr, counterBytes, firstDifference } from './helpers/fake-librtlsdr.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});
/** How long a wait for an event here may take on a loaded machine (ms): a ceiling, not a delay (checked every 10 ms). */
const ceiling = { timeout: 30_000, interval: 10 };

async function serve(source: ConstructorParameters<typeof CounterSource>[0] | RtlSdrSource) {
  const src = source instanceof RtlSdrSource ? source : new CounterSource(source);
  const server = await RtlTcpServer.listen({ source: src, port: 0 });
  const commands: AppliedCommand[] = [];
  server.on('command', (c: AppliedCommand) => commands.push(c));
  cleanups.push(async () => {
    await server.close();
    await src.close();
  });
  return { server, src, commands, port: server.address.port };
}

describe('RtlTcpServer with our client over 127.0.0.1', () => {
  it('greets as an R820T, streams the source exactly, and applies the client commands', async () => {
    const { src, commands, port } = await serve({ samplesPerBlock: 4096 });
    const client = await RtlTcpSource.connect({
      port,
      blockLength: 3000, // a block size unrelated to the server's, to cross boundaries
      tuning: { centerFrequency: 1_420_405_752, sampleRate: 2_048_000, gain: 40, ppm: -7, biasTee: true },
    });
    expect(client.greeting).toEqual({ tunerType: 5, gainCount: 29 });
    let expected = 0;
    let n = 0;
    for await (const b of client.blocks()) {
      expect(b.firstSample).toBe(expected);
      expect(firstDifference(b.data, counterBytes(expected, 1500))).toBe(-1);
      expected += 1500;
      if (++n === 100) break;
    }
    await client.close();
    // The server applies commands one at a time after they arrive: wait for the sixth (bias-tee).
    await vi.waitUntil(() => commands.length >= 6, ceiling);
    expect((src as CounterSource).calls).toEqual([
      ['setSampleRate', 2_048_000],
      ['setCenterFrequency', 1_420_405_752],
      ['setPpm', -7],
      ['setGain', 40.2],
      ['setBiasTee', true],
    ]);
    expect(commands.map((c) => [c.command, c.applied])).toEqual([
      [2, 2_048_000],
      [1, 1_420_405_752],
      [5, -7],
      [3, 40], // manual mode: keeps the gain until the next setGain
      [4, 40.2],
      [14, true],
    ]);
  });

  it('a second connection waits, as in rtl_tcp\'s backlog, and is served when the first leaves (it was refused: SoapyRTLTCP\'s probe-then-open hung)', async () => {
    const { server, port } = await serve({ samplesPerBlock: 4096, realtime: true, tuning: { sampleRate: 1_024_000 } });
    const waiting: string[] = [];
    const refused: string[] = [];
    server.on('waiting', (who: string) => waiting.push(who));
    server.on('refused', (who: string) => refused.push(who));
    // The probe: connects, reads the greeting and is still open when the real open comes.
    const probe = net.connect({ host: '127.0.0.1', port });
    const greeting = await new Promise<Buffer>((resolve, reject) => {
      let got = Buffer.alloc(0);
      probe.on('data', (d: Buffer) => { got = Buffer.concat([got, d]); if (got.length >= 12) resolve(got.subarray(0, 12)); });
      probe.once('error', reject);
    });
    expect(greeting.subarray(0, 4).toString('latin1')).toBe('RTL0');
    let opened = false;
    const open = RtlTcpSource.connect({ port, blockLength: 8192, timeoutMs: 30_000, tuning: { sampleRate: 2_048_000 } }).then((c) => { opened = true; return c; });
    await new Promise<void>((resolve) => (waiting.length ? resolve() : server.once('waiting', () => resolve())));
    expect(server.waitingClients).toBe(1);
    expect(opened).toBe(false); // no greeting while the probe is served
    probe.end();
    const second = await open;
    expect(second.greeting).toEqual({ tunerType: 5, gainCount: 29 });
    for await (const b of second.blocks()) {
      expect(b.firstSample).toBe(0);
      expect(firstDifference(b.data, counterBytes(0, 4096))).toBe(-1); // a fresh stream of the source
      break;
    }
    expect(refused).toEqual([]);
    await second.close();
  });

  it('keeps what a waiting client sends for when it is served, and frees the place of one that gives up', async () => {
    const { server, commands, src, port } = await serve({ samplesPerBlock: 4096, realtime: true, tuning: { sampleRate: 1_024_000 } });
    const first = await RtlTcpSource.connect({ port });
    const waitingFor = () => new Promise<void>((resolve) => server.once('waiting', () => resolve()));
    // One that gives up: its place is freed at once, not when it would have been served.
    let w = waitingFor();
    const quitter = net.connect({ host: '127.0.0.1', port });
    quitter.on('error', () => {});
    await w;
    expect(server.waitingClients).toBe(1);
    quitter.destroy();
    await vi.waitUntil(() => server.waitingClients === 0, ceiling);
    expect(server.waitingClients).toBe(0);
    // One that tunes before its greeting: the command is applied once it is served.
    w = waitingFor();
    const eager = net.connect({ host: '127.0.0.1', port });
    eager.on('error', () => {});
    await w;
    // The order of what the server did: the command must come after the client is served.
    const order: string[] = [];
    server.on('client', () => order.push('served'));
    server.on('command', (c: AppliedCommand) => c.applied === 101_100_000 && order.push('tuned'));
    eager.write(encodeCommand(RtlTcpCommand.setFrequency, 101_100_000));
    const greeted = new Promise<Buffer>((resolve) => eager.once('data', (d: Buffer) => resolve(d)));
    await first.close();
    expect((await greeted).subarray(0, 4).toString('latin1')).toBe('RTL0');
    await vi.waitUntil(() => commands.some((c) => c.applied === 101_100_000), ceiling);
    expect(commands.filter((c) => c.command === RtlTcpCommand.setFrequency).map((c) => c.applied).at(-1)).toBe(101_100_000);
    expect(order).toEqual(['served', 'tuned']);
    expect((src as CounterSource).tuning.centerFrequency).toBe(101_100_000);
    eager.destroy();
  });

  it('refuses a connection past maxWaiting, saying why on the client', async () => {
    const src = new CounterSource({ samplesPerBlock: 4096, realtime: true, tuning: { sampleRate: 1_024_000 } });
    const server = await RtlTcpServer.listen({ source: src, port: 0, maxWaiting: 1 });
    cleanups.push(async () => { await server.close(); await src.close(); });
    const port = server.address.port;
    const first = await RtlTcpSource.connect({ port });
    const queued = net.connect({ host: '127.0.0.1', port });
    queued.on('error', () => {});
    await new Promise<void>((resolve) => server.once('waiting', () => resolve()));
    await expect(RtlTcpSource.connect({ port, timeoutMs: 5000 })).rejects.toMatchObject({
      kind: 'protocol',
      message: /closed the connection before sending its 12-byte greeting.*another client/,
    });
    queued.destroy();
    await first.close();
  });

  it('reports commands the source cannot apply without disconnecting the client', async () => {
    const { commands, port } = await serve({ samplesPerBlock: 1024 });
    const client = await RtlTcpSource.connect({ port });
    await client.setDirectSampling(1); // the counter source has no direct sampling
    await client.setGainByIndex(99);
    await vi.waitUntil(() => commands.some((c) => c.command === 13), ceiling);
    expect(commands.slice(-2).map((c) => [c.command, c.error])).toEqual([
      [9, 'not supported by this source'],
      [13, "gain index 99 is past the table's 29 entries"],
    ]);
    for await (const b of client.blocks()) {
      expect(b.data.length).toBe(262_144);
      break;
    }
    await client.close();
  });

  it('refuses to listen on a port in use, saying so', async () => {
    const { port } = await serve({ samplesPerBlock: 1024 });
    await expect(RtlTcpServer.listen({ source: new CounterSource(), port })).rejects.toMatchObject({ kind: 'busy', message: new RegExp(`Port ${port}`) });
  });
});

describe.skipIf(skipUnless(tools.cc()))('RtlTcpServer serving the librtlsdr stand-in', () => {
  let lib = '';
  beforeAll(() => {
    lib = buildFakeLibRtlSdr();
  });

  it('serves a dongle through the FFI path and retunes it from the client', async () => {
    const dongle = await RtlSdrSource.open({ libraryPath: lib, bufferLength: 16_384 });
    const { port, commands } = await serve(dongle);
    const client = await RtlTcpSource.connect({ port, blockLength: 16_384, tuning: { centerFrequency: 433_920_000, gain: 'auto' } });
    let n = 0;
    for await (const b of client.blocks()) {
      expect(firstDifference(b.data, counterBytes(b.firstSample, 8192))).toBe(-1);
      if (++n === 10) break;
    }
    await client.close();
    // Both applied: the frequency (command 1) and automatic gain (command 3, mode 0).
    await vi.waitUntil(() => [1, 3].every((k) => commands.some((c) => c.command === k)), ceiling);
    expect(dongle.tuning.centerFrequency).toBe(433_920_000);
    expect(dongle.tuning.gain).toBe('auto');
  });

  it('ends the client when the dongle is unplugged, reports it, and keeps listening', async () => {
    process.env.FAKE_RTLSDR_UNPLUG_AFTER = '4';
    try {
      const dongle = await RtlSdrSource.open({ libraryPath: lib, bufferLength: 16_384 });
      const { server, port } = await serve(dongle);
      const errors: unknown[] = [];
      server.on('source-error', (e: unknown) => errors.push(e));
      const client = await RtlTcpSource.connect({ port, blockLength: 16_384 });
      const got: number[] = [];
      const err = await (async () => {
        for await (const b of client.blocks()) got.push(b.firstSample);
      })().catch((e: unknown) => e);
      expect(got).toEqual([0, 8192, 16_384, 24_576]);
      expect(err).toMatchObject({ kind: 'unplugged', message: /closed the connection/ });
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ kind: 'unplugged' });
      await client.close();
      await vi.waitUntil(() => !server.busy, ceiling);
      const again = await RtlTcpSource.connect({ port }); // still listening: greets, then ends at once
      expect(again.greeting).toEqual({ tunerType: 5, gainCount: 29 });
      await again.close();
    } finally {
      delete process.env.FAKE_RTLSDR_UNPLUG_AFTER;
    }
  });
});

// An independent client written from the protocol facts in reference/rtl-sdr.md.
const python = String.raw`
import socket, struct, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
s = socket.create_connection(("127.0.0.1", port), timeout=5)
greeting = b""
while len(greeting) < 12:
    chunk = s.recv(12 - len(greeting))
    if not chunk: sys.exit("closed before greeting")
    greeting += chunk
magic, tuner, gains = struct.unpack(">4sII", greeting)
assert magic == b"RTL0", magic
s.sendall(struct.pack(">BI", 0x01, 100000000))   # centre frequency, Hz
s.sendall(struct.pack(">BI", 0x02, 1024000))     # sample rate, Hz
s.sendall(struct.pack(">BI", 0x05, (-5) & 0xffffffff))  # ppm, two's complement
data = b""
while len(data) < n:
    chunk = s.recv(65536)
    if not chunk: sys.exit("closed early")
    data += chunk
data = data[:n]
ok = all(data[2*k] == k & 0xff and data[2*k+1] == (k >> 8) & 0xff for k in range(n // 2))
print(tuner, gains, len(data), "counter-ok" if ok else "counter-bad")
s.close()
`;

describe.skipIf(skipUnless(tools.command('python3')))('RtlTcpServer with an independent Python client', () => {
  it('greets, takes set-frequency, set-sample-rate and ppm, and streams the exact bytes', async () => {
    const { src, port } = await serve({ samplesPerBlock: 4096 });
    const out = await new Promise<string>((resolve, reject) =>
      execFile('python3', ['-c', python, String(port), '200000'], { timeout: 30_000 }, (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout.trim()),
      ),
    );
    expect(out).toBe('5 29 200000 counter-ok');
    await vi.waitUntil(() => (src as CounterSource).calls.length >= 3, ceiling);
    expect((src as CounterSource).calls).toEqual([
      ['setCenterFrequency', 100_000_000],
      ['setSampleRate', 1_024_000],
      ['setPpm', -5],
    ]);
  });
});

describe('RtlTcpServer socket hygiene', () => {
  it('survives a client that connects and vanishes at once', async () => {
    const { server, port } = await serve({ samplesPerBlock: 1024, realtime: true, tuning: { sampleRate: 1_024_000 } });
    const s = net.connect(port, '127.0.0.1');
    await new Promise((r) => s.once('connect', r));
    s.destroy();
    await vi.waitUntil(() => !server.busy, ceiling).catch(() => {});
    expect(server.busy).toBe(false);
    const client = await RtlTcpSource.connect({ port, blockLength: 2048 });
    for await (const b of client.blocks()) {
      expect(b.firstSample).toBe(0);
      break;
    }
    await client.close();
  });
});

describe('fringe sim under a command flood (1 MB of command bytes stalled streaming for ~16 s and wrote 39k log lines)', () => {
  it('keeps streaming while a client sends 1 MB of commands, and logs a handful of lines', async () => {
    const sim = await startSimChild();
    cleanups.push(() => sim.stop());
    const [host, port] = sim.endpoint.split(':');
    const socket = net.connect({ host, port: Number(port) });
    socket.on('error', () => {});
    cleanups.push(async () => void socket.destroy());
    // Arrival times of the stream's bytes (ms), after the 12-byte greeting.
    const arrivals: number[] = [];
    let bytes = 0;
    socket.on('data', (d: Buffer) => {
      bytes += d.length;
      if (bytes > 12) arrivals.push(performance.now());
    });
    const waitFor = async (what: string, ok: () => boolean, ms: number) => {
      const until = performance.now() + ms;
      while (!ok()) {
        if (performance.now() > until) throw new Error(`${what} within ${ms} ms; log:\n${sim.log()}`);
        await sleep(20);
      }
    };
    await waitFor('no stream', () => arrivals.length > 10, 30_000);
    // 200 000 set-frequency commands (5 bytes each), all valid, each a different frequency.
    const flood = Buffer.alloc(1_000_000);
    for (let i = 0; i < 200_000; i++) {
      flood[5 * i] = 0x01;
      flood.writeUInt32BE(100_000_000 + i, 5 * i + 1);
    }
    const linesBefore = sim.log().split('\n').length;
    const sent = performance.now();
    socket.write(flood);
    // Stream on for 4 s of wall time after the flood: no silence longer than 2 s (it was ~16 s; this machine may be loaded).
    await sleep(4000);
    const after = arrivals.filter((t) => t >= sent);
    const gaps = [sent, ...after, performance.now()].slice(1).map((t, i, all) => t - (i === 0 ? sent : all[i - 1]));
    expect(after.length).toBeGreaterThan(10);
    expect(Math.max(...gaps)).toBeLessThan(2000);
    // The log: one line per command kind per second (with a count), not one per command; wait for the flood's summary line.
    await waitFor('the flood summarised in the log', () => /command setFrequency ×\d+ in \d+\.\d s, last: .*"param":100199999/.test(sim.log()), 30_000);
    const lines = sim.log().split('\n').length - linesBefore;
    expect(lines).toBeLessThan(20);
    expect(sim.log()).toMatch(/command setFrequency ×\d+ in \d+\.\d s, last: .*"param":100199999/);
  }, 90_000);
});
