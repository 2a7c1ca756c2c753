/**
 * Raw IQ after kill -9: `fringe observe --mode raw` in a real child process,
 * killed with SIGKILL mid-recording. The recording is referenced from its
 * start, so the next open of the store finds it, cuts it to its last whole
 * sample, rewrites its meta, and the data is exportable, reprocessable and
 * deletable without orphans.
 */
import { appendFileSync, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileSource } from '../../../devices/sdr/file-source.ts';
import { Store } from '../../../observations/store/store.ts';
import { startFringe, until } from '../../helpers/kill.ts';
import { tempDir } from '../../observations/fixtures.ts';
import { fringe } from '../cli/commands/run-fringe.ts';
import { offsetCentre } from '../../../src/api/tuning.ts';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => { tmp = tempDir('fringe-raw-kill-'); });
afterEach(() => tmp.cleanup());

const size = (p: string): number => (existsSync(p) ? statSync(p).size : 0);

describe('raw IQ killed with SIGKILL', () => {
  it('after kill -9 the raw recording is referenced, cut to its last whole sample, exportable, reprocessable and deletable', async () => {
    const db = join(tmp.dir, 'data');
    const data = join(db, 'recordings', 'observation-1-iq.sigmf-data');
    const meta = data.replace(/data$/, 'meta');
    const p = startFringe(['observe', '--mode', 'raw', '--source', 'sim', '--rate', '1024000', '--seconds', '120', '--db', db]);
    await until(() => size(data) >= 1 << 20, 'a MiB of raw samples', 60_000, () => p.child.exitCode === null);
    // While it records, the store already references it, and the meta already says where and when.
    const live = Store.open(db, { readonly: true });
    expect(live.rawRecordings(1)).toHaveLength(1);
    live.close();
    const early = JSON.parse(readFileSync(meta, 'utf8'));
    expect(early.captures[0]).toMatchObject({ 'core:sample_start': 0, 'core:frequency': offsetCentre(1_024_000) });
    expect(early.captures[0]['core:datetime']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect((await p.kill()).signal).toBe('SIGKILL');
    const bytes = size(data);
    // As if the last write had been cut in the middle of a sample.
    appendFileSync(data, Buffer.from([0x80]));

    const store = Store.open(db);
    const obs = store.getObservation(1);
    expect(obs.status).toBe('interrupted');
    expect(obs.interruptedReason).toMatch(new RegExp(`crash or kill.*raw recording is kept up to sample ${bytes / 2}, the last one written`));
    expect(obs.end! - obs.start).toBeCloseTo(bytes / 2 / 1.024e6, 6);
    const [raw] = store.rawRecordings(1);
    expect(raw!.meta).toMatchObject({ samples: bytes / 2, recovered: true });
    store.close();
    expect(size(data)).toBe(bytes);
    const m = JSON.parse(readFileSync(meta, 'utf8'));
    expect(m.captures.length).toBeGreaterThanOrEqual(1);
    expect(m.captures[0]).toMatchObject({ 'core:sample_start': 0, 'core:global_index': 0, 'core:frequency': offsetCentre(1_024_000) });
    expect(m.captures.every((c: { 'core:sample_start': number }) => c['core:sample_start'] < bytes / 2)).toBe(true);

    const out = join(tmp.dir, 'out.sigmf');
    const exp = await fringe(['export', '1', '--format', 'sigmf', '--out', out, '--db', db]);
    expect(exp.code, exp.stderr).toBe(0);
    expect(size(out)).toBeGreaterThan(bytes);
    const re = await fringe(['reprocess', '1', '--channels', '256', '--integration', '0.1', '--backend', 'cpu', '--json', '--db', db]);
    expect(re.code, re.stderr).toBe(0);
    const again = JSON.parse(re.stdout) as { id: number; integrations: number };
    // Every whole integration of the samples kept, ⌊samples / (0.1 s · rate)⌋ (spectra of 256 samples, rounded), and the partial one after them.
    const whole = Math.floor(bytes / 2 / (256 * Math.round((0.1 * 1.024e6) / 256)));
    expect(again.integrations).toBeGreaterThanOrEqual(whole);
    expect(again.integrations).toBeLessThanOrEqual(whole + 1);
    const del = await fringe(['delete', '1', '--yes', '--db', db]);
    expect(del.code, del.stderr).toBe(0);
    expect(readdirSync(join(db, 'recordings'))).toEqual([]);
  });

  it('fringe record killed with SIGKILL leaves a meta with the frequency and the start time, and replays as a source', async () => {
    const metaPath = join(tmp.dir, 'rec.sigmf-meta');
    const data = join(tmp.dir, 'rec.sigmf-data');
    const t0 = Date.now();
    const p = startFringe(['record', '--source', 'sim', '--freq', '1420.2M', '--rate', '1.024M', '--seconds', '120', '--out', metaPath], { FRINGE_DATA_DIR: join(tmp.dir, 'data') });
    await until(() => size(data) >= 1 << 19, 'half a MiB of samples', 60_000, () => p.child.exitCode === null);
    expect((await p.kill()).signal).toBe('SIGKILL');
    const m = JSON.parse(readFileSync(metaPath, 'utf8'));
    expect(m.captures[0]).toMatchObject({ 'core:sample_start': 0, 'core:global_index': 0, 'core:frequency': 1_420_200_000 });
    expect(Date.parse(m.captures[0]['core:datetime'])).toBeGreaterThanOrEqual(t0 - 1000);
    const file = await FileSource.open({ path: metaPath, pacing: false });
    let samples = 0;
    for await (const b of file.blocks()) samples += b.data.length / 2;
    await file.close();
    expect(samples).toBe(size(data) / 2);
  });
});

