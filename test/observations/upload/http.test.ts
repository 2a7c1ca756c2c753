import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../../observations/store/store.ts';
import { HttpTransport } from '../../../observations/upload/http.ts';
import { UploadQueue, type UploadEvent } from '../../../observations/upload/queue.ts';
import { TargetStore } from '../../../observations/upload/targets.ts';
import { FtpTransport } from '../../../observations/upload/ftp.ts';
import { tempDir } from '../fixtures.ts';
import { UploadServer } from './http-server.ts';

let tmp: ReturnType<typeof tempDir>;
let store: Store;
let server: UploadServer;
let targets: TargetStore;
let file: string;
const content = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 31 + 7) & 0xff));
const sha = createHash('sha256').update(content).digest('hex');

beforeEach(async () => {
  tmp = tempDir();
  store = Store.open(tmp.dir);
  server = await new UploadServer().start();
  targets = new TargetStore(tmp.dir);
  targets.add({ name: 'archive', kind: 'http', url: `${server.url}/upload/`, method: 'PUT', token: server.token });
  targets.add({ name: 'form', kind: 'http', url: `${server.url}/form`, method: 'POST', token: server.token });
  file = join(tmp.dir, 'SUN_20250101_120000_01.fit');
  writeFileSync(file, content);
});
afterEach(async () => {
  await server.stop();
  store.close();
  tmp.cleanup();
});

const transports = (timeoutMs = 5000) => ({ http: new HttpTransport({ timeoutMs }), ftp: new FtpTransport() });
const queue = () => new UploadQueue(store, { backoffBase: 0.02, backoffMax: 0.1, maxAttempts: 5 });

async function run(q: UploadQueue, timeoutMs?: number) {
  const events: UploadEvent[] = [];
  const jobs = await q.drain((n) => targets.get(n), transports(timeoutMs), (e) => events.push(e));
  return { jobs, events };
}

/** The server holds the file once, intact, under the job's key. */
function expectStoredOnce(key: string, name = 'SUN_20250101_120000_01.fit'): void {
  expect(server.intactStores.filter((r) => r.key === key)).toHaveLength(1);
  const f = server.files.get(key)!;
  expect(f.sha256).toBe(sha);
  expect(f.name).toBe(name);
  expect(f.data.equals(content)).toBe(true);
}

describe('HTTP uploads through the queue', () => {
  it('PUTs a file with bearer token, idempotency key and checksum, reporting progress', async () => {
    const q = queue();
    const job = await q.enqueue({ path: file, target: 'archive' });
    expect(job).toMatchObject({ state: 'queued', attempts: 0, bytes: content.length, sha256: sha });
    const { jobs, events } = await run(q);
    expect(jobs[0]).toMatchObject({ state: 'done', attempts: 1, lastError: null });
    expect(server.requests).toEqual([{ method: 'PUT', url: '/upload/SUN_20250101_120000_01.fit', auth: `Bearer ${server.token}`, fault: null }]);
    expectStoredOnce(job.idempotencyKey);
    const progress = events.filter((e) => e.type === 'progress').map((e) => (e as { sent: number }).sent);
    expect(progress.at(-1)).toBe(content.length);
    expect(progress.length).toBeGreaterThan(1);
    expect(events.map((e) => e.type).filter((t) => t !== 'progress')).toEqual(['start', 'done']);
  });

  it('POSTs multipart/form-data', async () => {
    const q = queue();
    const job = await q.enqueue({ path: file, target: 'form', remoteName: 'renamed.fit' });
    const { jobs } = await run(q);
    expect(jobs[0]!.state).toBe('done');
    expect(server.requests[0]!.method).toBe('POST');
    expectStoredOnce(job.idempotencyKey, 'renamed.fit');
  });

  it('queues a file only once per target and name', async () => {
    const q = queue();
    const a = await q.enqueue({ path: file, target: 'archive' });
    const b = await q.enqueue({ path: file, target: 'archive' });
    expect(b.id).toBe(a.id);
    expect(q.jobs()).toHaveLength(1);
  });

  it('retries through a reset mid-body, a 500 and a corrupted transfer, and stores the file once', async () => {
    server.faults = ['reset', '500', 'corrupt'];
    const q = queue();
    const job = await q.enqueue({ path: file, target: 'archive' });
    const { jobs, events } = await run(q);
    expect(jobs[0]).toMatchObject({ state: 'done', attempts: 4 });
    const retries = events.filter((e) => e.type === 'retry').map((e) => (e as { error: string }).error);
    expect(retries).toHaveLength(3);
    expect(retries[0]).toMatch(/socket hang up|ECONNRESET|EPIPE/);
    expect(retries[1]).toMatch(/server answered 500: injected failure/);
    expect(retries[2]).toMatch(/received a file with SHA-256/);
    expectStoredOnce(job.idempotencyKey);
  });

  // Generous margins (1 s client timeout, 3 s server delay) so a loaded machine cannot blur them.
  it('a slow server that stored the file but answered too late gets no second copy', async () => {
    server.faults = ['slow'];
    server.slowMs = 3000;
    const q = queue();
    const job = await q.enqueue({ path: file, target: 'archive' });
    const { jobs, events } = await run(q, 1000);
    expect(jobs[0]).toMatchObject({ state: 'done', attempts: 2 });
    expect(events.some((e) => e.type === 'retry' && /no progress for 1000 ms/.test(e.error))).toBe(true);
    expect(events.find((e) => e.type === 'done')).toMatchObject({ alreadyThere: true });
    expect(server.requests).toHaveLength(2);
    expectStoredOnce(job.idempotencyKey);
  });

  it('fails for good after the allowed attempts, saying why', async () => {
    server.faults = ['500', '500', '500', '500', '500'];
    const q = queue();
    await q.enqueue({ path: file, target: 'archive' });
    const { jobs } = await run(q);
    expect(jobs[0]).toMatchObject({ state: 'failed', attempts: 5 });
    expect(jobs[0]!.lastError).toMatch(/500/);
    expect(server.intactStores).toHaveLength(0);
    // A failed job can be put back by hand.
    q.retry(jobs[0]!.id);
    const again = await run(q);
    expect(again.jobs[0]).toMatchObject({ state: 'done', attempts: 1 });
  });

  it('a wrong token fails at once (no retry) and the token never reaches the database or messages', async () => {
    targets.add({ name: 'archive', kind: 'http', url: `${server.url}/upload/`, method: 'PUT', token: 'wrong-token-Zq81' });
    const q = queue();
    await q.enqueue({ path: file, target: 'archive' });
    const { jobs, events } = await run(q);
    expect(jobs[0]).toMatchObject({ state: 'failed', attempts: 1 });
    expect(jobs[0]!.lastError).toMatch(/401/);
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    for (const f of ['fringe.db', 'fringe.db-wal']) {
      try {
        expect(readFileSync(join(tmp.dir, f)).includes('wrong-token-Zq81')).toBe(false);
      } catch (err) {
        if ((err as { code?: string }).code !== 'ENOENT') throw err;
      }
    }
    expect(JSON.stringify(events)).not.toContain('wrong-token-Zq81');
  });

  it('refuses a file that changed after it was queued', async () => {
    const q = queue();
    await q.enqueue({ path: file, target: 'archive' });
    writeFileSync(file, Buffer.concat([content, Buffer.from('x')]));
    const { jobs } = await run(q);
    expect(jobs[0]).toMatchObject({ state: 'failed', attempts: 1 });
    expect(jobs[0]!.lastError).toMatch(/changed after it was queued/);
    expect(server.requests).toHaveLength(0);
  });

  it('resumes after the uploading process is killed mid-body, and stores the file once', async () => {
    const q = queue();
    const job = await q.enqueue({ path: file, target: 'archive' });
    server.faults = ['hang'];
    const child = spawn(process.execPath, ['--import', 'tsx', new URL('./uploader-child.ts', import.meta.url).pathname, tmp.dir], { stdio: ['ignore', 'inherit', 'inherit'] });
    server.onPartialBody = () => child.kill('SIGKILL');
    const signal = await new Promise((r) => child.on('close', (_c, s) => r(s)));
    expect(signal).toBe('SIGKILL');
    expect(server.intactStores).toHaveLength(0);
    // The dead process left the job running; opening the queue again queues it.
    expect(store.db.prepare('SELECT state FROM upload_jobs WHERE id = ?').pluck().get(job.id)).toBe('running');
    const q2 = queue();
    expect(q2.get(job.id)).toMatchObject({ state: 'queued', lastError: 'interrupted by a restart', attempts: 1 });
    const { jobs } = await run(q2);
    expect(jobs[0]).toMatchObject({ state: 'done', attempts: 2 });
    expectStoredOnce(job.idempotencyKey);
  });

  it('two uploader processes draining one queue send each job once', async () => {
    const q = queue();
    const keys: string[] = [];
    for (let k = 0; k < 6; k++) {
      const p = join(tmp.dir, `part${k}.fit`);
      writeFileSync(p, Buffer.concat([content, Buffer.from([k])]));
      keys.push((await q.enqueue({ path: p, target: 'archive' })).idempotencyKey);
    }
    server.delayMs = 250; // each upload takes a while, so both runners see the same queued jobs
    const child = () => new Promise((r) => spawn(process.execPath, ['--import', 'tsx', new URL('./uploader-child.ts', import.meta.url).pathname, tmp.dir], { stdio: 'inherit' }).on('close', r));
    expect(await Promise.all([child(), child()])).toEqual([0, 0]);
    expect(q.jobs().map((j) => j.state)).toEqual(Array(6).fill('done'));
    expect(server.requests).toHaveLength(6);
    for (const key of keys) expect(server.intactStores.filter((x) => x.key === key)).toHaveLength(1);
  });

  it('stops waiting for a retry when aborted, leaving the job queued for next time', async () => {
    server.faults = ['500'];
    const q = new UploadQueue(store, { backoffBase: 3600, backoffMax: 3600, maxAttempts: 5 });
    const job = await q.enqueue({ path: file, target: 'archive' });
    const abort = new AbortController();
    const drained = q.drain((n) => targets.get(n), transports(), (e) => { if (e.type === 'retry') setImmediate(() => abort.abort()); }, abort.signal);
    const [j] = await drained; // would wait an hour without the abort
    expect(j).toMatchObject({ id: job.id, state: 'queued', attempts: 1 });
    expect(j!.nextAttempt).toBeGreaterThan(Date.now() / 1000 + 3000);
  });
});

describe('cancelling an upload (issue 17)', () => {
  it('takes a queued job off the queue (failed, cancelled before it started); Retry puts it back; only a queued job can be cancelled', async () => {
    const q = queue();
    const job = await q.enqueue({ path: file, target: 'archive' });
    expect(q.cancel(job.id)).toMatchObject({ state: 'failed', lastError: UploadQueue.cancelled });
    expect(() => q.cancel(job.id)).toThrow(`job ${job.id} is failed: only a queued upload can be cancelled`);
    // A drain finds nothing to send.
    await run(q);
    expect(server.intactStores).toHaveLength(0);
    expect(q.retry(job.id).state).toBe('queued');
    const { jobs } = await run(q);
    expect(jobs).toEqual([expect.objectContaining({ id: job.id, state: 'done' })]);
    expectStoredOnce(job.idempotencyKey);
    expect(() => q.cancel(job.id)).toThrow(`job ${job.id} is done: only a queued upload can be cancelled`);
  });
});
