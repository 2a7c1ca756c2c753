/** `fringe import` of strip charts, `fringe baseline` and `fringe size`: parsing, and the real Berkeley fringes through the bin. */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseBaseline } from '../../../../src/cli/commands/baseline.ts';
import { parse as parseImport } from '../../../../src/cli/commands/import.ts';
import { parse as parseSize } from '../../../../src/cli/commands/size.ts';
import { UsageError } from '../../../../src/cli/command.ts';
import { tempDir } from '../../../observations/fixtures.ts';
import { fringe } from './run-fringe.ts';

describe('fringe baseline / size / import: the command lines', () => {
  it('reads the observation, the phase centre and the options', () => {
    expect(parseBaseline(['12', '--target', 'sun', '--json'])).toMatchObject({ observation: 12, centre: { kind: 'sun' }, json: true, window: 300 });
    expect(parseBaseline(['3', '--ra', '5.5755', '--dec', '22.0145'])).toMatchObject({ centre: { kind: 'radec', ra: 5.5755, dec: 22.0145 } });
    expect(parseSize(['3', '--baseline-m', '10', '--window', '120'])).toMatchObject({ baselineM: 10, window: 120, centre: null });
    expect(parseImport(['a.csv', '--freq', '10.67G', '--target', '3C144', '--site', '37.87,-122.26'])).toMatchObject({ freq: 10.67e9, target: { name: '3C144' } });
  });

  it('says what is wrong with a command line', () => {
    const bad = (f: () => unknown, re: RegExp) => {
      expect(f).toThrow(UsageError);
      expect(f).toThrow(re);
    };
    bad(() => parseBaseline([]), /one observation ID/);
    bad(() => parseBaseline(['1', '--ra', '5']), /--ra and --dec together/);
    bad(() => parseBaseline(['1', '--ra', '5', '--dec', '2', '--target', 'sun']), /not both/);
    bad(() => parseBaseline(['1', '--ra', '25', '--dec', '2']), /--ra .*24 hours/);
    bad(() => parseBaseline(['1', '--baseline-m', '10']), /baseline-m/);
    bad(() => parseSize(['1', '--baseline-m', '-3']), /--baseline-m/);
    bad(() => parseImport(['a.csv', '--freq', '0.5']), /--freq/);
  });
});

const real = '../shared/data/real/interferometer-berkeley-10ghz';
const berkeleySite = `${37 + 52 / 60 + 23.5 / 3600},${-(122 + 15 / 60 + 26.3 / 3600)},100`;

describe.skipIf(!existsSync(real))('the Berkeley strip charts through fringe import, baseline and size', () => {
  let tmp: ReturnType<typeof tempDir>;
  let db: string;
  const ids: Record<string, number> = {};
  beforeAll(async () => {
    tmp = tempDir('fringe-fringes-');
    db = join(tmp.dir, 'db');
    for (const [name, target] of [['3C144-4_3_2014-23', '3C144'], ['sun-4_3_2014-22', 'sun']] as const) {
      const csv = join(tmp.dir, `${name}.csv`);
      execFileSync('/usr/bin/python3', ['test/helpers/berkeley_csv.py', `${real}/${name}.npz`, `${real}/${name}-log.gz`, csv]);
      const r = await fringe(['import', csv, '--site', berkeleySite, '--freq', '10.67G', '--target', target, '--db', db]);
      expect(r.stderr).toMatch(/stored as a real-valued fringe/);
      expect(r.code).toBe(0);
      ids[target] = Number(r.stdout.trim());
    }
  }, 120_000);
  afterAll(() => tmp?.cleanup());

  it('refuses a strip chart without its frequency, saying what to give', async () => {
    const csv = join(tmp.dir, '3C144-4_3_2014-23.csv');
    const r = await fringe(['import', csv, '--site', berkeleySite, '--target', '3C144', '--db', db]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--freq HZ/);
  });

  it('fringe baseline: the east–west baseline from 3C144, ≈ 10 m with a centimetre uncertainty', async () => {
    const r = await fringe(['baseline', String(ids['3C144']), '--json', '--db', db]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    const b = out.baselines[0];
    console.log(`3C144 via the CLI: ${JSON.stringify(b)}`);
    expect(Object.keys(b)).toEqual(expect.arrayContaining(['a', 'b', 'east_m', 'north_m', 'up_m', 'length_m', 'length_err_m', 'phase_deg']));
    expect(b.east_m).toBeGreaterThan(9.9);
    expect(b.east_m).toBeLessThan(10.1);
    expect(b.length_err_m).toBeLessThan(0.05);
    expect(out.closure_phases_deg).toEqual([]);
  }, 120_000);

  it('fringe size: the sun’s envelope null is located, and the verdict says the amplitude cannot fix the diameter', async () => {
    const r = await fringe(['size', String(ids.sun), '--baseline-m', '10.0', '--json', '--db', db]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    console.log(`sun via the CLI: ${out.verdict}; nulls ${JSON.stringify(out.nulls)}`);
    expect(out.diameter_deg).toBeNull();
    expect(out.verdict).toMatch(/cannot decide/);
    expect(out.nulls.some((n: { hour_angle_h: number; q_lambda: number }) => n.hour_angle_h > 2.9 && n.hour_angle_h < 3.4 && Math.abs(n.q_lambda - 243) < 10)).toBe(true);
  }, 120_000);
});
