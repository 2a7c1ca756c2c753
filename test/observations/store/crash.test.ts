import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../../observations/store/store.ts';
import { config, expectedRe, integration, tempDir } from '../fixtures.ts';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => { tmp = tempDir(); });
afterEach(() => tmp.cleanup());

const child = new URL('./recorder-child.ts', import.meta.url).pathname;

/** Runs the recorder child; `onLine` returns true to SIGKILL it. Resolves with every line it printed. */
function runChild(args: string[], onLine: (line: string) => boolean): Promise<{ lines: string[]; signal: NodeJS.Signals | null; code: number | null }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines: string[] = [];
    createInterface({ input: p.stdout }).on('line', (line) => {
      lines.push(line);
      if (onLine(line)) p.kill('SIGKILL');
    });
    p.on('error', reject);
    p.on('close', (code, signal) => resolve({ lines, signal, code }));
  });
}

function checkContiguous(store: Store, id: number, n: number): void {
  const back = store.readIntegrations(id);
  expect(back.map((x) => x.index)).toEqual(Array.from({ length: n }, (_, i) => i));
  for (const it of back) {
    expect(it.visibilities.length).toBe(3 * 64 * 2);
    expect(it.visibilities[2 * 100]).toBe(expectedRe(it.index, 100));
  }
}

describe('crash safety', () => {
  it('a recorder killed with SIGKILL mid-recording loses at most the integration in flight', async () => {
    let reported = 0;
    let whileRunning: { status: string; integrations: number } | null = null;
    const { signal } = await runChild([tmp.dir], (line) => {
      const m = /^committed (\d+)$/.exec(line);
      if (m) reported = Number(m[1]);
      if (reported === 20 && !whileRunning) {
        // Another process opening the store meanwhile must leave the live recording alone (WAL: readers do not block it).
        const reader = Store.open(tmp.dir);
        whileRunning = reader.listObservations()[0]!;
        reader.close();
      }
      return reported === 40;
    });
    expect(whileRunning).toMatchObject({ status: 'recording' });
    expect(whileRunning!.integrations).toBeGreaterThanOrEqual(20);
    expect(signal).toBe('SIGKILL');
    const store = Store.open(tmp.dir);
    const [obs] = store.listObservations();
    expect(obs!.status).toBe('interrupted');
    expect(obs!.interruptedReason).toMatch(/crash or kill/);
    // Everything it said it committed is there (it may have committed a few more before the signal landed).
    expect(obs!.integrations).toBeGreaterThanOrEqual(40);
    checkContiguous(store, obs!.id, obs!.integrations);
    const last = store.readIntegrations(obs!.id).at(-1)!;
    expect(obs!.end).toBeCloseTo(last.time + last.duration, 9);
    store.close();
  });

  it('a full disk (a capped database) stops the recording with a clear error and keeps what was written', async () => {
    const { lines, code } = await runChild([tmp.dir, '60'], () => false);
    expect(code).toBe(0);
    const error = lines.find((l) => l.startsWith('error'));
    expect(error).toMatch(/^error disk-full: storing integration \d+ of observation 1: the disk or the database size cap is full/);
    const committed = lines.filter((l) => l.startsWith('committed')).length;
    expect(committed).toBeGreaterThan(5);
    const store = Store.open(tmp.dir);
    const obs = store.getObservation(1);
    expect(obs.status).toBe('interrupted');
    expect(obs.interruptedReason).toMatch(/full/);
    expect(obs.integrations).toBe(committed);
    checkContiguous(store, 1, committed);
    store.close();
  });

  it('a read-only database refuses to start a recording with a clear error and keeps its data', () => {
    const store = Store.open(tmp.dir);
    const c = config();
    const rec = store.startObservation({ mode: 'spectrum', config: c, start: 5 });
    rec.complete();
    store.close();
    const ro = Store.open(tmp.dir, { readonly: true });
    expect(() => ro.startObservation({ mode: 'spectrum', config: c })).toThrow(expect.objectContaining({ kind: 'read-only', message: expect.stringMatching(/read-only/) }));
    expect(ro.listObservations()).toHaveLength(1);
    ro.close();
  });

  it('a database that turns read-only mid-recording stops it with a clear error and keeps what was written', () => {
    const store = Store.open(tmp.dir);
    const c = config();
    const rec = store.startObservation({ mode: 'spectrum', config: c, start: 5 });
    rec.append(integration(c, 0));
    rec.append(integration(c, 1));
    store.db.pragma('query_only = 1'); // every write now fails with SQLITE_READONLY
    expect(() => rec.append(integration(c, 2))).toThrow(expect.objectContaining({ kind: 'read-only', message: expect.stringMatching(/storing integration 2 .*read-only/) }));
    expect(rec.active).toBe(false);
    expect(() => rec.append(integration(c, 3))).toThrow(expect.objectContaining({ kind: 'state', message: expect.stringMatching(/stopped recording/) }));
    store.close();
    // Its status could not be written either; the next open sees no live recorder and marks it interrupted.
    const again = Store.open(tmp.dir);
    expect(again.getObservation(rec.id)).toMatchObject({ status: 'interrupted', integrations: 2 });
    expect(again.readIntegrations(rec.id).map((x) => x.index)).toEqual([0, 1]);
    again.close();
  });
});
