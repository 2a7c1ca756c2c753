import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../../observations/store/store.ts';
import { FtpTransport } from '../../../observations/upload/ftp.ts';
import { HttpTransport } from '../../../observations/upload/http.ts';
import { UploadQueue } from '../../../observations/upload/queue.ts';
import { TargetStore } from '../../../observations/upload/targets.ts';
import { skipUnless, tools } from '../../helpers/tools.ts';
import { tempDir } from '../fixtures.ts';
import { UploadServer } from './http-server.ts';

const skip = skipUnless(tools.command('openssl'));
let tmp: ReturnType<typeof tempDir>;
let server: UploadServer;
let store: Store;
let cert: string;

beforeAll(async () => {
  if (skip) return;
  tmp = tempDir();
  // A throwaway self-signed certificate for 127.0.0.1.
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(tmp.dir, 'key.pem'), '-out', join(tmp.dir, 'cert.pem')], { stdio: 'ignore' });
  cert = readFileSync(join(tmp.dir, 'cert.pem'), 'utf8');
  server = await new UploadServer({ key: readFileSync(join(tmp.dir, 'key.pem'), 'utf8'), cert }).start();
  store = Store.open(join(tmp.dir, 'data'));
  new TargetStore(store.dir).add({ name: 'secure', kind: 'http', url: `${server.url}/in/`, method: 'PUT', token: server.token });
  writeFileSync(join(tmp.dir, 'a.fit'), Buffer.alloc(70_000, 7));
});
afterAll(async () => {
  if (skip) return;
  await server.stop();
  store.close();
  tmp.cleanup();
});

describe.skipIf(skip !== null)('HTTPS uploads', () => {
  it('refuse an untrusted certificate at once, then succeed when its CA is trusted', async () => {
    const targets = new TargetStore(store.dir);
    const q = new UploadQueue(store, { backoffBase: 0.01, maxAttempts: 3 });
    const job = await q.enqueue({ path: join(tmp.dir, 'a.fit'), target: 'secure' });
    const [untrusted] = await q.drain((n) => targets.get(n), { http: new HttpTransport(), ftp: new FtpTransport() });
    expect(untrusted).toMatchObject({ state: 'failed', attempts: 1 });
    expect(untrusted!.lastError).toMatch(/TLS certificate is not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT/);
    expect(server.intactStores).toHaveLength(0);
    q.retry(job.id);
    const [trusted] = await q.drain((n) => targets.get(n), { http: new HttpTransport({ ca: cert }), ftp: new FtpTransport() });
    expect(trusted).toMatchObject({ state: 'done', attempts: 1 });
    expect(server.intactStores).toHaveLength(1);
    expect(server.requests.at(-1)).toMatchObject({ method: 'PUT', url: '/in/a.fit' });
  });
});
