import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from '../../../../src/cli/commands/schedule.ts';
import { fringe } from './run-fringe.ts';

const dir = mkdtempSync(join(tmpdir(), 'fringe-cli-schedule-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fringe schedule', () => {
  it('add prints the id; list --json has id, state and observation; plan and remove; an overlap fails with 1', async () => {
    const add = await fringe(['schedule', 'add', '--mode', 'drift', '--source', 'sim', '--target', 'sun', '--start', 'transit:sun', '--duration', '1800', '--repeat', 'daily', '--db', dir]);
    expect(add, add.stderr).toMatchObject({ code: 0, stdout: '1\n' });
    const second = await fringe(['schedule', 'add', '--mode', 'spectrum', '--start', 'in:7200', '--duration', '600', '--json', '--db', dir]);
    expect(JSON.parse(second.stdout)).toMatchObject({ id: 2, state: 'pending', observation: [] });
    const clash = await fringe(['schedule', 'add', '--mode', 'spectrum', '--start', 'in:7300', '--duration', '60', '--db', dir]);
    expect(clash.code).toBe(1);
    expect(clash.stderr).toMatch(/overlaps job 2/);
    const list = JSON.parse((await fringe(['schedule', 'list', '--json', '--db', dir])).stdout) as { id: number; state: string; observation: number[] }[];
    // By planned start: job 2 (in two hours) before or after the next solar transit.
    expect(list.map((j) => j.id).sort()).toEqual([1, 2]);
    for (const j of list) expect([j.state, j.observation]).toEqual(['pending', []]);
    const plan = JSON.parse((await fringe(['schedule', 'plan', '--json', '--db', dir])).stdout) as { tracks: { target: string }[] };
    expect(plan.tracks.map((t) => t.target)).toContain('sun');
    expect((await fringe(['schedule', 'remove', '2', '--db', dir])).code).toBe(0);
    expect((JSON.parse((await fringe(['schedule', 'list', '--json', '--db', dir])).stdout) as unknown[]).length).toBe(1);
    expect((await fringe(['schedule', 'remove', '2', '--db', dir])).code).toBe(1);
  }, 120_000);

  it('imports a Haystack SRT command file into jobs', async () => {
    const file = join(dir, 'plane.cmd');
    writeFileSync(file, ': record\n: galactic 30 0\n:300\n: galactic 35 0\n:300\n: roff\n');
    const r = await fringe(['schedule', 'import', file, '--start', 'in:86400', '--json', '--db', dir]);
    expect(r.code, r.stderr).toBe(0);
    const jobs = JSON.parse(r.stdout) as { spec: { target: string; duration: number } }[];
    expect(jobs.map((j) => [j.spec.target, j.spec.duration])).toEqual([['gal:30,0', 300], ['gal:35,0', 300]]);
  }, 60_000);

  it('a plane survey: gal:L1..L2/STEP is one job per point, back to back', async () => {
    const r = await fringe(['schedule', 'add', '--mode', 'spectrum', '--target', 'gal:30..90/20', '--start', 'in:172800', '--duration', '900', '--json', '--db', dir]);
    expect(r.code, r.stderr).toBe(0);
    const jobs = JSON.parse(r.stdout) as { spec: { target: string }; plannedStart: string; plannedEnd: string }[];
    expect(jobs.map((j) => j.spec.target)).toEqual(['gal:30,0', 'gal:50,0', 'gal:70,0', 'gal:90,0']);
    for (let i = 1; i < jobs.length; i++) expect(jobs[i]!.plannedStart).toBe(jobs[i - 1]!.plannedEnd);
  }, 60_000);

  it('a wrong command line is a UsageError naming the option', () => {
    expect(() => parse(['add', '--mode', 'nap', '--start', 'in:1', '--duration', '1'])).toThrow(/--mode must be spectrum, totalpower, raw, drift/);
    expect(() => parse(['add', '--mode', 'raw', '--start', 'tomorrow', '--duration', '1'])).toThrow(/--start must be an ISO 8601 time/);
    expect(() => parse(['add', '--mode', 'raw', '--start', 'in:1'])).toThrow(/needs --duration/);
    expect(() => parse(['add', '--mode', 'raw', '--start', 'in:1', '--duration', '1', '--repeat', 'weekly'])).toThrow(/--repeat must be none, daily, transit/);
    expect(() => parse(['remove'])).toThrow(/needs a job ID/);
    expect(() => parse(['fly'])).toThrow(/give one of add, list/);
  });
});
