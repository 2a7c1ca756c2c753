/** `fringe hi` and `fringe import` of HI formats: the command lines (pure parse) and runs against real files. */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from '../../../../src/cli/commands/hi.ts';
import { parse as parseImport } from '../../../../src/cli/commands/import.ts';
import { UsageError } from '../../../../src/cli/command.ts';
import { fringe } from './run-fringe.ts';

const bharat = (l: string) => fileURLToPath(new URL(`../../../../../shared/data/real/hi-bharat-horn-rtlsdr/${l}.csv`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'fringe-hi-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fringe hi: parse', () => {
  it('reads one observation with references, masks and options', () => {
    const a = parse(['12', '--reference', '3', '--reference', '4', '--mask', '-12.5:-8', '--line-free', '100:200', '--smooth', '3', '--order', '2', '--t-hot', '290', '--json']);
    expect(a).toMatchObject({ survey: false, ids: [12], references: [3, 4], mask: [[-12.5, -8]], lineFree: [[100, 200]], smooth: 3, order: 2, tHot: 290, json: true });
  });
  it('reads a survey of several observations', () => {
    expect(parse(['survey', '1', '2', '3', '--out', '/tmp/x'])).toMatchObject({ survey: true, ids: [1, 2, 3], out: '/tmp/x' });
  });
  it.each([
    [[], /give one observation ID/],
    [['survey'], /give the observations of the survey/],
    [['1', '2'], /fringe hi survey/],
    [['1', '--mask', '5:1'], /--mask must be LO:HI/],
    [['1', '--order', '9'], /--order must be a whole number from 0 to 5/],
    [['1', '--reference', '1'], /its own reference/],
    [['1', '--t-hot', '5', '--t-cold', '10'], /must be above --t-cold/],
    [['x'], /observation/],
  ])('%j is a usage error', (argv, message) => {
    expect(() => parse(argv as string[])).toThrow(UsageError);
    expect(() => parse(argv as string[])).toThrow(message);
  });
});

describe('fringe import: the HI options', () => {
  it('reads one pointing, the time, axis, frame, unit and role', () => {
    expect(parseImport(['a.csv', '--l', '30', '--b', '0', '--axis', 'velocity', '--frame', 'lsr', '--unit', 'K', '--role', 'sky'])).toMatchObject({ pointing: { l: 30, b: 0 }, axis: 'velocity', frame: 'lsr', kelvin: true, role: 'sky' });
    expect(parseImport(['a.csv', '--ra', '18', '--dec', '-2', '--time', '2022-01-09T01:32:49Z'])).toMatchObject({ pointing: { ra: 270, dec: -2 }, time: Date.parse('2022-01-09T01:32:49Z') / 1000 });
    expect(parseImport(['a.dat', '--az', '46', '--el', '71', '--join'])).toMatchObject({ pointing: { az: 46, el: 71 }, join: true });
  });
  it.each([
    [['a', '--az', '10'], /--az and --el go together/],
    [['a', '--az', '10', '--el', '5', '--l', '3', '--b', '0'], /give one pointing/],
    [['a', '--ra', '25', '--dec', '0'], /--ra must be from 0 to under 24 hours/],
    [['a', '--time', 'yesterday'], /--time must be a UTC time/],
    [['a', '--axis', 'wavelength'], /--axis must be frequency or velocity/],
    [['a', '--role', 'sun'], /--role must be sky or hot or cold or reference/],
  ])('%j is a usage error', (argv, message) => {
    expect(() => parseImport(argv as string[])).toThrow(message);
  });
});

describe('fringe import + fringe hi on the BHARAT files', () => {
  const db = join(dir, 'db');
  const ids: number[] = [];
  it('imports with --l/--b and reduces: the JSON has the issue\'s fields', async () => {
    for (const l of ['020', '040', '060']) {
      const r = await fringe(['import', bharat(l), '--l', String(Number(l)), '--b', '0', '--json', '--db', db]);
      expect(r.code, r.stderr).toBe(0);
      ids.push(...(JSON.parse(r.stdout) as number[]));
    }
    const r = await fringe(['hi', String(ids[0]), '--json', '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ frame: 'lsr', lsr_correction_kms: 0, unit: 'K' });
    expect(s.components.length).toBeGreaterThan(0);
    for (const c of s.components) expect(Object.keys(c)).toEqual(expect.arrayContaining(['v_lsr_kms', 'peak', 'fwhm_kms']));
    const peaks = s.components.map((c: { peak: number }) => c.peak);
    expect(peaks).toEqual([...peaks].sort((a: number, b: number) => b - a));
    expect(s.velocity_range_kms).toHaveLength(2);
    expect(s.velocity_range_kms[0]).toBeLessThan(0);
    expect(s.velocity_range_kms[1]).toBeGreaterThan(100); // l = 20°: terminal velocity ≈ 140 km/s
    const csv = join(dir, 'spectrum.csv');
    expect((await fringe(['hi', String(ids[0]), '--out', csv, '--db', db])).code).toBe(0);
    const text = readFileSync(csv, 'utf8');
    expect(text).toMatch(/# velocity frame: LSR/);
    expect(text.split('\n').find((l) => !l.startsWith('#'))).toBe('v_lsr_kms,t_k,t_k_unsmoothed');
  }, 120_000);
  it('survey writes both images and gives points with l_deg, terminal_velocity_kms, r_kpc, v_kms', async () => {
    const out = join(dir, 'img');
    await import('node:fs').then((fs) => fs.mkdirSync(out, { recursive: true }));
    const r = await fringe(['hi', 'survey', ...ids.map(String), '--out', out, '--json', '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.points.map((p: { l_deg: number }) => p.l_deg)).toEqual([20, 40, 60]);
    for (const p of s.points) {
      expect(Object.keys(p)).toEqual(expect.arrayContaining(['l_deg', 'terminal_velocity_kms', 'r_kpc', 'v_kms']));
      expect(p.r_kpc).toBeCloseTo(8.5 * Math.sin((p.l_deg * Math.PI) / 180), 1);
    }
    expect(readFileSync(join(out, 'lv-diagram.svg'), 'utf8')).toMatch(/^<svg/);
    expect(existsSync(join(out, 'rotation-curve.svg'))).toBe(true);
  }, 120_000);
  it('an observation that cannot be corrected to the LSR fails (exit 1) and says what to give', async () => {
    const f = join(dir, 'topo.csv');
    writeFileSync(f, 'freq_MHz,power\n' + Array.from({ length: 256 }, (_, i) => `${(1419.5 + i * 0.0078125).toFixed(7)},${1 + Math.exp(-(((i - 128) / 10) ** 2))}`).join('\n'));
    const imp = await fringe(['import', f, '--l', '30', '--b', '0', '--json', '--db', db]);
    expect(imp.code, imp.stderr).toBe(0);
    const r = await fringe(['hi', String(JSON.parse(imp.stdout)[0]), '--db', db]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot be corrected to the LSR: import it with --site and --time/);
    expect((await fringe(['hi', '999', '--db', db])).code).toBe(2);
  }, 120_000);
});
