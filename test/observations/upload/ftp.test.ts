import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../../observations/store/store.ts';
import { FtpTransport } from '../../../observations/upload/ftp.ts';
import { HttpTransport } from '../../../observations/upload/http.ts';
import { UploadQueue, type UploadEvent } from '../../../observations/upload/queue.ts';
import { TargetStore } from '../../../observations/upload/targets.ts';
import { skipUnless, tools } from '../../helpers/tools.ts';
import { tempDir } from '../fixtures.ts';
import { FtpServer, vsftpdPath } from './ftp-server.ts';

const skip = skipUnless(tools.command(vsftpdPath) ? 'needs vsftpd (scripts/install-system-deps.sh)' : null);
let tmp: ReturnType<typeof tempDir>;
let server: FtpServer;
let store: Store;
let targets: TargetStore;
const content = Buffer.from(Array.from({ length: 200_001 }, (_, i) => (i * 13) & 0xff));
const sha = createHash('sha256').update(content).digest('hex');

beforeAll(async () => {
  if (skip) return;
  tmp = tempDir();
  server = await new FtpServer(join(tmp.dir, 'ftp')).start();
  store = Store.open(join(tmp.dir, 'data'));
  targets = new TargetStore(store.dir);
  targets.add({ name: 'callisto', kind: 'ftp', url: `ftp://anonymous:ftp-pass-7Yq@127.0.0.1:${server.port}/incoming/fringe` });
});
afterAll(async () => {
  if (skip) return;
  await server.stop();
  store.close();
  tmp.cleanup();
});

const queue = () => new UploadQueue(store, { backoffBase: 0.02, backoffMax: 0.1, maxAttempts: 3 });
const transports = { http: new HttpTransport(), ftp: new FtpTransport({ timeoutMs: 5000 }) };
async function drain(q: UploadQueue) {
  const events: UploadEvent[] = [];
  const jobs = await q.drain((n) => targets.get(n), transports, (e) => events.push(e));
  return { jobs, events };
}
function writeLocal(name: string): string {
  const p = join(tmp.dir, name);
  writeFileSync(p, content);
  return p;
}

describe.skipIf(skip !== null)('FTP uploads to a real vsftpd on 127.0.0.1', () => {
  it('keeps the password out of the URL and of the database, in a 0600 file', () => {
    expect(targets.list()).toEqual([{ name: 'callisto', kind: 'ftp', url: `ftp://127.0.0.1:${server.port}/incoming/fringe`, username: 'anonymous', secret: true }]);
    expect(targets.get('callisto')).toMatchObject({ password: 'ftp-pass-7Yq' });
    if (process.platform !== 'win32') expect(statSync(targets.path).mode & 0o777).toBe(0o600);
  });

  it('uploads into a folder it creates, under the final name only when complete', async () => {
    const q = queue();
    const job = await q.enqueue({ path: writeLocal('FRINGE_20250314_093005_01.fit.gz'), target: 'callisto' });
    const { jobs, events } = await drain(q);
    expect(jobs[0]).toMatchObject({ state: 'done', attempts: 1 });
    const remote = join(server.root, 'incoming', 'fringe', 'FRINGE_20250314_093005_01.fit.gz');
    expect(readFileSync(remote).equals(content)).toBe(true);
    expect(existsSync(`${remote}.part`)).toBe(false);
    expect(server.uploads().filter((f) => f.endsWith('FRINGE_20250314_093005_01.fit.gz.part'))).toHaveLength(1);
    expect(events.filter((e) => e.type === 'progress').length).toBeGreaterThan(0);
    expect(job.sha256).toBe(sha);
    expect(readFileSync(join(store.dir, 'fringe.db')).includes('ftp-pass-7Yq')).toBe(false);
  });

  it('does not send again a file the server already holds intact (a retry after a lost reply)', async () => {
    const path = writeLocal('again.fit');
    mkdirSync(join(server.root, 'incoming', 'fringe'), { recursive: true });
    writeFileSync(join(server.root, 'incoming', 'fringe', 'again.fit'), content);
    const before = server.uploads().length;
    const q = queue();
    await q.enqueue({ path, target: 'callisto' });
    const { jobs, events } = await drain(q);
    expect(jobs[0]!.state).toBe('done');
    expect(events.find((e) => e.type === 'done')).toMatchObject({ alreadyThere: true });
    expect(server.uploads().length).toBe(before);
  });

  it('replaces a leftover .part and a different file of the same name', async () => {
    const path = writeLocal('left.fit');
    const dir = join(server.root, 'incoming', 'fringe');
    writeFileSync(join(dir, 'left.fit.part'), 'half');
    writeFileSync(join(dir, 'left.fit'), Buffer.alloc(content.length, 1));
    const q = queue();
    await q.enqueue({ path, target: 'callisto' });
    const { jobs } = await drain(q);
    expect(jobs[0]!.state).toBe('done');
    expect(readFileSync(join(dir, 'left.fit')).equals(content)).toBe(true);
    expect(existsSync(join(dir, 'left.fit.part'))).toBe(false);
  });

  it('retries a server that is down, then fails saying so, without the password in the message', async () => {
    targets.add({ name: 'down', kind: 'ftp', url: 'ftp://127.0.0.1:1/x', username: 'u', password: 'ftp-pass-7Yq' });
    const q = queue();
    await q.enqueue({ path: writeLocal('down.fit'), target: 'down' });
    const { jobs, events } = await drain(q);
    expect(jobs[0]).toMatchObject({ state: 'failed', attempts: 3 });
    expect(jobs[0]!.lastError).toMatch(/ftp:\/\/127\.0\.0\.1:1\/x: login failed \(.*ECONNREFUSED/);
    expect(events.filter((e) => e.type === 'retry')).toHaveLength(2);
    expect(JSON.stringify(jobs) + JSON.stringify(events)).not.toContain('ftp-pass-7Yq');
  });
});
