/**
 * The station's uploads against a real SQLite store in a temporary folder
 * and a real loopback HTTP server (test/observations/upload/http-server.ts):
 * what arrives is byte for byte the export, progress climbs to the size,
 * a failing server is retried then given up on with its reason, a stopped
 * upload resumes when the station opens again, and no secret ever leaves
 * targets.json.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { exportFileName } from '../../../observations/export/naming.ts';
import { Store } from '../../../observations/store/store.ts';
import { Station } from '../../../src/engine/station.ts';
import { Uploads, type UploadJobView } from '../../../src/engine/uploads.ts';
import { config, integration, tempDir } from '../../observations/fixtures.ts';
import { UploadServer } from '../../observations/upload/http-server.ts';

let tmp: ReturnType<typeof tempDir>;
let store: Store | null;
let server: UploadServer;

beforeEach(async () => {
  tmp = tempDir('fringe-uploads-');
  store = Store.open(tmp.dir);
  server = await new UploadServer().start();
});
afterEach(async () => {
  await server.stop();
  store?.close();
  tmp.cleanup();
});

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/**
 * A completed observation of `n` integrations. 1024 channels × 200
 * integrations of float32 make a FITS image of 800 KiB: thirteen 64 KiB
 * reads, so progress has steps to show.
 */
function observe(s: Store, o: { mode?: string; channels?: number; inputs?: number; n?: number; complete?: boolean } = {}): number {
  const cfg = config({ inputs: o.inputs ?? 1, channels: o.channels ?? 1024, mode: 'autos' });
  const rec = s.startObservation({ mode: o.mode ?? 'spectrum', target: 'Sun', start: 1_790_000_000, config: cfg });
  for (let i = 0; i < (o.n ?? 200); i++) rec.append(integration(cfg, i));
  if (o.complete !== false) rec.complete();
  return rec.id;
}

/** Uploads with quick retries, every progress event kept, and the events it emitted. */
function open(s: Store, queue = { maxAttempts: 2, backoffBase: 0.05, backoffMax: 0.1 }): { uploads: Uploads; events: UploadJobView[] } {
  const uploads = new Uploads(s, { queue, progressIntervalMs: 0 });
  const events: UploadJobView[] = [];
  uploads.on('upload', (e) => events.push(e));
  return { uploads, events };
}

/** Resolves with the first event of job `job` that satisfies `pred`. */
function until(u: Uploads | Station, pred: (e: UploadJobView) => boolean, timeoutMs = 20_000): Promise<UploadJobView> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no such upload event in time')), timeoutMs);
    const on = (e: UploadJobView): void => {
      if (!pred(e)) return;
      clearTimeout(timer);
      (u as Uploads).off('upload', on);
      resolve(e);
    };
    (u as Uploads).on('upload', on);
  });
}

function addArchive(u: Uploads, token = server.token): void {
  u.addTarget({ name: 'archive', kind: 'http', url: `${server.url}/upload/`, method: 'PUT', token });
}

describe('station uploads', () => {
  it('sends the FITS export byte for byte, with progress climbing to its size', async () => {
    const id = observe(store!);
    const { uploads, events } = open(store!);
    addArchive(uploads);
    const started = await uploads.start({ id, format: 'fits', target: 'archive' });
    expect(started).toMatchObject({ observation: id, target: 'archive', format: 'fits', file: exportFileName(store!.getObservation(id), 'fits'), state: 'queued', attempts: 0 });
    const done = await until(uploads, (e) => e.state === 'done' || e.state === 'failed');
    expect(done).toMatchObject({ state: 'done', attempts: 1, error: null, sent: started.total, total: started.total });

    // What the server holds is the export on disk, recorded in the store with the same checksum.
    const local = readFileSync(join(tmp.dir, 'exports', exportFileName(store!.getObservation(id), 'fits')));
    expect(local.length).toBe(started.total);
    const [stored] = [...server.files.values()];
    expect(server.files.size).toBe(1);
    expect(stored!.name).toBe(exportFileName(store!.getObservation(id), 'fits'));
    expect(stored!.sha256).toBe(sha256(local));
    expect(stored!.data.equals(local)).toBe(true);
    expect(store!.exports(id).find((e) => e.format === 'fits')!.sha256).toBe(sha256(local));
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([`PUT /upload/${exportFileName(store!.getObservation(id), 'fits')}`]);

    // Progress: running events whose bytes rise strictly, in several steps, to the size.
    const sent = events.filter((e) => e.state === 'running').map((e) => e.sent);
    expect(sent.length).toBeGreaterThan(5);
    expect(sent.every((v, i) => i === 0 || v > sent[i - 1]!)).toBe(true);
    expect(sent.at(-1)).toBe(started.total);
    expect(events.map((e) => e.state).filter((s, i, a) => s !== a[i - 1])).toEqual(['queued', 'running', 'done']);
    expect(uploads.jobs(id)).toEqual([expect.objectContaining({ job: started.job, state: 'done', sent: started.total, format: 'fits' })]);
    expect(uploads.jobs(id + 1)).toEqual([]);
    await uploads.close();
  });

  it('retries a server answering 500, then fails saying so; a retry by hand sends it', async () => {
    const id = observe(store!, { n: 20 });
    const { uploads, events } = open(store!);
    addArchive(uploads);
    server.faults = ['500', '500'];
    const { job } = await uploads.start({ id, format: 'csv', target: 'archive' });
    const failed = await until(uploads, (e) => e.state === 'failed');
    expect(failed).toMatchObject({ job, state: 'failed', attempts: 2, maxAttempts: 2, retryAt: null });
    expect(failed.error).toMatch(/server answered 500: injected failure/);
    const retry = events.find((e) => e.state === 'queued' && e.attempts === 1)!;
    expect(retry.error).toMatch(/500/);
    expect(retry.retryAt).toBeGreaterThan(retry.updated - 1);
    expect(events.map((e) => e.state).filter((s, i, a) => s !== a[i - 1])).toEqual(['queued', 'running', 'queued', 'running', 'failed']);
    expect(server.intactStores).toHaveLength(0);

    expect(() => uploads.retry(job + 100)).toThrow(/no upload job/);
    expect(uploads.retry(job)).toMatchObject({ job, state: 'queued', attempts: 0 });
    expect(await until(uploads, (e) => e.state === 'done' || e.state === 'failed')).toMatchObject({ job, state: 'done', attempts: 1, error: null });
    expect(server.intactStores).toHaveLength(1);
    // Starting the same upload again gives the done job back: nothing is sent twice.
    expect(await uploads.start({ id, format: 'csv', target: 'archive' })).toMatchObject({ job, state: 'done' });
    // Nothing queued or running: nothing more can be sent (start queued no new job).
    await vi.waitUntil(() => uploads.jobs().every((j) => j.state === 'done' || j.state === 'failed'), { timeout: 30_000, interval: 10 });
    expect(server.intactStores).toHaveLength(1);
    await uploads.close();
  });

  it('runs one drain loop: a job started while another sends waits its turn', async () => {
    const id = observe(store!);
    const { uploads, events } = open(store!);
    addArchive(uploads);
    server.delayMs = 300;
    const a = await uploads.start({ id, format: 'fits', target: 'archive' });
    await until(uploads, (e) => e.job === a.job && e.state === 'running');
    const b = await uploads.start({ id, format: 'spd', target: 'archive' });
    await until(uploads, (e) => e.job === b.job && e.state === 'done');
    const order = events.filter((e) => e.state === 'running' || e.state === 'done').map((e) => `${e.job}:${e.state}`).filter((s, i, all) => s !== all[i - 1]);
    expect(order).toEqual([`${a.job}:running`, `${a.job}:done`, `${b.job}:running`, `${b.job}:done`]);
    await uploads.close();
  });

  it('a job started while the loop waits out a retry is sent at once, not after the wait', async () => {
    const id = observe(store!, { n: 20 });
    const { uploads } = open(store!, { maxAttempts: 3, backoffBase: 60, backoffMax: 60 });
    addArchive(uploads);
    server.faults = ['500'];
    const a = await uploads.start({ id, format: 'csv', target: 'archive' });
    const waiting = await until(uploads, (e) => e.job === a.job && e.state === 'queued' && e.attempts === 1);
    expect(waiting.retryAt! - waiting.updated).toBeCloseTo(60, 0);
    const t0 = performance.now();
    const b = await uploads.start({ id, format: 'spd', target: 'archive' });
    await until(uploads, (e) => e.job === b.job && e.state === 'done');
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(uploads.jobs(id).find((j) => j.job === a.job)).toMatchObject({ state: 'queued', attempts: 1 });
    // Closing ends the wait too.
    const t1 = performance.now();
    await uploads.close();
    expect(performance.now() - t1).toBeLessThan(1000);
  });

  it('offers the formats that suit the observation, and refuses others', async () => {
    const spectrum = observe(store!, { n: 3 });
    const small = observe(store!, { n: 3, channels: 16 });
    const pair = observe(store!, { n: 3, inputs: 2, channels: 16 });
    const total = observe(store!, { n: 3, mode: 'totalpower' });
    const empty = observe(store!, { n: 0 });
    const live = observe(store!, { n: 3, complete: false });
    const { uploads } = open(store!);
    addArchive(uploads);
    // e-CALLISTO bins 1024 channels into 128 (issue 17: it was refused); UVFITS needs two inputs and a site.
    expect(uploads.formats(spectrum)).toEqual(['fits', 'callisto', 'csv', 'spd']);
    expect(uploads.formats(small)).toEqual(['fits', 'callisto', 'csv', 'spd']);
    expect(uploads.formats(pair)).toEqual(['fits', 'callisto', 'csv', 'spd']);
    expect(uploads.formats(total)).toEqual(['csv', 'spd', 'fits']);
    expect(uploads.formats(empty)).toEqual([]);
    expect(uploads.formats(live)).toEqual([]);
    await expect(uploads.start({ id: spectrum, format: 'uvfits', target: 'archive' })).rejects.toThrow(/cannot be uploaded as uvfits; it can as fits, callisto, csv, spd/);
    await expect(uploads.start({ id: live, format: 'fits', target: 'archive' })).rejects.toThrow(/still recording/);
    await expect(uploads.start({ id: spectrum, format: 'fits', target: 'nowhere' })).rejects.toThrow(/no upload target 'nowhere'/);
    await expect(uploads.start({ id: 999, format: 'fits', target: 'archive' })).rejects.toThrow(/999/);
    expect(uploads.jobs()).toEqual([]);
    await uploads.close();
  });

  it('never lists or emits a secret, nor puts one in an error', async () => {
    const id = observe(store!, { n: 20 });
    const { uploads, events } = open(store!);
    addArchive(uploads, 'tok-WRONG-Zq81-secret');
    uploads.addTarget({ name: 'ftp-site', kind: 'ftp', url: 'ftp://ftp-user:pw-Hk27-secret@127.0.0.1:2121/incoming', });
    const list = uploads.listTargets();
    expect(list).toEqual([
      { name: 'archive', kind: 'http', url: `${server.url}/upload/`, method: 'PUT', secret: true },
      { name: 'ftp-site', kind: 'ftp', url: 'ftp://127.0.0.1:2121/incoming', username: 'ftp-user', secret: true },
    ]);
    // A refused token (401) fails at once, in the server's words, without the token.
    await uploads.start({ id, format: 'csv', target: 'archive' });
    const failed = await until(uploads, (e) => e.state === 'failed');
    expect(failed.error).toMatch(/server answered 401: bad token/);
    expect(failed.attempts).toBe(1);
    const seen = JSON.stringify([list, events, uploads.jobs()]);
    expect(seen).not.toMatch(/Zq81|Hk27/);
    expect(server.requests[0]!.auth).toBe('Bearer tok-WRONG-Zq81-secret');
    // The file holding them is the owner's alone.
    const { statSync } = await import('node:fs');
    expect(statSync(join(tmp.dir, 'targets.json')).mode & 0o777).toBe(0o600);
    uploads.removeTarget('ftp-site');
    expect(uploads.listTargets().map((t) => t.name)).toEqual(['archive']);
    expect(() => uploads.removeTarget('ftp-site')).toThrow(/no upload target/);
    expect(() => uploads.addTarget({ name: 'bad name', kind: 'http', url: 'http://x/', method: 'PUT' })).toThrow(/target name/);
    await uploads.close();
  });

  it('closing stops an upload mid-body without counting the attempt; the station resumes it when it opens again', async () => {
    store!.close();
    store = null;
    let station = Station.open(tmp.dir);
    const id = observe(station.store);
    station.uploads.addTarget({ name: 'archive', kind: 'http', url: `${server.url}/upload/`, method: 'PUT', token: server.token });
    const forwarded: UploadJobView[] = [];
    station.on('upload', (e) => forwarded.push(e));
    // The server reads a third of the body and then stops reading: the upload hangs there.
    server.faults = ['hang'];
    const partial = new Promise<void>((r) => (server.onPartialBody = r));
    const { job } = await station.uploads.start({ id, format: 'fits', target: 'archive' });
    await partial;
    const t0 = performance.now();
    await station.close();
    // Well inside the transport's 30 s idle timeout: the attempt was cut short, not waited out.
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(forwarded.some((e) => e.job === job && e.state === 'running')).toBe(true);
    expect(forwarded.at(-1)).toMatchObject({ job, state: 'queued', attempts: 0, error: 'interrupted: the uploader stopped' });
    expect(server.intactStores).toHaveLength(0);

    station = Station.open(tmp.dir);
    const done = await until(station, (e) => e.job === job && (e.state === 'done' || e.state === 'failed'));
    expect(done).toMatchObject({ state: 'done', attempts: 1 });
    const local = readFileSync(join(tmp.dir, 'exports', exportFileName(station.store.getObservation(id), 'fits')));
    expect(server.intactStores).toHaveLength(1);
    expect(server.intactStores[0]!.data.equals(local)).toBe(true);
    await station.close();
  });

  it('a job a dead process left running is sent when the station opens', async () => {
    const id = observe(store!, { n: 20 });
    const { uploads } = open(store!);
    addArchive(uploads);
    server.faults = ['hang'];
    const partial = new Promise<void>((r) => (server.onPartialBody = r));
    const { job } = await uploads.start({ id, format: 'csv', target: 'archive' });
    await partial;
    await uploads.close();
    // As if the process had died mid-upload: running, claimed by a pid that is gone.
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    store!.db.prepare("UPDATE upload_jobs SET state = 'running', attempts = 1, runner_pid = ? WHERE id = ?").run(gone, job);
    store!.close();
    store = null;
    const station = Station.open(tmp.dir);
    const done = await until(station, (e) => e.job === job && (e.state === 'done' || e.state === 'failed'));
    expect(done).toMatchObject({ state: 'done', attempts: 2 });
    expect(server.intactStores).toHaveLength(1);
    await station.close();
  });
});
