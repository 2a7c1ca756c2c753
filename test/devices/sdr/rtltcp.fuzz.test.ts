/**
 * Fuzzing the rtl_tcp stream and command codec (devices/sdr/rtltcp-codec.ts,
 * rtltcp-client.ts): any 12 bytes are a greeting or a DeviceError
 * 'protocol'; commands split anywhere decode to what was sent; and over a
 * real loopback socket, a server that sends its greeting and samples in
 * odd-sized pieces is read byte for byte, while one that sends anything but
 * a greeting is refused with a typed error, never a hang. Seeded, bounded.
 */
import net from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DeviceError } from '../../../devices/errors.ts';
import { RtlTcpSource } from '../../../devices/sdr/rtltcp-client.ts';
import { CommandDecoder, GREETING_LENGTH, decodeGreeting, encodeCommand, encodeGreeting } from '../../../devices/sdr/rtltcp-codec.ts';

/** Cuts `bytes` at the given fractions into consecutive pieces (some empty). */
function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((c) => Math.floor(c * bytes.length)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const a of [...at, bytes.length]) {
    out.push(bytes.subarray(from, a));
    from = a;
  }
  return out;
}

describe('rtl_tcp codec', () => {
  it('any 12 bytes: a greeting or a DeviceError naming the server and quoting what it sent', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 16 }), fc.tuple(fc.nat(), fc.nat()).map(([t, g]) => encodeGreeting({ tunerType: t, gainCount: g }))), (b) => {
        try {
          const g = decodeGreeting(b, 'rtl_tcp server x:1');
          expect(b.length).toBeGreaterThanOrEqual(GREETING_LENGTH);
          expect(Number.isSafeInteger(g.tunerType) && Number.isSafeInteger(g.gainCount)).toBe(true);
        } catch (err) {
          expect(err).toBeInstanceOf(DeviceError);
          expect((err as DeviceError).kind).toBe('protocol');
          expect((err as DeviceError).message).toMatch(/^rtl_tcp server x:1 is not an rtl_tcp server: expected a greeting starting with 'RTL0', heard /);
        }
      }),
      { seed: 1234, numRuns: 500 },
    );
  });

  it('commands split anywhere decode to exactly what was sent', () => {
    const command = fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: -0x80000000, max: 0xffffffff }));
    fc.assert(
      fc.property(fc.array(command, { maxLength: 20 }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 10 }), (cmds, cuts) => {
        const wire = Uint8Array.from(cmds.flatMap(([c, p]) => [...encodeCommand(c, p)]));
        const d = new CommandDecoder();
        const got = split(wire, cuts).flatMap((piece) => d.push(piece));
        expect(got.map((g) => [g.command, g.param])).toEqual(cmds.map(([c, p]) => [c, p >>> 0]));
        expect(got.map((g) => g.signed)).toEqual(cmds.map(([, p]) => p | 0));
      }),
      { seed: 5, numRuns: 300 },
    );
  });

  it('refuses to encode what the wire cannot carry, with a RangeError naming it', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.integer()), fc.oneof(fc.double(), fc.integer({ min: -(2 ** 40), max: 2 ** 40 })), (c, p) => {
        try {
          const b = encodeCommand(c, p);
          expect(b.length).toBe(5);
        } catch (err) {
          expect(err).toBeInstanceOf(RangeError);
          expect((err as Error).message).toMatch(/rtl_tcp (command byte|parameter)/);
        }
      }),
      { seed: 6, numRuns: 300 },
    );
  });
});

/** A one-shot rtl_tcp server on loopback that writes `pieces` (a tick apart) and then waits; resolves to its port. */
async function server(pieces: Uint8Array[]): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const s = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('error', () => undefined);
    sock.on('data', () => undefined); // the client's tuning commands
    void (async () => {
      for (const p of pieces) {
        if (sock.destroyed) return;
        sock.write(p);
        await new Promise((r) => setImmediate(r));
      }
    })();
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return {
    port: (s.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        for (const x of sockets) x.destroy();
        s.close(() => r());
      }),
  };
}

describe('rtl_tcp stream over a socket', () => {
  it('a greeting and samples sent in odd pieces are read byte for byte, in even blocks (the tail short of a block included)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 3000 }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }), fc.integer({ min: 1, max: 400 }), async (samples, cuts, blockPairs) => {
        const data = Uint8Array.from({ length: 2 * samples }, (_, i) => (i * 13 + 1) & 0xff);
        const wire = new Uint8Array(GREETING_LENGTH + data.length);
        wire.set(encodeGreeting({ tunerType: 5, gainCount: 29 }));
        wire.set(data, GREETING_LENGTH);
        const srv = await server(split(wire, cuts));
        const src = await RtlTcpSource.connect({ host: '127.0.0.1', port: srv.port, timeoutMs: 2000, blockLength: 2 * blockPairs, queueBlocks: 4096 });
        let next = 0;
        try {
          for await (const b of src.blocks()) {
            // Each block is even, at its exact stream index, and holds the bytes sent there; whole blocks the queue had to drop are counted.
            expect(b.data.length % 2).toBe(0);
            expect(b.firstSample).toBe(next + b.dropped);
            expect(b.data).toEqual(data.subarray(2 * b.firstSample, 2 * b.firstSample + b.data.length));
            next = b.firstSample + b.data.length / 2;
            if (next >= samples) break;
          }
        } finally {
          await src.close();
          await srv.close();
        }
        expect(next).toBe(samples);
      }),
      { seed: 77, numRuns: 15, interruptAfterTimeLimit: 5000 },
    );
  }, 30_000);

  it('a server that answers with anything but a greeting is refused with a typed error within the timeout', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 40 }).filter((b) => b[0] !== 0x52), async (junk) => {
        const srv = await server([junk]);
        const started = Date.now();
        try {
          const err = await RtlTcpSource.connect({ host: '127.0.0.1', port: srv.port, timeoutMs: 300 }).then(
            async (s) => (await s.close(), null),
            (e: unknown) => e,
          );
          expect(err).toBeInstanceOf(DeviceError);
          expect(['protocol', 'timeout']).toContain((err as DeviceError).kind);
          expect(Date.now() - started).toBeLessThan(3000);
        } finally {
          await srv.close();
        }
      }),
      { seed: 78, numRuns: 8, interruptAfterTimeLimit: 3000 },
    );
  }, 30_000);
});
