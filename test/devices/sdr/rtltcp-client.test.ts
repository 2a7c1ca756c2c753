import { afterEach, describe, expect, it, vi } from 'vitest';
import net from 'node:net';
import { DeviceError } from '../../../devices/errors.ts';
import { RtlTcpSource } from '../../../devices/sdr/rtltcp-client.ts';
import { encodeGreeting } from '../../../devices/sdr/rtltcp-codec.ts';
import type { Block } from '../../../devices/sdr/source.ts';

/** A ceiling raced against what a test waits for (never a wait on its own). */
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
import { counterBytes, firstDifference } from './helpers/fake-librtlsdr.ts';

const greeting = encodeGreeting({ tunerType: 5, gainCount: 29 });

/** A scripted server on 127.0.0.1 with a free port: `script` runs for each connection. */
async function scripted(script: (socket: net.Socket, received: Buffer[]) => void | Promise<void>) {
  const received: Buffer[] = [];
  const sockets: net.Socket[] = [];
  const server = net.createServer((socket) => {
    sockets.push(socket);
    socket.on('data', (d) => received.push(d));
    socket.on('error', () => {});
    void script(socket, received);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const close = () => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((r) => server.close(() => r()));
  };
  cleanups.push(close);
  return { port, received, close, connections: () => sockets.length };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** How long a wait for an event here may take on a loaded machine (ms): a ceiling, not a delay (checked every 10 ms). */
const ceiling = { timeout: 30_000, interval: 10 };

/** Writes and resolves once the bytes are handed to the system: each piece leaves in its own write (a loaded machine may still coalesce them, which the client must take too). */
const send = (s: net.Socket, bytes: Uint8Array | string) => new Promise<void>((r) => s.write(bytes, () => r()));

async function collect(src: RtlTcpSource): Promise<{ blocks: Block[]; error: unknown }> {
  const blocks: Block[] = [];
  try {
    for await (const b of src.blocks()) blocks.push(b);
  } catch (error) {
    return { blocks, error };
  }
  return { blocks, error: null };
}

describe('RtlTcpSource against scripted servers on 127.0.0.1', () => {
  it('sends the tuning as rtl_tcp commands, byte for byte', async () => {
    const srv = await scripted((s) => void s.write(greeting));
    const src = await RtlTcpSource.connect({
      port: srv.port,
      tuning: { centerFrequency: 1_420_405_752, sampleRate: 2_400_000, gain: 40, ppm: -3, biasTee: false },
    });
    expect(src.greeting).toEqual({ tunerType: 5, gainCount: 29 });
    expect(src.info.name).toContain('R820T');
    expect(src.tuning.gain).toBe(40.2); // snapped to the R820T table
    await src.setDirectSampling(2);
    await src.setIfGain(2, -5);
    await src.setAgcMode(true);
    await src.setOffsetTuning(true);
    await src.setTestMode(false);
    await src.setRtlXtal(28_800_000);
    await src.setTunerXtal(28_800_000);
    expect(await src.setGainByIndex(28)).toBe(49.6);
    // Fourteen 5-byte commands, all arrived.
    await vi.waitUntil(() => Buffer.concat(srv.received).length >= 14 * 5, ceiling);
    const hex = Buffer.concat(srv.received).toString('hex');
    expect(hex.match(/.{10}/g)).toEqual([
      '0200249f00', // sample rate 2 400 000 Hz
      '0154a9abf8', // 1 420 405 752 Hz
      '05fffffffd', // −3 ppm
      '0300000001', // manual gain
      '0400000192', // 40.2 dB in tenths
      '0e00000000', // bias-tee off
      '0900000002',
      '060002ffce',
      '0800000001',
      '0a00000001',
      '0700000000',
      '0b01b77400',
      '0c01b77400',
      '0d0000001c',
    ]);
    await src.close();
  });

  it('keeps I/Q pairs aligned across odd-sized reads and counts firstSample from the stream start', async () => {
    const data = counterBytes(0, 25_000); // 50 000 bytes
    const srv = await scripted(async (s) => {
      // The greeting split in two and glued to the first samples, then odd pieces.
      await send(s, greeting.subarray(0, 5));
      await send(s, Buffer.concat([greeting.subarray(5), data.subarray(0, 3)]));
      let offset = 3;
      for (const size of [1, 7, 4093, 5, 9999, 1, 1, 20_000]) {
        await send(s, data.subarray(offset, offset + size));
        offset += size;
      }
      await send(s, data.subarray(offset));
      await send(s, Uint8Array.of(0x99)); // half a sample, then the server goes away
      s.end();
    });
    const src = await RtlTcpSource.connect({ port: srv.port, blockLength: 4096 });
    const { blocks, error } = await collect(src);
    expect(error).toBeInstanceOf(DeviceError);
    expect((error as DeviceError).kind).toBe('unplugged');
    expect((error as DeviceError).message).toMatch(/closed the connection.*reconnect/);
    expect(blocks.map((b) => b.data.length)).toEqual([...Array(12).fill(4096), 50_000 - 12 * 4096]);
    let expected = 0;
    for (const b of blocks) {
      expect(b.firstSample).toBe(expected);
      expect(b.dropped).toBe(0);
      expect(firstDifference(b.data, counterBytes(b.firstSample, b.data.length / 2))).toBe(-1);
      expected += b.data.length / 2;
    }
    await src.close();
  });

  it('keeps samples that arrive between connecting and blocks() (regression: removeAllListeners dropped them)', async () => {
    let sent!: () => void;
    const allSent = new Promise<void>((r) => (sent = r));
    const srv = await scripted(async (s) => {
      await send(s, greeting);
      for (let k = 0; k < 4; k++) await send(s, counterBytes(k * 1000, 1000));
      sent();
    });
    const src = await RtlTcpSource.connect({ port: srv.port, blockLength: 8000 });
    // All four pieces are on their way (handed to loopback), waiting in the paused socket; and one turn of the event loop.
    await allSent;
    await new Promise((r) => setImmediate(r));
    for await (const b of src.blocks()) {
      expect(b.firstSample).toBe(0);
      expect(firstDifference(b.data, counterBytes(0, 4000))).toBe(-1);
      break;
    }
    await src.close();
  });

  it('names the server and what it heard when the greeting is wrong', async () => {
    const srv = await scripted((s) => void s.write('SSH-2.0-OpenSSH_9.6\r\n'));
    const err = (await RtlTcpSource.connect({ port: srv.port }).catch((e: unknown) => e)) as DeviceError;
    expect(err.kind).toBe('protocol');
    expect(err.message).toContain(`127.0.0.1:${srv.port} is not an rtl_tcp server`);
    expect(err.message).toContain('"SSH-2.0-Open"');
  });

  it('times out on a server that accepts but never greets', async () => {
    const srv = await scripted(() => {});
    const err = (await RtlTcpSource.connect({ port: srv.port, timeoutMs: 300 }).catch((e: unknown) => e)) as DeviceError;
    expect(err.kind).toBe('timeout');
    expect(err.message).toMatch(/sent no greeting within 300 ms/);
  });

  it('times out mid-stream when the server goes silent, and says so', async () => {
    const srv = await scripted((s) => void s.write(Buffer.concat([greeting, counterBytes(0, 1000)])));
    const src = await RtlTcpSource.connect({ port: srv.port, timeoutMs: 300, blockLength: 1000 });
    const { blocks, error } = await collect(src);
    expect(blocks.map((b) => b.firstSample)).toEqual([0, 500]);
    expect(error).toMatchObject({ kind: 'timeout', message: /sent nothing for 300 ms/ });
    await src.close();
  });

  /** Writes `bytes` one byte every `everyMs` until the socket closes. */
  const drip = (s: net.Socket, bytes: Uint8Array, everyMs: number) => {
    let i = 0;
    const t = setInterval(() => (s.destroyed || i >= bytes.length ? clearInterval(t) : s.write(bytes.subarray(i, ++i))), everyMs);
    s.on('close', () => clearInterval(t));
  };

  it('ends a stream that drips one byte at a time with a timeout error within timeoutMs (observe --seconds 5 ran forever)', async () => {
    const srv = await scripted((s) => {
      s.write(greeting);
      drip(s, counterBytes(0, 100_000), 20);
    });
    const src = await RtlTcpSource.connect({ port: srv.port, timeoutMs: 800, blockLength: 4096 });
    const started = performance.now();
    // Before the fix the socket's idle timeout never fired (a byte every 20 ms) and this waited forever: a 10 s ceiling.
    const outcome = await Promise.race([collect(src), sleep(10_000).then(() => 'still streaming after 10 s')]);
    expect(outcome).toMatchObject({ error: { kind: 'timeout', message: /sent only \d+ bytes in 800 ms, less than one block of 4096/ } });
    // Only the partial block heard before the deadline (handed over at the end, as for any ending stream).
    expect((outcome as { blocks: Block[] }).blocks.reduce((n, b) => n + b.data.length, 0)).toBeLessThan(4096);
    expect(performance.now() - started).toBeLessThan(5000);
    await src.close();
  });

  it('gives a greeting that drips one byte at a time one overall deadline, not one per byte', async () => {
    const srv = await scripted((s) => drip(s, greeting, 100));
    const started = performance.now();
    const err = (await RtlTcpSource.connect({ port: srv.port, timeoutMs: 500 }).catch((e: unknown) => e)) as DeviceError;
    expect(err).toMatchObject({ kind: 'timeout', message: /sent no greeting within 500 ms/ });
    expect(performance.now() - started).toBeLessThan(1100 + 500); // the 12 bytes would take 1.2 s
  });

  it('says nothing is listening when the connection is refused', async () => {
    const srv = await scripted(() => {});
    const port = srv.port;
    await srv.close();
    cleanups.length = 0;
    const err = (await RtlTcpSource.connect({ port }).catch((e: unknown) => e)) as DeviceError;
    expect(err.kind).toBe('not-found');
    expect(err.message).toMatch(/Nothing is listening at 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  });

  it('reports a server that closes before its greeting', async () => {
    const srv = await scripted((s) => void s.end(Buffer.from('RTL')));
    await expect(RtlTcpSource.connect({ port: srv.port })).rejects.toMatchObject({ kind: 'protocol', message: /before sending its 12-byte greeting \(heard 3 bytes\)/ });
  });

  it('reconnects on request, resending the tuning, and counts from 0 again', async () => {
    let n = 0;
    const srv = await scripted(async (s) => {
      n++;
      if (n === 1) {
        s.end(Buffer.concat([greeting, counterBytes(0, 512)])); // the first connection drops, after its samples
        return;
      }
      s.write(Buffer.concat([greeting, counterBytes(0, 512)]));
    });
    const src = await RtlTcpSource.connect({ port: srv.port, blockLength: 1024, tuning: { centerFrequency: 100_000_000 } });
    const first = await collect(src);
    expect(first.blocks.map((b) => b.firstSample)).toEqual([0]);
    expect(first.error).toMatchObject({ kind: 'unplugged' });
    // While disconnected, commands fail clearly and the tuning is left as last applied.
    await expect(src.setCenterFrequency(101_000_000)).rejects.toMatchObject({ kind: 'unplugged', message: /reconnect\(\)/ });
    await src.reconnect();
    expect(srv.connections()).toBe(2);
    for await (const b of src.blocks()) {
      expect(b.firstSample).toBe(0);
      expect(firstDifference(b.data, counterBytes(0, 512))).toBe(-1);
      break;
    }
    // The second connection got the tuning again (frequency as last applied: 100 MHz).
    await vi.waitUntil(() => Buffer.concat(srv.received).toString('hex').split('0105f5e100').length - 1 >= 2, ceiling);
    const all = Buffer.concat(srv.received).toString('hex');
    expect(all.split('0105f5e100').length - 1).toBe(2);
    await src.close();
    await expect(src.reconnect()).rejects.toMatchObject({ kind: 'closed' });
  });
});
