import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkOutputPath, realPath, sigmfPair } from '../../observations/output-path.ts';
import { Store } from '../../observations/store/store.ts';
import { fringe, fringeBin } from '../src/cli/commands/run-fringe.ts';
import { config, integration, tempDir } from './fixtures.ts';

let tmp: ReturnType<typeof tempDir>;
let data: string;
beforeEach(() => {
  tmp = tempDir();
  data = join(tmp.dir, 'data');
  const store = Store.open(data);
  const c = config({ inputs: 1, channels: 16, mode: 'autos' });
  const rec = store.startObservation({ mode: 'spectrum', target: 'Sun', config: c, start: 1_735_732_800 });
  for (let i = 0; i < 3; i++) rec.append(integration(c, i));
  rec.complete();
  store.close();
});
afterEach(() => tmp.cleanup());

describe('checkOutputPath', () => {
  it('refuses the store, its journals, recordings, settings and credentials, however the path is spelt', () => {
    mkdirSync(join(tmp.dir, 'elsewhere'));
    symlinkSync(data, join(tmp.dir, 'link'));
    const bad = [
      join(data, 'fringe.db'), join(data, 'fringe.db-wal'), join(data, 'fringe.db-shm'),
      join(tmp.dir, 'link', 'fringe.db'), join(tmp.dir, 'elsewhere', '..', 'data', 'fringe.db'),
      relative(process.cwd(), join(data, 'fringe.db')),
      join(data, 'recordings', 'observation-1-iq.sigmf-meta'), join(data, 'recordings', 'new', 'x.fits'),
      join(data, 'targets.json'), join(data, 'station.json'), data,
    ];
    for (const out of bad) expect(() => checkOutputPath(out, { dataDir: data }), out).toThrow(/refusing to write .*Choose another output path/);
    for (const ok of [join(data, 'exports', 'a.fits'), join(tmp.dir, 'elsewhere', 'fringe.db'), join(data, 'fringe.db.fits')]) {
      expect(() => checkOutputPath(ok, { dataDir: data }), ok).not.toThrow();
    }
  });

  it('refuses an input of the same command, a SigMF pair counting as one', () => {
    const input = join(tmp.dir, 'x.sigmf-meta');
    expect(sigmfPair(input)).toEqual([input, join(tmp.dir, 'x.sigmf-data')]);
    expect(() => checkOutputPath(join(tmp.dir, 'x.sigmf-meta'), { inputs: [input] })).toThrow(/an input of this command/);
    expect(() => checkOutputPath(join(tmp.dir, 'x.sigmf-data'), { inputs: [input] })).toThrow(/an input of this command/);
    expect(() => checkOutputPath(join(tmp.dir, 'y.sigmf-meta'), { inputs: [join(tmp.dir, 'x.sigmf-data')] })).not.toThrow();
    symlinkSync(tmp.dir, join(tmp.dir, 'same'));
    expect(() => checkOutputPath(join(tmp.dir, 'same', 'x.sigmf-data'), { inputs: [input] })).toThrow(/an input/);
    expect(realPath(join(tmp.dir, 'same', 'no', 'such', 'file'))).toBe(join(realPath(tmp.dir), 'no', 'such', 'file'));
  });
});

describe('outputs that would destroy data', () => {
  it('fringe export ID --out DATA_DIR/fringe.db is refused (exit 2) and the observations stay', async () => {
    const before = readFileSync(join(data, 'fringe.db'));
    for (const out of [join(data, 'fringe.db'), join(data, 'fringe.db-wal'), join(data, 'recordings', 'x.csv')]) {
      const r = await fringe(['export', '1', '--format', 'csv', '--out', out, '--db', data]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/refusing to write .*(database|raw recordings)/);
    }
    expect(readFileSync(join(data, 'fringe.db')).equals(before)).toBe(true);
    const store = Store.open(data);
    expect(store.listObservations().map((o) => o.integrations)).toEqual([3]);
    store.close();
    const ok = await fringe(['export', '1', '--format', 'csv', '--out', join(tmp.dir, 'ok.csv'), '--db', data]);
    expect(ok.code, ok.stderr).toBe(0);
  });

  it('fringe record --source file:X.sigmf-meta --out X.sigmf-meta is refused (exit 2) and its input stays whole', async () => {
    const made = await fringe(['record', '--source', 'sim', '--fast', '--seconds', '0.05', '--rate', '1.024M', '--out', join(tmp.dir, 'x.sigmf-meta')], { FRINGE_DATA_DIR: data });
    expect(made.code, made.stderr).toBe(0);
    const size = statSync(join(tmp.dir, 'x.sigmf-data')).size;
    expect(size).toBeGreaterThan(0);
    for (const out of ['x.sigmf-meta', './x.sigmf-meta', join('..', relative(join(tmp.dir, '..'), tmp.dir), 'x.sigmf-meta')]) {
      const r = await fringeIn(tmp.dir, ['record', '--source', 'file:x.sigmf-meta', '--fast', '--seconds', '1', '--out', out]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/refusing to write .*an input of this command/);
    }
    // Its data file is the same recording: refused too.
    const d = await fringeIn(tmp.dir, ['record', '--source', 'file:x.sigmf-data', '--fast', '--seconds', '1', '--out', 'x.sigmf-meta']);
    expect(d.code).toBe(2);
    expect(statSync(join(tmp.dir, 'x.sigmf-data')).size).toBe(size);
    const r = await fringe(['record', '--source', 'sim', '--seconds', '1', '--out', join(data, 'recordings', 'y.sigmf-meta')], { FRINGE_DATA_DIR: data });
    expect(r.code).toBe(2);
    expect(existsSync(join(data, 'recordings', 'y.sigmf-data'))).toBe(false);
  });
});

/** Runs `fringe` with `cwd` as its working directory (relative paths). */
function fringeIn(cwd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [fringeBin, ...args], { cwd, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}
