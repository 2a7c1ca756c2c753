/**
 * The desktop shell's bridge between a renderer's MessagePort and the
 * engine's WebSocket, against a real `fringe serve` (with a token), with a
 * stand-in port that records what the renderer would receive.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSpectrum } from '../../src/api/codec.ts';
import { bridge, type PortLike } from '../../electron/bridge.ts';
import { startEngine, type Engine } from '../../electron/engine.ts';
import { repoRoot } from '../../electron/ui-build.ts';
import { tempDir } from '../observations/fixtures.ts';
import { offsetCentre } from '../../src/api/tuning.ts';

const { dir, cleanup } = tempDir('fringe-bridge-');
let engine: Engine;

beforeAll(async () => {
  engine = await startEngine({ root: repoRoot, args: ['--db', dir, '--source', 'sim', '--backend', 'cpu', '--token', 'bridge-token-0123456789', '--no-ui-build'] });
}, 60_000);
afterAll(async () => {
  await engine?.stop();
  cleanup();
});

class FakePort implements PortLike {
  received: unknown[] = [];
  closed = false;
  private listener: (d: unknown) => void = () => {};
  private closeListener: () => void = () => {};
  /** Wakes a waitFor when something arrives. */
  private wake: () => void = () => {};
  post(d: unknown) {
    this.received.push(d);
    this.wake();
  }
  onMessage(l: (d: unknown) => void) {
    this.listener = l;
  }
  onClose(l: () => void) {
    this.closeListener = l;
  }
  close() {
    this.closed = true;
  }
  /** What the renderer sends. */
  send(d: unknown) {
    this.listener(d);
  }
  /** The renderer goes away. */
  drop() {
    this.closeListener();
  }
  async waitFor<T>(pick: (d: unknown) => T | undefined, ms = 20_000): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      for (const d of this.received) {
        const v = pick(d);
        if (v !== undefined) return v;
      }
      if (Date.now() > end) throw new Error(`not received in ${ms} ms: ${JSON.stringify(this.received.slice(0, 3))}`);
      // The next frame, or the ceiling.
      await new Promise<void>((r) => {
        const ceiling = setTimeout(r, Math.max(0, end - Date.now()) + 1);
        this.wake = () => (clearTimeout(ceiling), r());
      });
    }
  }
}

describe('electron/bridge', () => {
  it('carries calls and replies as text and spectra as binary frames', async () => {
    expect(engine.token).toBe('bridge-token-0123456789');
    const port = new FakePort();
    const b = bridge(engine.apiUrl, port);
    // Sent before the socket opens: queued, not lost.
    port.send(JSON.stringify({ id: 1, method: 'station.status' }));
    port.send(new Uint8Array([1, 2, 3])); // not text: dropped
    const reply = await port.waitFor((d) => (typeof d === 'string' && JSON.parse(d).id === 1 ? JSON.parse(d) : undefined));
    expect(reply.result.live).toMatchObject({ kind: 'sim', channels: 1024 });
    const spectrum = await port.waitFor((d) => (d instanceof ArrayBuffer ? decodeSpectrum(new Uint8Array(d)) : undefined));
    expect(spectrum.power[0]).toHaveLength(1024);
    // Offset tuning: the line an eighth of the band above the DC spike.
    expect(spectrum.centerFrequency).toBe(offsetCentre(spectrum.sampleRate));
    b.close();
    expect(port.closed).toBe(true);
    expect(port.received.at(-1)).toEqual({ closed: 'closed by the shell' });
  });

  it('tells the renderer why when the station refuses the connection', async () => {
    const port = new FakePort();
    bridge(engine.apiUrl.replace(/\?token=.*/, ''), port);
    const why = await port.waitFor((d) => (typeof d === 'object' && d !== null && 'closed' in d ? (d as { closed: string }).closed : undefined));
    expect(why).toMatch(/refused the connection \(HTTP 401\)/);
    expect(port.closed).toBe(true);
  });

  it('closes the socket when the renderer goes away', async () => {
    const port = new FakePort();
    bridge(engine.apiUrl, port);
    await port.waitFor((d) => (typeof d === 'string' ? d : undefined));
    port.drop();
    const before = port.received.length;
    // A real-time check with no event to wait for (the bridge's socket is gone): over 600 ms an open bridge would pass
    // two or more spectra (one each 0.25 s); a loaded machine only lengthens the window, which cannot make it pass wrongly.
    await new Promise((r) => setTimeout(r, 600));
    // No more frames once the renderer's port is gone (at most one already in flight).
    expect(port.received.length - before).toBeLessThanOrEqual(1);
  });
});
