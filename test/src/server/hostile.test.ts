/**
 * The headless station under hostile input (issue 10): each case a bug that
 * killed `fringe serve` or answered with an internal error, pinned by name.
 * Real sockets throughout. A WebSocket error without a listener is an
 * unhandled error (the process dies in `fringe serve`): each case checks the
 * server's own listener logged it, and that the station still answers.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Station } from '../../../src/engine/station.ts';
import { serve, type RunningServer } from '../../../src/server/server.ts';
import { config, integration, tempDir } from '../../observations/fixtures.ts';
import { RawWebSocket, get, rawHttp } from './wire.ts';

const { dir, cleanup } = tempDir('fringe-hostile-');
const uiDir = join(dir, 'ui');
const token = 'correct-horse-battery-staple';
let station: Station;
let open: RunningServer, locked: RunningServer;
let id: number;
const logs: string[] = [];

beforeAll(async () => {
  mkdirSync(uiDir);
  writeFileSync(join(uiDir, 'index.html'), '<!doctype html><title>Fringe</title>');
  // A sibling whose name starts with the UI folder's: outside it, whatever the prefix says.
  mkdirSync(join(dir, 'ui-private'));
  writeFileSync(join(dir, 'ui-private', 'secret.txt'), 'not for the web');
  station = Station.open(join(dir, 'data'));
  const cfg = config({ inputs: 1, channels: 16, mode: 'autos' });
  const rec = station.store.startObservation({ mode: 'spectrum', target: 'Sun', config: cfg });
  for (let i = 0; i < 2; i++) rec.append(integration(cfg, i));
  rec.complete();
  id = rec.id;
  open = await serve({ station, port: 0, uiDir, log: (l) => logs.push(l) });
  locked = await serve({ station, port: 0, uiDir, token, log: (l) => logs.push(l) });
});
afterAll(async () => {
  await open.close();
  await locked.close();
  await station.close();
  cleanup();
});

/** The station still serves its page and answers a call. */
async function stillServing(server: RunningServer = open): Promise<void> {
  expect((await get(server.port, '/')).status).toBe(200);
  const ws = await RawWebSocket.open(server.port, server.token ? `/api?token=${server.token}` : '/api');
  ws.text(JSON.stringify({ id: 'ok', method: 'station.status' }));
  expect((await ws.reply('ok')).result).toBeTruthy();
  ws.destroy();
}

describe('HTTP: malformed requests answer 4xx and the station keeps serving', () => {
  it('GET /% answers 400 and keeps serving', async () => {
    for (const path of ['/%', '/%zz', '/index%2', '/%E0%A4%A']) {
      const r = await get(open.port, path);
      expect(r.status, path).toBe(400);
      expect(r.body).toMatch(/malformed percent-escape/);
    }
    await stillServing();
  });

  it('a malformed percent-escape answers 400 on /api/download and on the upgrade path too', async () => {
    expect((await get(open.port, '/api/download%?id=1&format=fits')).status).toBe(400);
    expect((await get(locked.port, `/api/%?token=${token}`)).status).toBe(400);
    await expect(RawWebSocket.open(open.port, '/api%')).rejects.toThrow(/handshake refused: HTTP\/1.1 400/);
    await expect(RawWebSocket.open(open.port, '/%')).rejects.toThrow(/400/);
    await stillServing();
  });

  it('a malformed request line, header or body framing answers 4xx with the reason', async () => {
    const cases = [
      'GARBAGE\r\n\r\n',
      'GET / HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -5\r\n\r\n',
      'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      'GET \x00/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
      'GET http://[ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
      'GET * HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
    ];
    for (const c of cases) {
      const r = await rawHttp(open.port, c);
      // 405 where the method is refused before the broken body is read.
      expect([400, 405], JSON.stringify(c)).toContain(r.status);
      expect(r.body.trim().length, JSON.stringify(c)).toBeGreaterThan(5);
    }
    await stillServing();
  });

  it('oversized headers answer 431; a missing or foreign Host answers 400 or 403', async () => {
    const big = await rawHttp(open.port, `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`);
    expect(big.status).toBe(431);
    expect((await rawHttp(open.port, 'GET / HTTP/1.0\r\n\r\n')).status).toBe(400);
    expect((await rawHttp(open.port, 'GET / HTTP/1.1\r\nHost: [::\r\nConnection: close\r\n\r\n')).status).toBe(403);
    expect((await rawHttp(open.port, 'GET / HTTP/1.1\r\nHost: \r\nConnection: close\r\n\r\n')).status).toBe(400);
    await stillServing();
  });

  it('CONNECT, an unknown Expect and a request without Host answer 4xx with a reason (found by the fuzzer)', async () => {
    const connect = await rawHttp(open.port, 'CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n');
    expect(connect.status).toBe(405);
    expect(connect.body).toMatch(/not a proxy/);
    const expectation = await get(open.port, '/', { Expect: 'teapot' });
    expect(expectation.status).toBe(417);
    expect(expectation.body).toMatch(/only 100-continue/);
    const hostless = await rawHttp(open.port, 'GET / HTTP/1.1\r\nConnection: close\r\n\r\n');
    expect(hostless.status).toBe(400);
    expect(hostless.body).toMatch(/missing Host header/);
    await stillServing();
  });

  it('an absolute-form request target (as proxies send it) is served by its path', async () => {
    const r = await rawHttp(open.port, `GET http://127.0.0.1:${open.port}/ HTTP/1.1\r\nHost: 127.0.0.1:${open.port}\r\nConnection: close\r\n\r\n`);
    expect(r.status).toBe(200);
    expect((await rawHttp(open.port, `GET http://127.0.0.1:${open.port}/% HTTP/1.1\r\nHost: 127.0.0.1:${open.port}\r\nConnection: close\r\n\r\n`)).status).toBe(400);
  });

  it('a path into a sibling folder that shares the UI folder name prefix is refused', async () => {
    const r = await get(open.port, '/..%2fui-private/secret.txt');
    expect(r.status).toBe(403);
    expect(r.body).not.toContain('not for the web');
    await stillServing();
  });
});

describe('WebSocket protocol errors close that connection with the right code', () => {
  it('a message over the size limit closes with 1009 and the station goes on', async () => {
    const ws = await RawWebSocket.open(open.port);
    ws.frame(0x81, Buffer.alloc(0), { declaredLength: (1 << 20) + 1 });
    expect(await ws.closeCode()).toBe(1009);
    expect(logs.some((l) => /API connection closed: Max payload size exceeded/.test(l))).toBe(true);
    await stillServing();
  });

  it('a text frame with invalid UTF-8 closes with 1007 and the station goes on', async () => {
    const ws = await RawWebSocket.open(open.port);
    ws.frame(0x81, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
    expect(await ws.closeCode()).toBe(1007);
    expect(logs.some((l) => /API connection closed: .*invalid UTF-8/.test(l))).toBe(true);
    await stillServing();
  });

  it('an unmasked client frame closes with 1002 and the station goes on', async () => {
    const ws = await RawWebSocket.open(open.port);
    ws.frame(0x81, Buffer.from('{}'), { mask: false });
    expect(await ws.closeCode()).toBe(1002);
    expect(logs.some((l) => /API connection closed: .*MASK must be set/.test(l))).toBe(true);
    await stillServing();
  });

  it('a frame with RSV bits set closes with 1002 and the station goes on', async () => {
    for (const rsv of [0x40, 0x20, 0x10]) {
      const ws = await RawWebSocket.open(open.port);
      ws.frame(0x80 | rsv | 0x1, Buffer.from('{}'));
      expect(await ws.closeCode()).toBe(1002);
    }
    expect(logs.some((l) => /API connection closed: .*RSV/i.test(l))).toBe(true);
    await stillServing();
  });
});

describe('RPC messages that are not calls', () => {
  it('JSON null as an RPC message answers the typed bad-request error', async () => {
    const ws = await RawWebSocket.open(open.port);
    ws.text('null');
    const r = await ws.reply(null);
    expect(r.error).toEqual({ kind: 'bad-request', message: expect.stringMatching(/^got null; a call is a JSON object/), cause: 'invalid' });
    expect(r.error!.message).not.toMatch(/Cannot read|undefined|TypeError/);
    ws.destroy();
  });

  it('arrays, numbers, strings, booleans and ids of other types answer bad-request, never a JavaScript error', async () => {
    const ws = await RawWebSocket.open(open.port);
    const cases: Array<[string, RegExp]> = [
      ['[]', /got an array/],
      ['[{"id":1,"method":"station.status"}]', /got an array/],
      ['42', /got the number 42/],
      ['"station.status"', /got the string "station.status"/],
      ['true', /got the boolean true/],
      ['{"id":{"a":1},"method":"station.status"}', /"id" must be a number or a string/],
      ['{"id":[1],"method":"station.status"}', /"id" must be .* not an array/],
      ['{"id":true,"method":"station.status"}', /"id" must be/],
      [`{"id":"${'x'.repeat(300)}","method":"station.status"}`, /at most 200 characters/],
      ['{"id":1}', /"method" must be a string/],
      ['{"id":1,"method":null}', /"method" must be a string/],
      ['{"id":1,"method":7}', /"method" must be a string naming a method, not the number 7/],
      ['{"id":1,"method":"station.status","params":null}', /./],
      ['{"id":1,"method":"live.start","params":[]}', /live\.start: params/],
      ['{"id":1,"method":"live.start","params":"x"}', /live\.start: params/],
      ['{"id":1,"method":"constructor"}', /unknown method 'constructor'/],
      ['{"id":1,"method":"__proto__"}', /unknown method '__proto__'/],
      ['{"id":1,"method":"toString"}', /unknown method 'toString'/],
    ];
    for (const [text, message] of cases) {
      ws.text(text);
      const r = await ws.reply(/"id":1[,}]/.test(text) ? 1 : null);
      if (text.includes('"params":null')) {
        expect(r.result, text).toBeTruthy();
        continue;
      }
      expect(r.error?.kind, text).toMatch(/^(bad-request|unknown-method)$/);
      expect(r.error?.message, text).toMatch(message);
      expect(r.error?.message, text).not.toMatch(/Cannot read|is not a function|TypeError|undefined/);
    }
    ws.destroy();
    await stillServing();
  });

  it('a binary frame answers bad-request', async () => {
    const ws = await RawWebSocket.open(open.port);
    ws.frame(0x82, Buffer.from('{"id":1,"method":"station.status"}'));
    expect((await ws.reply(null)).error).toEqual({ kind: 'bad-request', message: 'calls are JSON text frames, not binary', cause: 'invalid' });
    ws.destroy();
  });
});

describe('GET /api/download', () => {
  it('a download writes nothing to the exports table (nor to the data folder)', async () => {
    const before = station.store.exports(id).length;
    const files = () => readdirSync(join(dir, 'data'), { recursive: true }).sort();
    const listed = files();
    for (const q of [`id=${id}&format=fits`, `id=${id}&format=csv&kind=spectrum`, `id=${id}&format=csv`]) {
      const r = await get(locked.port, `/api/download?${q}&token=${token}`);
      expect(r.status, q).toBe(200);
    }
    expect(station.store.exports(id)).toHaveLength(before);
    expect(files()).toEqual(listed);
  });

  it('a cross-site request for a download is refused, with or without the token', async () => {
    for (const server of [open, locked]) {
      const q = `/api/download?id=${id}&format=fits&token=${token}`;
      // A link or <img> on another site: browsers send Sec-Fetch-Site but no Origin on a plain GET.
      const img = await get(server.port, q, { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'no-cors' });
      expect(img.status).toBe(403);
      expect(img.body).toMatch(/cross-site request refused/);
      expect((await get(server.port, q, { 'Sec-Fetch-Site': 'same-site' })).status).toBe(403);
      expect((await get(server.port, q, { Origin: 'http://evil.example' })).status).toBe(403);
      // The station's own page, and the user typing the address, are served.
      expect((await get(server.port, q, { 'Sec-Fetch-Site': 'same-origin' })).status).toBe(200);
      expect((await get(server.port, q, { 'Sec-Fetch-Site': 'none' })).status).toBe(200);
    }
    expect((await get(locked.port, `/api/download?id=${id}&format=fits`)).status).toBe(401);
    expect(station.store.exports(id)).toHaveLength(0);
  });

  it('/api/download with no or bad parameters says which parameter and what it accepts', async () => {
    const cases: Array<[string, number, RegExp]> = [
      ['', 400, /missing parameter 'id' .*format=fits\|csv/],
      ['?format=fits', 400, /missing parameter 'id'/],
      [`?id=${id}`, 400, /missing parameter 'format' \(fits or csv\)/],
      ['?id=abc&format=fits', 400, /parameter 'id' must be an observation's number .* not 'abc'/],
      ['?id=0x1&format=fits', 400, /parameter 'id' must be/],
      ['?id=-1&format=fits', 400, /parameter 'id' must be/],
      [`?id=${id}&format=exe`, 400, /parameter 'format' must be fits or csv, not 'exe'/],
      [`?id=${id}&format=csv&kind=x`, 400, /parameter 'kind' must be power or spectrum/],
      [`?id=${id}&format=fits&path=/etc/passwd`, 400, /unknown parameter 'path'/],
      ['?id=9999&format=fits', 404, /no observation 9999/],
    ];
    for (const [q, status, message] of cases) {
      const r = await get(open.port, `/api/download${q}`);
      expect(r.status, q).toBe(status);
      expect(r.body, q).toMatch(message);
      expect(r.body, q).not.toMatch(/invalid_type|"code"|expected number/);
    }
  });
});
