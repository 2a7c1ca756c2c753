import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../../../observations/store/store.ts';
import { config, integration, tempDir } from '../../../observations/fixtures.ts';
import { UploadServer } from '../../../observations/upload/http-server.ts';
import { fringe } from './run-fringe.ts';

let tmp: ReturnType<typeof tempDir>;
let db: string;
let server: UploadServer;

/** Adds a finished spectrum observation starting at `start` (Unix s); returns its id. */
function observation(start: number): number {
  const store = Store.open(db);
  const c = config({ inputs: 1, channels: 16, mode: 'autos' });
  const rec = store.startObservation({ mode: 'spectrum', target: 'Sun', config: c, start });
  for (let i = 0; i < 3; i++) rec.append(integration(c, i));
  rec.complete();
  store.close();
  return rec.id;
}

beforeEach(async () => {
  tmp = tempDir();
  db = join(tmp.dir, 'data');
  server = await new UploadServer().start();
  const add = await fringe(['targets', 'add', 'archive', '--url', `${server.url}/in/`, '--token-env', 'ARCHIVE_TOKEN', '--db', db], { ARCHIVE_TOKEN: server.token });
  expect(add.code, add.stderr).toBe(0);
});
afterEach(async () => {
  await server.stop();
  tmp.cleanup();
});

describe('fringe upload', () => {
  it('a failed upload can be retried from the CLI once its retries ran out', async () => {
    const id = observation(1_735_732_800);
    server.faults = ['500', '500'];
    const failed = await fringe(['upload', String(id), '--target', 'archive', '--format', 'csv', '--attempts', '2', '--backoff', '0', '--db', db]);
    expect(failed.code).toBe(1);
    const job = /^(\d+)\tfailed\tfringe-1-20250101T120000Z\.csv\t.*500/m.exec(failed.stdout)?.[1];
    expect(job, failed.stdout).toBeDefined();
    expect(server.intactStores).toHaveLength(0);

    // Asking for the same upload again queues the failed job with fresh attempts (it used to reprint the failure).
    server.faults = ['500'];
    const again = await fringe(['upload', String(id), '--target', 'archive', '--format', 'csv', '--attempts', '1', '--db', db]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(new RegExp(`upload ${job}: failed before .*500.*; trying again`));

    // fringe upload retry JOB: fresh attempts for that job; this time the server takes it.
    const retry = await fringe(['upload', 'retry', job!, '--db', db]);
    expect(retry.code, retry.stderr).toBe(0);
    expect(retry.stdout).toMatch(new RegExp(`^${job}\tdone\tfringe-1-20250101T120000Z\\.csv$`, 'm'));
    expect(server.intactStores.map((s) => s.name)).toEqual(['fringe-1-20250101T120000Z.csv']);

    const done = await fringe(['upload', 'retry', job!, '--db', db]);
    expect(done.code).toBe(2);
    expect(done.stderr).toMatch(/already done; nothing to retry/);
    for (const bad of [['retry'], ['retry', '0'], ['retry', 'x'], ['retry', '1', '2']]) {
      const r = await fringe(['upload', ...bad, '--db', db]);
      expect(r.code, bad.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/upload job id/);
    }
    const missing = await fringe(['upload', 'retry', '99', '--db', db]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no upload job 99/);
    expect((await fringe(['upload', '--help'])).stdout).toMatch(/fringe upload retry JOB/);
  });

  it('an upload of a new observation never overwrites the archived copy of a deleted one', async () => {
    const first = observation(1_735_732_800);
    expect((await fringe(['upload', String(first), '--target', 'archive', '--format', 'csv', '--db', db])).code).toBe(0);
    expect((await fringe(['delete', String(first), '--yes', '--db', db])).code).toBe(0);
    const second = observation(1_735_736_400);
    expect(second).not.toBe(first);
    const r = await fringe(['upload', String(second), '--target', 'archive', '--format', 'csv', '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    const names = [...server.files.values()].map((f) => f.name).sort();
    expect(names).toEqual(['fringe-1-20250101T120000Z.csv', 'fringe-2-20250101T130000Z.csv']);
  });
});
