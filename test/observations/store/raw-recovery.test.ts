import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportObservation } from '../../../observations/export/index.ts';
import { tidyTemporaries } from '../../../observations/store/raw-recovery.ts';
import { Store } from '../../../observations/store/store.ts';
import { config, integration, tempDir } from '../fixtures.ts';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => { tmp = tempDir(); });
afterEach(() => tmp.cleanup());

/** A pid no process has (above Linux's pid_max default of 4 194 304). */
const dead = 4_999_999;

describe('store open after a kill', () => {
  it('finishes a staged export whose record was committed, removes one that was not, and leaves a live writer alone', () => {
    const store = Store.open(tmp.dir);
    const c = config({ inputs: 1, channels: 16, mode: 'autos' });
    const rec = store.startObservation({ mode: 'spectrum', config: c });
    rec.append(integration(c, 0));
    rec.complete();
    const exports = join(tmp.dir, 'exports');
    mkdirSync(exports, { recursive: true });
    // Killed after recording the export, before renaming it into place: rolled forward.
    writeFileSync(join(exports, `.${dead}.partial.done.fits`), 'whole');
    store.addExport({ observationId: rec.id, format: 'fits', path: join(exports, 'done.fits'), bytes: 5, sha256: 'x', created: 1 });
    // Killed while writing: no record, so rolled back (both the staged file and the sink's temporary).
    writeFileSync(join(exports, `.${dead}.partial.half.fits`), 'ha');
    writeFileSync(join(exports, `.${dead}.partial.half.csv.${dead}.partial`), 'h');
    writeFileSync(join(tmp.dir, 'recordings', `observation-9-iq.sigmf-meta.${dead}.tmp`), '{');
    writeFileSync(join(tmp.dir, `targets.json.${dead}.tmp`), '{');
    writeFileSync(join(exports, `.${process.pid}.partial.mine.fits`), 'busy');
    const did = tidyTemporaries(store.db, tmp.dir, (pid) => pid === process.pid);
    expect(did.finished).toEqual([join(exports, 'done.fits')]);
    expect(readFileSync(join(exports, 'done.fits'), 'utf8')).toBe('whole');
    expect(did.removed.sort()).toEqual([
      join(exports, `.${dead}.partial.half.csv.${dead}.partial`), join(exports, `.${dead}.partial.half.fits`),
      join(tmp.dir, 'recordings', `observation-9-iq.sigmf-meta.${dead}.tmp`), join(tmp.dir, `targets.json.${dead}.tmp`),
    ].sort());
    expect(existsSync(join(exports, `.${process.pid}.partial.mine.fits`))).toBe(true);
    store.close();
  });

  it('a raw recording killed before its data file appeared is unreferenced, with its meta', () => {
    const store = Store.open(tmp.dir);
    const rec = store.startObservation({ mode: 'raw', config: config({ inputs: 1, channels: 16, mode: 'autos' }) });
    const file = store.rawRecordingPath(rec.id, 'iq');
    store.addRawRecording({ observationId: rec.id, path: file.relative, datatype: 'cu8', sampleRate: 1e6, frequency: 1e8, numChannels: 1, start: rec.start, meta: { samples: 0 } });
    writeFileSync(file.absolute.replace(/data$/, 'meta'), '{}');
    // As if its process had died: another pid, gone.
    store.db.prepare('UPDATE observations SET recorder_pid = ? WHERE id = ?').run(dead, rec.id);
    store.close();
    const again = Store.open(tmp.dir);
    expect(again.getObservation(rec.id)).toMatchObject({ status: 'interrupted' });
    expect(again.rawRecordings(rec.id)).toEqual([]);
    expect(existsSync(file.absolute.replace(/data$/, 'meta'))).toBe(false);
    again.close();
  });

  it('an export to a folder outside the data folder removes what a killed export to the same output left beside it', () => {
    const store = Store.open(join(tmp.dir, 'data'));
    const c = config({ inputs: 1, channels: 16, mode: 'autos' });
    const rec = store.startObservation({ mode: 'spectrum', config: c });
    rec.append(integration(c, 0));
    rec.complete();
    const out = join(tmp.dir, 'x.csv');
    const left = [`.${dead}.partial.x.csv`, `.${dead}.partial.x.csv.${dead}.partial`].map((n) => join(tmp.dir, n));
    for (const f of left) writeFileSync(f, 'half');
    writeFileSync(join(tmp.dir, `.${dead}.partial.other.csv`), 'not ours');
    exportObservation(store, rec.id, 'csv', out);
    expect(left.filter((f) => existsSync(f))).toEqual([]);
    expect(existsSync(join(tmp.dir, `.${dead}.partial.other.csv`))).toBe(true);
    expect(readFileSync(out, 'utf8')).toMatch(/^utc,unix_s,/); // the header first: issue 17 dropped the # lines for pandas
    store.close();
  });

  it('a CSV\'s metadata sidecar is finished with its recorded CSV after a kill, and removed with an unrecorded one', () => {
    const store = Store.open(tmp.dir);
    const c = config({ inputs: 1, channels: 16, mode: 'autos' });
    const rec = store.startObservation({ mode: 'spectrum', config: c });
    rec.append(integration(c, 0));
    rec.complete();
    const exports = join(tmp.dir, 'exports');
    mkdirSync(exports, { recursive: true });
    writeFileSync(join(exports, `.${dead}.partial.done.csv`), 'utc\n');
    writeFileSync(join(exports, `.${dead}.partial.done.csv-metadata.json`), '{}');
    store.addExport({ observationId: rec.id, format: 'csv', path: join(exports, 'done.csv'), bytes: 4, sha256: 'x', created: 1 });
    writeFileSync(join(exports, `.${dead}.partial.half.csv-metadata.json`), '{');
    const did = tidyTemporaries(store.db, tmp.dir, () => false);
    expect(did.finished.sort()).toEqual([join(exports, 'done.csv'), join(exports, 'done.csv-metadata.json')]);
    expect(did.removed).toEqual([join(exports, `.${dead}.partial.half.csv-metadata.json`)]);
    // Beside an output outside the data folder: a killed export's sidecar goes with its CSV.
    const out = join(tmp.dir, 'y.csv');
    writeFileSync(join(tmp.dir, `.${dead}.partial.y.csv-metadata.json`), '{');
    exportObservation(store, rec.id, 'csv', out);
    expect(existsSync(join(tmp.dir, `.${dead}.partial.y.csv-metadata.json`))).toBe(false);
    expect(existsSync(`${out}-metadata.json`)).toBe(true);
    store.close();
  });
});

