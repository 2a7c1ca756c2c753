import { get } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Station } from '../../../src/engine/station.ts';
import { serve, type RunningServer } from '../../../src/server/server.ts';
import { config, integration, tempDir } from '../../observations/fixtures.ts';

const { dir, cleanup } = tempDir('fringe-download-');
const token = 'correct-horse-battery-staple';
let station: Station;
let server: RunningServer;
let id: number;

beforeAll(async () => {
  station = Station.open(dir);
  const cfg = config({ inputs: 1, channels: 16, mode: 'autos' });
  const rec = station.store.startObservation({ mode: 'spectrum', target: 'Sun', config: cfg });
  for (let i = 0; i < 2; i++) rec.append(integration(cfg, i));
  rec.complete();
  id = rec.id;
  server = await serve({ station, port: 0, token, log: () => {} });
});
afterAll(async () => {
  await server.close();
  await station.close();
  cleanup();
});

function fetchPath(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port: server.port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    }).once('error', reject);
  });
}

describe('GET /api/download', () => {
  it('sends the FITS export as an attachment, to token holders only', async () => {
    expect((await fetchPath(`/api/download?id=${id}&format=fits`)).status).toBe(401);
    const r = await fetchPath(`/api/download?id=${id}&format=fits&token=${token}`);
    expect(r.status).toBe(200);
    expect(r.headers['content-disposition']).toMatch(new RegExp(`^attachment; filename="fringe-${id}-\\d{8}T\\d{6}Z\\.fits"$`));
    expect(r.body.subarray(0, 9).toString('latin1')).toBe('SIMPLE  =');
    expect(r.body.length % 2880).toBe(0);
    expect(Number(r.headers['content-length'])).toBe(r.body.length);
  });

  it('sends CSV, says what is wrong with a bad request, and refuses other origins', async () => {
    const csv = await fetchPath(`/api/download?id=${id}&format=csv&kind=power`, { Authorization: `Bearer ${token}` });
    expect(csv.status).toBe(200);
    expect(csv.body.toString()).toMatch(/^utc,unix_s,/); // the header first: issue 17 dropped the # lines for pandas
    expect((await fetchPath(`/api/download?id=${id}&format=exe&token=${token}`)).status).toBe(400);
    const missing = await fetchPath(`/api/download?id=9999&format=fits&token=${token}`);
    expect(missing.status).toBe(404);
    expect(missing.body.toString()).toMatch(/9999/);
    expect((await fetchPath(`/api/download?id=${id}&format=fits&token=${token}`, { Origin: 'http://evil.example' })).status).toBe(403);
  });
});
