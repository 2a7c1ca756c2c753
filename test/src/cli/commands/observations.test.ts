import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../../../observations/store/store.ts';
import { config, integration, tempDir } from '../../../observations/fixtures.ts';
import { UploadServer } from '../../../observations/upload/http-server.ts';

const bin = new URL('../../../../bin/fringe.js', import.meta.url).pathname;
let tmp: ReturnType<typeof tempDir>;
let db: string;
let server: UploadServer;

/** Runs `fringe …` in a real child process. */
function fringe(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  tmp = tempDir();
  db = join(tmp.dir, 'data');
  const store = Store.open(db);
  const c = config({ inputs: 2, channels: 16 });
  const site = store.addSite({ name: 'Home', latitude: 52, longitude: 5, altitude: 10 });
  const a = store.startObservation({ mode: 'drift', target: 'Sun', siteId: site.id, config: c, start: 1_735_732_800 });
  for (let i = 0; i < 6; i++) a.append(integration(c, i));
  a.complete();
  const b = store.startObservation({ mode: 'spectrum', target: 'HI', config: c, start: 1_735_736_400 });
  b.append(integration(c, 0));
  b.interrupt('stopped by the user');
  store.close();
  server = await new UploadServer().start();
});
afterAll(async () => {
  await server.stop();
  tmp.cleanup();
});

describe('fringe list / show', () => {
  it('list --json prints each observation with id, mode, status, start, end and the integration count', async () => {
    const r = await fringe(['list', '--json', '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([
      { id: 1, mode: 'drift', target: 'Sun', status: 'complete', start: '2025-01-01T12:00:00.000Z', end: expect.stringMatching(/^2025-01-01T12:00:00\.04/), integrations: 6 },
      { id: 2, mode: 'spectrum', target: 'HI', status: 'interrupted', start: '2025-01-01T13:00:00.000Z', end: expect.any(String), integrations: 1 },
    ]);
  });

  it('list filters, reads FRINGE_DATA_DIR, and prints a table', async () => {
    const r = await fringe(['list', '--status', 'interrupted'], { FRINGE_DATA_DIR: db });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\s+ID\s+MODE/);
    expect(r.stdout).toMatch(/\n\s+2\s+spectrum\s+interrupted/);
    expect(r.stdout).not.toMatch(/drift/);
  });

  it('bad usage exits 2 with a message that says what to change', async () => {
    const r = await fringe(['list', '--status', 'bogus', '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--status must be recording, complete or interrupted/);
    expect((await fringe(['list', '--nope', '--db', db])).code).toBe(2);
    const s = await fringe(['show', '99', '--db', db]);
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/no observation 99/);
  });

  it('show prints one observation, as text or JSON', async () => {
    const r = await fringe(['show', '2', '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Observation 2: spectrum of HI/);
    expect(r.stdout).toMatch(/status\s+interrupted \(stopped by the user\)/);
    const j = JSON.parse((await fringe(['show', '1', '--json', '--db', db])).stdout) as Record<string, unknown>;
    expect(j).toMatchObject({ id: 1, integrations: 6, site: { name: 'Home' }, config: { tuning: { centerFrequency: 1420.4e6 } } });
  });
});

describe('fringe export', () => {
  it('writes FITS with progress on stderr and the path on stdout', async () => {
    const out = join(tmp.dir, 'one.fits');
    const r = await fringe(['export', '1', '--format', 'fits', '--out', out, '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(out);
    expect(r.stderr).toMatch(/exporting 1 as fits 100 %/);
    expect(statSync(out).size % 2880).toBe(0);
  });

  it('names an e-CALLISTO file itself when --out is a folder', async () => {
    const dir = join(tmp.dir, 'callisto');
    mkdirSync(dir);
    const r = await fringe(['export', '1', '--format', 'callisto', '--out', dir, '--station', 'HOME', '--channels', '8', '--gzip', '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(dir)).toEqual(['HOME_20250101_120000_01.fit.gz']);
    const split = join(tmp.dir, 'split');
    mkdirSync(split);
    const s = await fringe(['export', '1', '--format', 'callisto', '--split', '--out', split, '--station', 'HOME', '--channels', '8', '--db', db]);
    expect(s.code, s.stderr).toBe(0);
    expect(s.stdout.trim()).toBe(join(split, 'HOME_20250101_120000_01.fit'));
    expect((await fringe(['export', '1', '--format', 'fits', '--split', '--out', split, '--db', db])).code).toBe(2);
  });

  it('rejects an unknown format (2) and says when there is nothing to export (1)', async () => {
    expect((await fringe(['export', '1', '--format', 'png', '--out', 'x', '--db', db])).code).toBe(2);
    const r = await fringe(['export', '1', '--format', 'sigmf', '--out', join(tmp.dir, 'raw'), '--db', db]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no raw recording/);
  });
});

describe('fringe targets / upload', () => {
  it('adds, lists and removes targets without ever printing the token', async () => {
    const add = await fringe(['targets', 'add', 'archive', '--url', `${server.url}/in/`, '--token-env', 'ARCHIVE_TOKEN', '--db', db], { ARCHIVE_TOKEN: server.token });
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout + add.stderr).not.toContain(server.token);
    const list = await fringe(['targets', 'list', '--json', '--db', db]);
    expect(JSON.parse(list.stdout)).toEqual([{ name: 'archive', kind: 'http', url: `${server.url}/in/`, method: 'PUT', secret: true }]);
    expect(list.stdout).not.toContain(server.token);
    expect(statSync(join(db, 'targets.json')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(db, 'fringe.db')).includes(server.token)).toBe(false);
    await fringe(['targets', 'add', 'tmp', '--url', 'ftp://127.0.0.1/x', '--db', db]);
    expect((await fringe(['targets', 'remove', 'tmp', '--db', db])).code).toBe(0);
    expect((await fringe(['targets', 'remove', 'tmp', '--db', db])).code).toBe(2);
    expect((await fringe(['targets', 'add', 'x', '--url', 'http://h/', '--token-env', 'UNSET_VAR_123', '--db', db])).code).toBe(2);
  });

  it('upload exports, sends, and a second run sends nothing already sent', async () => {
    const r = await fringe(['upload', '1', '--target', 'archive', '--format', 'csv', '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\d+\tdone\tfringe-1-20250101T120000Z\.csv$/m);
    expect(server.intactStores.map((s) => s.name)).toEqual(['fringe-1-20250101T120000Z.csv']);
    expect(existsSync(join(db, 'exports', 'fringe-1-20250101T120000Z.csv'))).toBe(true);
    const job = /^(\d+)\tdone\tfringe-1-20250101T120000Z\.csv$/m.exec(r.stdout)![1];
    // Without --format: every export of observation 1 on disk (the FITS and e-CALLISTO files above too).
    const again = await fringe(['upload', '1', '--target', 'archive', '--db', db]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`^${job}\tdone\tfringe-1-20250101T120000Z\\.csv$`, 'm'));
    expect(server.intactStores.map((s) => s.name).sort()).toEqual(['HOME_20250101_120000_01.fit', 'HOME_20250101_120000_01.fit.gz', 'fringe-1-20250101T120000Z.csv', 'one.fits']);
  });

  it('exits 1 when a job fails after its attempts, 2 for an unknown target', async () => {
    server.faults = ['500', '500'];
    const r = await fringe(['upload', '2', '--target', 'archive', '--format', 'spd', '--attempts', '2', '--backoff', '0', '--db', db]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\tfailed\tfringe-2-20250101T130000Z\.spd\t.*500/);
    expect(r.stderr).toMatch(/retrying in 0 s/);
    expect((await fringe(['upload', '1', '--target', 'nowhere', '--db', db])).code).toBe(2);
  });
});

describe('fringe delete', () => {
  it('needs --yes, deletes with the files in the data folder, and then the ID is gone', async () => {
    const store = Store.open(db);
    const c = config({ inputs: 1, channels: 8, mode: 'autos' });
    const rec = store.startObservation({ mode: 'spectrum', target: 'tmp', config: c });
    rec.append(integration(c, 0));
    rec.complete();
    const raw = store.rawRecordingPath(rec.id);
    writeFileSync(raw.absolute, Buffer.alloc(16));
    store.addRawRecording({ observationId: rec.id, path: raw.relative, datatype: 'cu8', sampleRate: 2.048e6, frequency: 1420e6, numChannels: 1, start: 0, meta: {} });
    store.close();
    expect((await fringe(['delete', String(rec.id), '--db', db])).code).toBe(2);
    const r = await fringe(['delete', String(rec.id), '--yes', '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(raw.absolute)).toBe(false);
    expect((await fringe(['show', String(rec.id), '--db', db])).code).toBe(2);
    expect((await fringe(['delete', String(rec.id), '--yes', '--db', db])).code).toBe(2);
  });
});
