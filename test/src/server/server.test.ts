import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { decodeSpectrum } from '../../../src/api/codec.ts';
import { Station } from '../../../src/engine/station.ts';
import { serve, type RunningServer } from '../../../src/server/server.ts';
import { checkRequest } from '../../../src/server/guard.ts';

const dir = mkdtempSync(join(tmpdir(), 'fringe-serve-'));
let station: Station;
let open: RunningServer, locked: RunningServer;
const logs: string[] = [];
const token = 'correct-horse-battery-staple';

beforeAll(async () => {
  station = Station.open(dir);
  await station.startLive({ backend: 'cpu', threads: 0, pacing: 4 });
  open = await serve({ station, port: 0, log: (l) => logs.push(l) });
  locked = await serve({ station, port: 0, token, log: (l) => logs.push(l) });
});
afterAll(async () => {
  await open.close();
  await locked.close();
  await station.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Frames a client received, kept from the moment it was created (the first may come with the upgrade). */
const received = new WeakMap<WebSocket, Array<{ data: Buffer; binary: boolean }>>();

/** Opens /api and resolves once connected; rejects with the HTTP status when refused. */
function connect(server: RunningServer, opts: { query?: string; headers?: Record<string, string> } = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api${opts.query ?? ''}`, { headers: opts.headers });
    const frames: Array<{ data: Buffer; binary: boolean }> = [];
    received.set(ws, frames);
    ws.on('message', (data, binary) => frames.push({ data: data as Buffer, binary }));
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

/** Sends one call and resolves with its reply. */
function call(ws: WebSocket, method: string, params?: unknown): Promise<{ result?: unknown; error?: { kind: string; message: string } }> {
  const id = Math.floor(Math.random() * 1e9);
  return new Promise((resolve) => {
    const on = (data: WebSocket.RawData, binary: boolean) => {
      if (binary) return;
      const msg = JSON.parse(data.toString());
      if (msg.id === id) {
        ws.off('message', on);
        resolve(msg);
      }
    };
    ws.on('message', on);
    ws.send(JSON.stringify({ id, method, params }));
  });
}

describe('fringe serve: the API over a WebSocket', () => {
  it('sends the status on connect, answers calls, and streams spectra as binary frames', async () => {
    const ws = await connect(open);
    await vi.waitUntil(() => received.get(ws)!.length > 0, { timeout: 30_000, interval: 10 });
    const first = received.get(ws)![0];
    expect(first.binary).toBe(false);
    expect(JSON.parse(first.data.toString())).toMatchObject({ event: 'status', data: { live: { kind: 'sim' } } });
    expect(await call(ws, 'station.status')).toMatchObject({ result: { live: { channels: 1024 } } });
    const spectrum = await new Promise<ReturnType<typeof decodeSpectrum>>((r) => {
      const on = (d: WebSocket.RawData, binary: boolean) => {
        if (binary) {
          ws.off('message', on);
          r(decodeSpectrum(new Uint8Array(d as Buffer)));
        }
      };
      ws.on('message', on);
    });
    expect(spectrum).toMatchObject({ channels: 1024, sampleRate: 2_400_000 });
    expect(spectrum.power[0]).toHaveLength(1024);
    expect(spectrum.power[0][100]).toBeGreaterThan(0);
    ws.close();
  });

  it('says which parameter is wrong, and refuses unknown methods', async () => {
    const ws = await connect(open);
    expect((await call(ws, 'live.start', { channels: 1000 })).error).toMatchObject({ kind: 'bad-request', message: expect.stringMatching(/channels: channels must be a power of two/) });
    expect((await call(ws, 'station.setSite', { name: 'x', lat: 95, lon: 0, altitude: 0 })).error?.message).toMatch(/lat/);
    expect((await call(ws, 'shell.exec', { cmd: 'rm' })).error).toMatchObject({ kind: 'unknown-method' });
    ws.send('{not json');
    const reply = await new Promise<{ error: { message: string } }>((r) => {
      const on = (d: WebSocket.RawData, binary: boolean) => {
        if (binary) return;
        const m = JSON.parse(d.toString());
        if (m.error) {
          ws.off('message', on);
          r(m);
        }
      };
      ws.on('message', on);
    });
    expect(reply.error.message).toMatch(/not JSON/);
    ws.close();
  });

  it('refuses a cross-origin page (another host, or another port of this one) and a foreign Host (DNS rebinding)', async () => {
    await expect(connect(open, { headers: { Origin: 'http://evil.example' } })).rejects.toThrow('HTTP 403');
    await expect(connect(open, { headers: { Origin: `http://127.0.0.1:${open.port + 1}` } })).rejects.toThrow('HTTP 403');
    await expect(connect(open, { headers: { Origin: 'null' } })).rejects.toThrow('HTTP 403');
    (await connect(open, { headers: { Origin: `http://127.0.0.1:${open.port}` } })).close();
    await expect(connect(open, { headers: { Host: 'evil.example:8417' } })).rejects.toThrow('HTTP 403');
    const status = await new Promise<number>((r) =>
      request({ host: '127.0.0.1', port: open.port, path: '/', headers: { Host: 'rebound.example' } }, (res) => r(res.statusCode!)).end(),
    );
    expect(status).toBe(403);
  });

  it('requires the token when one is set, and never logs it', async () => {
    await expect(connect(locked)).rejects.toThrow('HTTP 401');
    await expect(connect(locked, { query: '?token=wrong-token-of-some-length' })).rejects.toThrow('HTTP 401');
    const ws = await connect(locked, { query: `?token=${token}` });
    expect((await call(ws, 'station.status')).result).toBeTruthy();
    ws.close();
    const byHeader = await connect(locked, { headers: { Authorization: `Bearer ${token}` } });
    byHeader.close();
    expect(logs.join('\n')).not.toContain(token);
    expect(logs.some((l) => /refused API connection .* missing or wrong token/.test(l))).toBe(true);
  });

  it('needs a token for any bind off loopback', () => {
    const req = (headers: Record<string, string>, url = '/api') => ({ headers, url }) as never;
    expect(checkRequest(req({ host: '192.0.2.7:8417' }), { bind: '0.0.0.0', token: 'abcdefabcdefabcdef' }, true)).toMatchObject({ ok: false, status: 401 });
    expect(checkRequest(req({ host: '192.0.2.7:8417' }, '/api?token=abcdefabcdefabcdef'), { bind: '0.0.0.0', token: 'abcdefabcdefabcdef' }, true)).toEqual({ ok: true });
  });
});
