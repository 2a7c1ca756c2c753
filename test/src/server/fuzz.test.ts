/**
 * Property-based fuzzing of the headless station's doors (issue 10): HTTP
 * request lines, paths and headers over raw TCP, and RPC messages (any JSON
 * value, random method names, random parameters for every method of the
 * contract) over a real WebSocket. The property: every input gets a clear
 * answer (a 2xx/4xx status with a reason; a result or a typed error with a
 * message that is not a JavaScript internal), the station still answers a
 * good request afterwards, and a refused call writes nothing to the store.
 * Seeded and bounded: 2000 runs or 6 s per property, whichever comes first.
 */
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { methods } from '../../../src/api/contract.ts';
import { Station } from '../../../src/engine/station.ts';
import { serve, type RunningServer } from '../../../src/server/server.ts';
import { config, integration, tempDir } from '../../observations/fixtures.ts';
import { RawWebSocket, get, rawHttp } from './wire.ts';

/** Seed and bounds: the same inputs on every run; a failure prints its counterexample and seed. */
const seed = 20261203;
const budget = { seed, numRuns: 2000, interruptAfterTimeLimit: 6000, markInterruptAsFailure: false } as const;

const { dir, cleanup } = tempDir('fringe-fuzz-');
const dataDir = join(dir, 'data');
let station: Station;
let server: RunningServer;
let db: Database.Database;

beforeAll(async () => {
  mkdirSync(join(dir, 'ui'));
  writeFileSync(join(dir, 'ui', 'index.html'), '<!doctype html><title>Fringe</title>');
  station = Station.open(dataDir);
  const cfg = config({ inputs: 1, channels: 16, mode: 'autos' });
  const rec = station.store.startObservation({ mode: 'spectrum', target: 'Sun', config: cfg });
  for (let i = 0; i < 2; i++) rec.append(integration(cfg, i));
  rec.complete();
  server = await serve({ station, port: 0, uiDir: join(dir, 'ui'), log: () => {} });
  // A second connection: its data_version changes whenever the station's connection commits.
  db = new Database(join(dataDir, 'fringe.db'), { readonly: true });
});
afterAll(async () => {
  db.close();
  await server.close();
  await station.close();
  cleanup();
});

/** What a refused call must leave unchanged: the database and the targets file. */
function fingerprint(): string {
  const version = db.pragma('data_version', { simple: true });
  const targets = join(dataDir, 'targets.json');
  return `${version}|${existsSync(targets) ? readFileSync(targets, 'utf8') : ''}`;
}

const statuses = new Set([200, 400, 401, 403, 404, 405, 408, 413, 417, 426, 431]);

describe('fuzz: HTTP request lines, paths and headers', () => {
  const pathPiece = fc.oneof(
    fc.constantFrom('/', '%', '%2', '%zz', '%00', '%2e%2e', '%2f', '..', '.', '?', '#', '&', '=', 'api', 'download', 'id=1', 'format=fits', 'kind=x', 'index.html', '%E0%A4%A', '%C0%AF', '\\', '//', ';', '@', ':'),
    fc.string({ maxLength: 8 }),
    fc.string({ unit: 'binary', maxLength: 4 }),
  );
  const path = fc.array(pathPiece, { maxLength: 12 }).map((p) => p.join(''));
  const target = fc.oneof(path.map((p) => `/${p}`), path, fc.constantFrom('*', 'http://[', 'http://evil.example/', '/api/download?id=1&format=fits'));
  const method = fc.oneof(fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'CONNECT', 'TRACE'), fc.string({ minLength: 1, maxLength: 8 }));
  const headerName = fc.oneof(
    fc.constantFrom('Host', 'Origin', 'Sec-Fetch-Site', 'Authorization', 'Content-Length', 'Transfer-Encoding', 'Upgrade', 'Connection', 'Sec-WebSocket-Key', 'Sec-WebSocket-Version', 'Cookie', 'Range', 'Expect'),
    fc.string({ minLength: 1, maxLength: 12 }),
  );
  const headerValue = fc.oneof(fc.constantFrom('', '127.0.0.1', 'evil.example', 'cross-site', 'websocket', 'chunked', '-1', '0', '99999999999999999999', 'Bearer x', 'null', '[::1]', 'http://127.0.0.1'), fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 }));
  const request = fc.record({
    method,
    target,
    version: fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/2', 'HTTP/1.1 ', ''),
    host: fc.option(fc.oneof(fc.constant('127.0.0.1'), fc.constant('localhost'), headerValue), { nil: undefined }),
    headers: fc.array(fc.tuple(headerName, headerValue), { maxLength: 6 }),
  });

  it('every request gets a status with a reason, never a crash, a hang or a 500; the station then serves a good request', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const host = r.host === undefined ? [] : [`Host: ${r.host === '127.0.0.1' ? `127.0.0.1:${server.port}` : r.host}`];
        const lines = [`${r.method} ${r.target} ${r.version}`, ...host, ...r.headers.map(([k, v]) => `${k}: ${v}`), 'Connection: close'];
        const reply = await rawHttp(server.port, Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8'), 10_000);
        // Every request is answered (the server may close the connection after a 4xx); never a 5xx or silence.
        expect(reply.status !== null && statuses.has(reply.status), `${reply.head}\n${reply.body}`).toBe(true);
        // A reply to HEAD has no body, by definition.
        if (reply.status! >= 400 && r.method !== 'HEAD') expect(reply.body.trim().length).toBeGreaterThan(3);
        expect((await get(server.port, '/')).status).toBe(200);
      }),
      budget,
    );
  }, 60_000);
});

describe('fuzz: RPC messages', () => {
  const methodNames = Object.keys(methods) as Array<keyof typeof methods>;
  /** Calls whose valid parameters reach the network or start a pipeline: fuzzed with refused parameters only. */
  const reachOut = new Set<string>(['live.start', 'station.addEndpoint', 'rotator.connect', 'observations.reprocess', 'uploads.start', 'uploads.retry', 'station.setScenario', 'observations.delete', 'record.start', 'schedule.add', 'schedule.survey', 'qualify.run', 'drift.run', 'hi.observe']);
  const keys = [...new Set(methodNames.flatMap((m) => Object.keys((methods[m] as unknown as { shape?: object }).shape ?? {})))].concat(['kind', 'url', 'method', 'token', 'username', 'password', 'name']);
  const value = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.integer({ min: -5, max: 100_000 }), fc.double(), fc.constantFrom('fits', 'csv', 'sim', 'rtltcp:127.0.0.1:1', 'gs232b', 'http', 'http://127.0.0.1:1/', 'PUT', 1, 2, 0, -1, 1e308, '', null, true));
  const params = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 5 }), fc.constant(undefined));
  const call = fc.oneof(
    // Any JSON value as the whole message.
    fc.jsonValue({ maxDepth: 3 }).map((v) => ({ text: JSON.stringify(v), method: null as string | null, params: undefined as unknown })),
    // Text that is not JSON.
    fc.string({ maxLength: 60 }).map((s) => ({ text: s, method: null, params: undefined })),
    // A random method name, or a real one with random parameters; ids of every type.
    fc.record({
      id: fc.oneof(fc.integer(), fc.string({ maxLength: 10 }), fc.constant(null), fc.jsonValue({ maxDepth: 1 })),
      method: fc.oneof(fc.constantFrom(...methodNames), fc.string({ maxLength: 20 }), fc.constantFrom('__proto__', 'constructor', 'hasOwnProperty', 'station', 'station.', '.status')),
      params,
    }).filter((c) => !(reachOut.has(c.method) && methods[c.method as keyof typeof methods].safeParse(c.params ?? {}).success))
      .map((c) => ({ text: JSON.stringify({ id: c.id, method: c.method, params: c.params }), method: c.method, params: c.params })),
  );

  it('every message gets a result or a typed error with a clear message; a refused call writes nothing; the station answers afterwards', async () => {
    const ws = await RawWebSocket.open(server.port);
    try {
      await fc.assert(
        fc.asyncProperty(call, async (c) => {
          const before = fingerprint();
          ws.text(c.text);
          const reply = await nextReply(ws);
          expect(Object.keys(reply).sort().join(), JSON.stringify(reply)).toMatch(/^(error,id|id,result)$/);
          if ('error' in reply) {
            const e = reply.error as { kind: unknown; message: unknown };
            expect(['bad-request', 'unknown-method', 'failed', 'unauthorized'], c.text).toContain(e.kind);
            expect(typeof e.message === 'string' && e.message.length > 5, c.text).toBe(true);
            expect(e.message as string, c.text).not.toMatch(/Cannot read propert|is not a function|is not iterable|undefined is|null is not|Maximum call stack|\[object Object\]/);
            expect(fingerprint(), `refused ${c.text} but the store changed`).toBe(before);
          }
          ws.text('{"id":"ping","method":"station.status"}');
          const ping = await nextReply(ws);
          expect(ping.id).toBe('ping');
          expect(ping.result).toBeTruthy();
        }),
        budget,
      );
    } finally {
      ws.destroy();
    }
  }, 60_000);
});

/** The next reply frame (events skipped). */
async function nextReply(ws: RawWebSocket): Promise<Record<string, unknown>> {
  for (;;) {
    const f = await ws.next(10_000);
    if (f.opcode === 0x8) throw new Error(`the station closed the connection (${f.payload.length >= 2 ? f.payload.readUInt16BE(0) : ''})`);
    if (f.opcode !== 0x1) continue;
    const m = JSON.parse(f.payload.toString('utf8')) as Record<string, unknown>;
    if (!('event' in m)) return m;
  }
}
