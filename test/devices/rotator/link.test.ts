/**
 * The link under every driver, over a real loopback TCP socket to a scripted
 * peer: replies split across packets, retries after garbled or missing
 * replies, the dead state after a peer stops answering, a closed peer, and
 * the serial queue's ordering.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from './helpers.ts';
import { Link, showBytes } from '../../../devices/rotator/link.ts';
import { parsePosition } from '../../../devices/rotator/codec-gs232.ts';

/** A peer that answers each line it hears with `answer(line, n)` (n counts from 1); undefined: silence. */
async function peer(answer: (line: string, n: number) => (string | Buffer)[] | undefined) {
  const heard: string[] = [];
  const sockets: net.Socket[] = [];
  const server = net.createServer((s) => {
    sockets.push(s);
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString('latin1');
      let i: number;
      while ((i = buf.indexOf('\r')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        heard.push(line);
        const parts = answer(line, heard.length);
        if (!parts) continue;
        // Each part goes out on its own, a little apart, so the reply arrives split.
        parts.forEach((p, k) => setTimeout(() => s.write(p), 15 * k));
      }
    });
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    heard,
    sockets,
    close: () => new Promise<void>((r) => (sockets.forEach((s) => s.destroy()), server.close(() => r()))),
  };
}

const C2 = { request: 'C2\r', label: 'C2', parse: parsePosition };
let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function open(answer: Parameters<typeof peer>[0], opts = { timeoutMs: 300, retries: 2 }) {
  const p = await peer(answer);
  const link = await Link.openTcp('127.0.0.1', p.port, opts);
  cleanup.push(() => p.close(), () => link.close());
  return { p, link };
}

describe('Link', () => {
  it('puts together a reply that arrives in pieces', async () => {
    const { link } = await open(() => ['AZ=1', '23  EL', '=045\r', '\n']);
    expect(await link.exchange(C2)).toEqual({ az: 123, el: 45 });
  });

  it('retries after a garbled reply and succeeds on the next try', async () => {
    const { p, link } = await open((_, n) => (n === 1 ? ['#%!\r\n'] : ['AZ=010  EL=020\r\n']));
    expect(await link.exchange(C2)).toEqual({ az: 10, el: 20 });
    expect(p.heard).toEqual(['C2', 'C2']);
  });

  it('names the port and what was heard when every try is garbled', async () => {
    const { p, link } = await open(() => ['#%!\x07\r\n']);
    const err = await link.exchange(C2).then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ kind: 'protocol' });
    expect((err as Error).message).toBe(`127.0.0.1:${p.port}: garbled reply to C2 (not a position line): heard "#%!\\x07\\r\\n"`);
    expect(p.heard).toHaveLength(3);
    expect(link.isDead).toBe(false); // it answers, just not sensibly: not dead
  });

  it('retries after silence, then goes dead and sends nothing more', async () => {
    const { p, link } = await open((_, n) => (n <= 3 ? undefined : ['AZ=001  EL=001\r\n']));
    const err = await link.exchange(C2).then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ kind: 'timeout' });
    expect((err as Error).message).toMatch(/no reply to C2 within 300 ms after 3 tries: heard nothing/);
    expect(p.heard).toHaveLength(3);
    expect(link.isDead).toBe(true);
    await expect(link.exchange(C2)).rejects.toMatchObject({ kind: 'timeout' });
    // A dead link refuses before writing: no byte can be on its way, so the check is at once.
    expect(p.heard).toHaveLength(3);
  });

  it('reports a partial reply as heard when the peer falls silent mid-reply', async () => {
    const { link } = await open(() => ['AZ=12']);
    await expect(link.exchange(C2)).rejects.toThrow(/no complete reply to C2 .* heard "AZ=12"/);
  });

  it('reports a peer that closes the connection', async () => {
    const { p, link } = await open(() => undefined);
    await waitFor(() => p.sockets.length > 0, 'the peer to accept the connection');
    p.sockets.forEach((s) => s.destroy());
    await waitFor(() => link.isDead, 'the link to see the close');
    await expect(link.exchange(C2)).rejects.toMatchObject({ kind: 'unplugged', message: expect.stringContaining('closed by the other end') });
  });

  it('refuses to be used after close', async () => {
    const { link } = await open(() => ['AZ=001  EL=001\r\n']);
    await link.close();
    await expect(link.exchange(C2)).rejects.toMatchObject({ kind: 'closed' });
  });
});

describe('showBytes', () => {
  it('keeps text and escapes the rest', () => {
    expect(showBytes(Uint8Array.from([0x41, 0x0d, 0x0a, 0x00, 0xff]))).toBe('"A\\r\\n\\x00\\xff"');
  });
});
