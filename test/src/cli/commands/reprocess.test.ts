import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fringeBin } from './run-fringe.ts';

const dir = mkdtempSync(join(tmpdir(), 'fringe-reprocess-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fringe = (...args: string[]) => execFileSync(process.execPath, [fringeBin, ...args, '--db', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('fringe observe --mode raw, then fringe reprocess', () => {
  it('records raw IQ and reprocesses it with other settings, printing JSON ids', () => {
    expect(JSON.parse(fringe('observe', '--mode', 'raw', '--seconds', '1', '--fast', '--json'))).toEqual({ id: 1, integrations: 0, status: 'complete' });
    expect(JSON.parse(fringe('reprocess', '1', '--channels', '512', '--integration', '0.5', '--backend', 'cpu', '--json'))).toEqual({ id: 2, integrations: 2, status: 'complete' });
  });

  it('exits 2 naming what is wrong', () => {
    for (const [args, message] of [
      [['reprocess'], /give one observation ID/],
      [['reprocess', '1', '--channels', '300'], /--channels must be a power of two \(got '300'\)/],
      [['observe', '--mode', 'voltage'], /--mode must be spectrum, totalpower or raw/],
    ] as const) {
      let status = 0, stderr = '';
      try {
        fringe(...args);
      } catch (err) {
        ({ status, stderr } = err as { status: number; stderr: string });
      }
      expect(status).toBe(2);
      expect(stderr).toMatch(message);
    }
  });
});
