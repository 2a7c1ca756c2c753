/**
 * A real full disk: a 6 MiB tmpfs mounted for the test (root, Linux), filled
 * by `fringe observe --mode raw` in a child process until the kernel answers
 * ENOSPC. SQLite's own page cap (max_page_count) is tested in store.test.ts;
 * this is the operating system's full disk, as a station's SD card fills.
 * Where mounting is not allowed, the recorder's ENOSPC is still produced by
 * writing through /dev/full (test/devices/sdr/recorder.test.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../../observations/store/store.ts';
import { fringe } from '../../src/cli/commands/run-fringe.ts';
import { offsetCentre } from '../../../src/api/tuning.ts';

const mountPoint = mkdtempSync(join(tmpdir(), 'fringe-full-'));
/** Whether this machine lets the test mount a tmpfs (root on Linux, not every container). */
const canMount = process.platform === 'linux' && spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=6m', 'tmpfs', mountPoint]).status === 0;
if (!canMount) console.warn('disk-full.test.ts: cannot mount a tmpfs here (needs root on Linux); the real-ENOSPC store test is skipped');

afterAll(() => {
  if (canMount) spawnSync('umount', [mountPoint]);
  rmSync(mountPoint, { recursive: true, force: true });
});

describe.skipIf(!canMount)('a full disk (tmpfs, real ENOSPC)', () => {
  const db = join(mountPoint, 'data');
  let observe: { code: number; stdout: string; stderr: string };
  beforeAll(async () => {
    observe = await fringe(['observe', '--mode', 'raw', '--source', 'sim', '--rate', '1024000', '--seconds', '30', '--fast', '--db', db]);
  });

  it('a full disk mid-raw-recording is reported as disk full, not as a crash or kill', () => {
    expect(observe.code, observe.stderr).toBe(1);
    expect(observe.stderr).toMatch(/disk full: writing .*observation-1-iq\.sigmf-data failed after \d+ samples \(ENOSPC.*free some space/);
    const store = Store.open(db);
    const obs = store.getObservation(1);
    expect(obs.status).toBe('interrupted');
    expect(obs.interruptedReason).toMatch(/^disk full: /);
    expect(obs.interruptedReason).not.toMatch(/crash or kill/);
    const data = join(db, 'recordings', 'observation-1-iq.sigmf-data');
    const samples = statSync(data).size / 2;
    expect(Number.isInteger(samples)).toBe(true);
    expect(samples).toBeGreaterThan(1_000_000);
    expect(store.rawRecordings(1)[0]!.meta).toMatchObject({ samples });
    expect(obs.end! - obs.start).toBeCloseTo(samples / 1_024_000, 6);
    const meta = JSON.parse(readFileSync(data.replace(/data$/, 'meta'), 'utf8'));
    expect(meta.captures[0]).toMatchObject({ 'core:sample_start': 0, 'core:global_index': 0, 'core:frequency': offsetCentre(1_024_000) });
    store.close();
  });

  it('list and show work on a full disk, and the recording exports elsewhere', async () => {
    const list = await fringe(['list', '--json', '--db', db]);
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toMatchObject([{ id: 1, mode: 'raw', status: 'interrupted' }]);
    const show = await fringe(['show', '1', '--db', db]);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/interrupted \(disk full/);
    const out = join(tmpdir(), `fringe-full-export-${process.pid}.sigmf`);
    try {
      const exp = await fringe(['export', '1', '--format', 'sigmf', '--out', out, '--db', db]);
      expect(exp.code, exp.stderr).toBe(0);
      expect(statSync(out).size).toBeGreaterThan(statSync(join(db, 'recordings', 'observation-1-iq.sigmf-data')).size);
    } finally {
      rmSync(out, { force: true });
    }
  });
});
