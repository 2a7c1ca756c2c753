/**
 * Cancelling a queued upload (issue 17): the job turns failed with
 * 'cancelled before it started', a drain never sends it, Retry queues it
 * again and it is then sent; a job that is not queued is refused with its state.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../../observations/store/store.ts';
import { FtpTransport } from '../../../observations/upload/ftp.ts';
import { HttpTransport } from '../../../observations/upload/http.ts';
import { UploadQueue } from '../../../observations/upload/queue.ts';
import { TargetStore } from '../../../observations/upload/targets.ts';
import { tempDir } from '../fixtures.ts';
import { UploadServer } from './http-server.ts';

let tmp: ReturnType<typeof tempDir>;
let store: Store;
let server: UploadServer;
let targets: TargetStore;
let file: string;

beforeEach(async () => {
  tmp = tempDir();
  store = Store.open(tmp.dir);
  server = await new UploadServer().start();
  targets = new TargetStore(tmp.dir);
  targets.add({ name: 'archive', kind: 'http', url: `${server.url}/upload/`, method: 'PUT', token: server.token });
  file = join(tmp.dir, 'fringe-obs1.fits');
  writeFileSync(file, Buffer.alloc(5000, 7));
});
afterEach(async () => {
  await server.stop();
  store.close();
  tmp.cleanup();
});

describe('cancelling an upload', () => {
  it('takes a queued job off the queue; Retry puts it back; only a queued job can be cancelled', async () => {
    const q = new UploadQueue(store, { maxAttempts: 2 });
    const job = await q.enqueue({ path: file, target: 'archive' });
    expect(q.cancel(job.id)).toMatchObject({ state: 'failed', lastError: UploadQueue.cancelled });
    expect(() => q.cancel(job.id)).toThrow(`job ${job.id} is failed: only a queued upload can be cancelled`);
    // A drain finds nothing to send.
    const drain = () => q.drain((n) => targets.get(n), { http: new HttpTransport({ timeoutMs: 5000 }), ftp: new FtpTransport() });
    await drain();
    expect(server.intactStores).toHaveLength(0);
    expect(q.retry(job.id).state).toBe('queued');
    const [done] = await drain();
    expect(done).toMatchObject({ id: job.id, state: 'done' });
    expect(server.intactStores).toHaveLength(1);
    expect(() => q.cancel(job.id)).toThrow(`job ${job.id} is done: only a queued upload can be cancelled`);
    expect(() => q.cancel(job.id + 100)).toThrow(/no upload job|not found|job/);
  });
});
