/**
 * Crash consistency: `fringe` killed with SIGKILL at 20 seeded random
 * moments, during raw, spectrum and group recordings (`fringe observe` on the
 * simulator), an export and an upload (to a loopback HTTP server). After each
 * kill: the store opens; no observation is left `recording`; every
 * observation's integrations are contiguous and export whole, and every raw
 * recording exports; every file in the data folder is referenced by the
 * store or one it knows; no partial export sits at an export's output path.
 * At the end the upload queue drains with nothing stored twice at the target.
 *
 * The seed is FRINGE_CRASH_SEED (default below); the figures (which phase
 * each kill landed in, what it left) are printed. The kill moments are the
 * point of the test, so they are random delays; every other wait is for an
 * event.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportCsv } from '../../../observations/export/csv.ts';
import { exportSigmf } from '../../../observations/export/sigmf.ts';
import { dataFiles } from '../../../observations/paths.ts';
import { Store } from '../../../observations/store/store.ts';
import { FtpTransport } from '../../../observations/upload/ftp.ts';
import { HttpTransport } from '../../../observations/upload/http.ts';
import { UploadQueue } from '../../../observations/upload/queue.ts';
import { TargetStore } from '../../../observations/upload/targets.ts';
import { startFringe, until } from '../../helpers/kill.ts';
import { config, integration, tempDir } from '../../observations/fixtures.ts';
import { UploadServer } from '../../observations/upload/http-server.ts';

const seed = Number(process.env.FRINGE_CRASH_SEED ?? 20261203);
const kills = 20;

/** mulberry32: a small seeded generator, uniform in [0, 1). */
function random(s: number): () => number {
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Kind = 'raw' | 'spectrum' | 'group' | 'export' | 'upload';
const kinds: Kind[] = ['raw', 'spectrum', 'group', 'export', 'upload'];
/**
 * When each kill lands: a quarter of them at a random moment after the child
 * starts (its start-up), the rest at a random moment after its work began
 * (the observation created, the export's first bytes, the upload's job):
 * ranges in s.
 */
const fromSpawn: [number, number] = [0.2, 2];
const fromWork: Record<Kind, [number, number]> = { raw: [0, 1.5], spectrum: [0, 2], group: [0, 2], export: [0, 0.25], upload: [0, 1] };

/**
 * How far an export or upload child is, 0 … 1, from its progress lines (the
 * CLI prints every tenth): an upload exports in its first half and sends in
 * its second.
 */
function progressOf(kind: 'export' | 'upload', stderr: string): number {
  let p = 0;
  for (const m of stderr.matchAll(/^(exporting|uploading) .*?(\d+) %/gm)) {
    const f = Number(m[2]) / 100;
    p = kind === 'export' ? f : m[1] === 'exporting' ? f / 2 : 0.5 + f / 2;
  }
  return p;
}

const scenario = new URL('../../../devices/sim/scenarios/interferometer.json', import.meta.url).pathname;
const sha256 = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex');

let tmp: ReturnType<typeof tempDir>;
let db: string;
let outDir: string;
let server: UploadServer;
let spectrumId = 0;
let rawId = 0;
const figures: { kind: Kind; at: number; early: boolean; phase: string; left: string }[] = [];

beforeAll(async () => {
  tmp = tempDir('fringe-crash-');
  db = join(tmp.dir, 'data');
  outDir = join(tmp.dir, 'out');
  mkdirSync(outDir);
  server = await new UploadServer().start();
  server.delayMs = 400; // stored, then answered later: kills land between the two too
  const store = Store.open(db);
  store.db.pragma('synchronous = OFF'); // set-up only: the sources of the exports
  const c = config({ inputs: 1, channels: 4096, mode: 'autos' });
  const spec = store.startObservation({ mode: 'spectrum', target: 'Sun', config: c, start: 1_790_000_000 });
  for (let i = 0; i < 150; i++) spec.append(integration(c, i));
  spec.complete();
  spectrumId = spec.id;
  const raw = store.startObservation({ mode: 'raw', target: 'Sun', config: config({ inputs: 1, channels: 1024, mode: 'autos' }), start: 1_790_000_100 });
  const file = store.rawRecordingPath(raw.id, 'iq');
  const samples = 3 << 20;
  writeFileSync(file.absolute, Buffer.alloc(2 * samples, 0x7f));
  writeFileSync(file.absolute.replace(/data$/, 'meta'), JSON.stringify({ global: { 'core:datatype': 'cu8', 'core:version': '1.2.5', 'core:sample_rate': 2.048e6 }, captures: [{ 'core:sample_start': 0 }], annotations: [] }));
  store.addRawRecording({ observationId: raw.id, path: file.relative, datatype: 'cu8', sampleRate: 2.048e6, frequency: 1420.4e6, numChannels: 1, start: 1_790_000_100, meta: { samples } });
  raw.complete(1_790_000_100 + samples / 2.048e6);
  rawId = raw.id;
  store.close();
  new TargetStore(db).add({ name: 'archive', kind: 'http', url: `${server.url}/in/`, method: 'PUT', token: server.token });
});

afterAll(async () => {
  await server?.stop();
  tmp?.cleanup();
});

/** What the child is asked to do for kill number `k` of `kind`. */
function command(kind: Kind, k: number): { args: string[]; out?: string } {
  const observe = ['observe', '--seconds', '60', '--rate', '1024000', '--channels', '256', '--integration', '0.1', '--backend', 'cpu', '--db', db];
  switch (kind) {
    case 'raw': return { args: [...observe, '--mode', 'raw', '--source', 'sim'] };
    case 'spectrum': return { args: [...observe, '--source', 'sim'] };
    case 'group': return { args: [...observe, '--source', 'group:sim:0,sim:1,sim:2', '--scenario', scenario] };
    case 'export': {
      const out = join(outDir, k % 2 ? `spectrum-${k}.fits` : `raw-${k}.sigmf`);
      return { args: ['export', String(k % 2 ? spectrumId : rawId), '--format', k % 2 ? 'fits' : 'sigmf', '--out', out, '--db', db], out };
    }
    case 'upload': return { args: ['upload', String(spectrumId), '--target', 'archive', '--format', ['csv', 'fits', 'spd'][k % 3]!, '--db', db] };
  }
}

/** Every file in the data folder the store does not reference and does not know: orphans. */
function orphans(store: Store): string[] {
  const known = new Set([dataFiles.database, `${dataFiles.database}-wal`, `${dataFiles.database}-shm`, dataFiles.reserve, dataFiles.targets, dataFiles.settings, dataFiles.recordings, dataFiles.exports].map((f) => join(db, f)));
  for (const o of store.listObservations()) {
    for (const r of store.rawRecordings(o.id)) known.add(store.filePath(r.path)).add(store.filePath(r.path).replace(/data$/, 'meta'));
    for (const e of store.exports(o.id)) known.add(store.filePath(e.path));
  }
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      if (!known.has(p)) found.push(p);
    }
  };
  walk(db);
  return found;
}

/** Every integration of each observation `ids` is contiguous from 0 and in its export; every raw recording exports whole. */
function exportable(store: Store, ids: number[]): void {
  for (const id of ids) {
    const o = store.getObservation(id);
    const n = store.integrationTimes(o.id).length;
    expect(n).toBe(o.integrations);
    expect(store.readIntegrations(o.id).map((x) => x.index)).toEqual(Array.from({ length: n }, (_, i) => i));
    if (o.integrations > 0) {
      const csv = join(tmp.dir, 'check.csv');
      exportCsv(store, o.id, csv);
      expect(readFileSync(csv, 'utf8').split('\n').filter((l) => /^\d{4}-\d\d-\d\dT/.test(l)), `observation ${o.id} exports every integration`).toHaveLength(o.integrations);
    }
    for (const r of store.rawRecordings(o.id)) {
      const size = statSync(store.filePath(r.path)).size;
      expect(size % 2).toBe(0);
      expect(r.meta.samples, `observation ${o.id}'s raw sample count`).toBe(size / 2);
      expect(exportSigmf(store, o.id, join(tmp.dir, 'check.sigmf')).bytes).toBeGreaterThan(size);
    }
  }
}

/** The checks after each kill; returns what the kill left, in words. */
function check(kind: Kind, before: { observations: number[]; exports: number }, out: string | undefined, exited: boolean, pid: number): { phase: string; left: string } {
  const store = Store.open(db);
  try {
    // The jobs the kill left mid-attempt, before the queue puts them back.
    const running = (store.db.prepare("SELECT COUNT(*) AS n FROM upload_jobs WHERE state = 'running'").get() as { n: number }).n;
    const queue = new UploadQueue(store);
    const all = store.listObservations();
    expect(all.filter((o) => o.status === 'recording').map((o) => o.id), 'left recording').toEqual([]);
    exportable(store, all.filter((o) => !before.observations.includes(o.id)).map((o) => o.id));
    expect(orphans(store), 'orphaned files in the data folder').toEqual([]);
    if (out && existsSync(out)) {
      // A file at the output is a whole export, recorded with its checksum.
      const rec = store.exports(kind === 'export' && out.endsWith('.fits') ? spectrumId : rawId).find((e) => e.path === out);
      expect(rec, `${out} is at its path but not recorded`).toBeDefined();
      expect(sha256(out)).toBe(rec!.sha256);
    }
    expect(queue.jobs({ state: 'running' })).toEqual([]);

    // What the kill landed in.
    const fresh = all.filter((o) => !before.observations.includes(o.id));
    if (exited) return { phase: 'finished before the kill', left: '' };
    if (kind === 'export') {
      const partial = readdirSync(outDir).filter((n) => n.startsWith(`.${pid}.partial.`));
      if (out && existsSync(out)) return { phase: 'export renamed into place', left: 'a whole export at its path' };
      if (partial.length) return { phase: 'writing the export', left: `${partial.length} partial file beside the output (${partial.join(', ')}), nothing at it` };
      return { phase: 'starting', left: 'nothing' };
    }
    if (kind === 'upload') {
      const jobs = queue.jobs({ observationId: spectrumId });
      const exports = store.exports(spectrumId).length - before.exports;
      if (running > 0) return { phase: 'sending', left: `${running} job left running, queued again` };
      if (exports > 0) return { phase: 'exported, before or while queueing', left: `${exports} export recorded, ${jobs.filter((j) => j.state === 'done').length} jobs done so far` };
      return { phase: 'starting or exporting', left: 'nothing recorded' };
    }
    if (fresh.length === 0) return { phase: 'starting', left: 'no observation' };
    const o = fresh[0]!;
    const raw = store.rawRecordings(o.id)[0];
    if (kind === 'raw') {
      const samples = raw ? Number(raw.meta.samples) : 0;
      return { phase: samples > 0 ? 'recording' : 'opening the recording', left: `interrupted raw observation, ${samples} samples (${(samples / 1.024e6).toFixed(2)} s)` };
    }
    return { phase: o.integrations > 0 ? 'recording' : 'before the first integration', left: `interrupted observation, ${o.integrations} integrations` };
  } finally {
    store.close();
  }
}

describe('crash consistency', () => {
  it(`kill -9 at ${kills} seeded random moments (seed ${seed}) during recordings, an export and an upload: nothing lost, nothing orphaned`, async () => {
    const rnd = random(seed);
    // Four of each kind, in a seeded order.
    const plan = kinds.flatMap((k) => [k, k, k, k]).map((k) => ({ k, r: rnd() })).sort((a, b) => a.r - b.r).map((x) => x.k);
    const reader = new Database(join(db, dataFiles.database), { readonly: true });
    const counts = (): { observations: number; jobs: number } =>
      reader.prepare('SELECT (SELECT COUNT(*) FROM observations) AS observations, (SELECT COUNT(*) FROM upload_jobs) AS jobs').get() as { observations: number; jobs: number };
    for (let k = 0; k < kills; k++) {
      const kind = plan[k]!;
      const early = rnd() < 0.25;
      const [lo, hi] = early ? fromSpawn : fromWork[kind];
      const at = lo + (hi - lo) * rnd();
      const before = {
        observations: (reader.prepare('SELECT id FROM observations').all() as { id: number }[]).map((r) => r.id),
        exports: (reader.prepare('SELECT COUNT(*) AS n FROM exports WHERE observation_id = ?').get(spectrumId) as { n: number }).n,
      };
      const start = counts();
      const { args, out } = command(kind, k);
      const child = startFringe(args);
      const mine = (dir: string) => readdirSync(dir).some((n) => n.includes(`.${child.child.pid}.partial`));
      const began: Record<Kind, () => boolean> = {
        raw: () => counts().observations > start.observations,
        spectrum: () => counts().observations > start.observations,
        group: () => counts().observations > start.observations,
        export: () => mine(outDir),
        upload: () => counts().jobs > start.jobs || (existsSync(join(db, dataFiles.exports)) && mine(join(db, dataFiles.exports))),
      };
      let exited = false;
      if (!early) {
        // Wait for the work to begin (or the child to be done with it already).
        const done = child.exited.then(() => (exited = true));
        await until(() => exited || began[kind](), `${kind} to begin`, 60_000);
        void done;
      }
      if (!early && (kind === 'export' || kind === 'upload')) {
        // Exports and uploads take a fraction of a second here: the kill lands at a
        // seeded point of their own progress, so that it falls inside the work on
        // an idle machine as on a busy one.
        const done = child.exited.then(() => (exited = true));
        const point = at / fromWork[kind][1];
        await until(() => exited || progressOf(kind, child.stderr()) >= point, `${kind} to reach ${(100 * point).toFixed(0)} % of its work`, 60_000);
        void done;
      }
      // The kill moment: a random delay is the point here, not a guess at when something is ready.
      else if (!exited) exited = await Promise.race([new Promise<boolean>((r) => setTimeout(() => r(false), at * 1000)), child.exited.then(() => true)]);
      const endedFirst = exited; // read now: the exit handler above sets it once the kill lands
      const end = await child.kill();
      // A child that ended on its own between the kill moment and the signal
      // (exit 0, no signal) finished before the kill: checked as such.
      const finished = endedFirst || (end.signal === null && end.code === 0);
      if (!finished) expect(end.signal, child.stderr()).toBe('SIGKILL');
      const { phase, left } = check(kind, before, out, finished, child.child.pid!);
      figures.push({ kind, at, early, phase, left });
    }
    reader.close();
    console.log(`crash consistency, seed ${seed}:\n${figures.map((f, i) => `  ${String(i + 1).padStart(2)} ${f.kind.padEnd(8)} ${f.early ? `${f.at.toFixed(2)} s after start` : `${f.at.toFixed(2)} s into its work`}: ${f.phase}${f.left ? ` — ${f.left}` : ''}`).join('\n')}`);

    // The upload queue finishes what the kills interrupted, and nothing is stored twice at the target.
    server.delayMs = 0;
    const store = Store.open(db);
    const queue = new UploadQueue(store, { backoffBase: 0 });
    const targets = new TargetStore(db);
    await queue.drain((n) => targets.get(n), { http: new HttpTransport(), ftp: new FtpTransport() });
    exportable(store, store.listObservations().map((o) => o.id));
    expect(queue.jobs().filter((j) => j.state !== 'done')).toEqual([]);
    const keys = server.intactStores.map((s) => s.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(orphans(store)).toEqual([]);
    store.close();
    const byPhase = new Map<string, number>();
    for (const f of figures) byPhase.set(`${f.kind}: ${f.phase}`, (byPhase.get(`${f.kind}: ${f.phase}`) ?? 0) + 1);
    console.log([...byPhase].map(([p, n]) => `  ${n} × ${p}`).join('\n'));
  }, 170_000);
});
