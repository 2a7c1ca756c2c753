/** `fringe hi observe`: the command line (pure parse) and a frequency-switched run of the simulator reduced by `fringe hi`. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from '../../../../src/cli/commands/hi.ts';
import { UsageError } from '../../../../src/cli/command.ts';
import { fringe } from './run-fringe.ts';

const dir = mkdtempSync(join(tmpdir(), 'fringe-hi-observe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fringe hi observe: parse', () => {
  it('reads position switching with an azimuth or galactic off position, and frequency switching with a throw', () => {
    const p = parse(['observe', '--switch', 'position', '--off-az', '15', '--seconds', '60', '--cycles', '3', '--az', '90', '--el', '50', '--tsys', '95', '--fast']).observe!;
    expect(p).toMatchObject({ kind: 'position', off: { az: 15 }, seconds: 60, cycles: 3, on: { az: 90, el: 50 }, tsysK: 95, pacing: false, source: 'sim' });
    expect(parse(['observe', '--switch', 'position', '--off-l', '-20', '--off-b', '30', '--seconds', '8']).observe!.off).toEqual({ l: -20, b: 30 });
    const f = parse(['observe', '--switch', 'frequency', '--throw-khz', '500', '--seconds', '8', '--json']);
    expect(f.json).toBe(true);
    expect(f.observe).toMatchObject({ kind: 'frequency', throwHz: 500_000, cycles: 2, integration: 0.5 });
    expect(f.observe!.off).toBeUndefined();
    // A named off position: a direction, RA/Dec (hours, degrees) or galactic l/b (degrees).
    expect(parse(['observe', '--switch', 'position', '--off-radec', '5.5, 22', '--seconds', '8']).observe!.off).toEqual({ ra_h: 5.5, dec_deg: 22 });
    expect(parse(['observe', '--switch', 'position', '--off-gal', '180,-30', '--seconds', '8']).observe!.off).toEqual({ l_deg: 180, b_deg: -30 });
  });

  it('refuses what does not fit, naming the option', () => {
    const bad: [string[], RegExp][] = [
      [['observe', '--seconds', '8'], /needs --switch/],
      [['observe', '--switch', 'beam', '--seconds', '8'], /position or frequency \(got 'beam'\)/],
      [['observe', '--switch', 'position', '--seconds', '8'], /needs the off position/],
      [['observe', '--switch', 'position', '--off-az', '10', '--off-l', '5', '--seconds', '8'], /one way/],
      [['observe', '--switch', 'frequency', '--off-az', '10', '--seconds', '8'], /for position switching/],
      [['observe', '--switch', 'position', '--off-az', '10', '--throw-khz', '100', '--seconds', '8'], /--throw-khz is for frequency/],
      [['observe', '--switch', 'frequency', '--throw-khz', '5000', '--seconds', '8'], /--throw-khz must be above 0 and at most 1600 kHz/],
      [['observe', '--switch', 'frequency'], /needs --seconds/],
      [['observe', '--switch', 'position', '--off-radec', '25,10', '--seconds', '8'], /^--off-radec RA must be from 0 to under 24 hours \(got '25'\)$/],
      [['observe', '--switch', 'position', '--off-radec', '5.5', '--seconds', '8'], /^--off-radec needs H,D: right ascension in hours/],
      [['observe', '--switch', 'position', '--off-radec', '5.5,north', '--seconds', '8'], /^--off-radec Dec needs a declination in degrees/],
      [['observe', '--switch', 'position', '--off-gal', '10,95', '--seconds', '8'], /^--off-gal galactic latitude must be from -90 to 90 degrees/],
      [['observe', '--switch', 'position', '--off-gal', '10,20', '--off-b', '30', '--seconds', '8'], /one way/],
      [['observe', '--switch', 'frequency', '--off-radec', '1,2', '--seconds', '8'], /--off-radec and --off-gal are for position switching/],
      [['observe', '--switch', 'position', '--off-az', '0', '--seconds', '8'], /--off-az must be a non-zero/],
      [['observe', '--switch', 'position', '--off-az', '10', '--az', '90', '--seconds', '8'], /both --az and --el/],
      [['observe', '--switch', 'frequency', '--seconds', '8', '--cycles', '0'], /--cycles must be a whole number from 1 to 1000/],
      [['observe', 'extra', '--switch', 'frequency', '--seconds', '8'], /takes no arguments/],
      [['3', '--tsys', '-4'], /--tsys must be above 0/],
    ];
    for (const [argv, re] of bad) {
      expect(() => parse(argv), argv.join(' ')).toThrow(UsageError);
      expect(() => parse(argv), argv.join(' ')).toThrow(re);
    }
    expect(parse(['3', '--tsys', '90']).tsys).toBe(90);
  });
});

describe('fringe hi observe + fringe hi on the simulator', () => {
  it('records a frequency-switched observation (exit 0, its switching in the JSON) that fringe hi reduces in kelvin as such', async () => {
    const db = join(dir, 'db');
    const r = await fringe(['hi', 'observe', '--switch', 'frequency', '--seconds', '4', '--cycles', '2', '--fast', '--tsys', '90', '--backend', 'cpu', '--threads', '0', '--scenario', 'devices/sim/scenarios/hydrogen.json', '--json', '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o).toMatchObject({ status: 'complete', switching: { kind: 'frequency', cycles: 2, tsys_k: 90, centre_hz: 1420405752 } });
    // The progress (not a terminal: a line each 10 %) names the LO setting and the cycle; the last line the cycles and integrations.
    const lines = r.stderr.trim().split('\n');
    expect(lines.some((l) => /^observing +\d+ % lo, cycle 1 of 2, \d+ integrations?$/.test(l)), r.stderr).toBe(true);
    expect(lines.some((l) => /^observing +\d+ % (hi|retuning), cycle 2 of 2, \d+ integrations?$/.test(l)), r.stderr).toBe(true);
    expect(lines.at(-1)).toBe(`observing 100 % observation ${o.id} complete: 2 cycles, ${o.integrations} integrations`);
    const h = await fringe(['hi', String(o.id), '--json', '--db', db]);
    expect(h.code, h.stderr).toBe(0);
    const s = JSON.parse(h.stdout);
    // Cycles are cycles, integrations are integrations: those used and those not (a retune inside them) make up all recorded.
    expect(s.switching).toMatchObject({ kind: 'frequency', cycles: 2, cycles_asked: 2 });
    expect(s.switching.integrations_used + s.switching.integrations_dropped).toBe(o.integrations);
    expect(s.integrations).toBe(s.switching.integrations_used);
    // Each 1 s phase holds at least one whole 0.5 s integration (the integrations need not start with the phase).
    expect(s.switching.integrations_used).toBeGreaterThanOrEqual(4);
    const text = await fringe(['hi', String(o.id), '--db', db]);
    expect(text.code, text.stderr).toBe(0);
    const [head, switching] = text.stdout.split('\n');
    expect(head).toMatch(new RegExp(`^Observation ${o.id}: ${s.switching.integrations_used} integrations at l `));
    expect(switching).toBe(`  switching     frequency-switched, 2 cycles (of 2 asked) used: ${s.switching.integrations_used} integrations, ${s.switching.integrations_dropped} dropped`);
    expect(s.unit).toBe('K');
    expect(s.calibration).toMatch(/frequency switched .* × T_sys 90 K, folded/);
    // The hydrogen scenario (l 70.6°, b 8.2°): one line near +5 km/s LSR of about 32 K (src/qualify/hi.ts: 0.7 × its profile).
    expect(s.components[0].v_lsr_kms).toBeGreaterThan(3);
    expect(s.components[0].v_lsr_kms).toBeLessThan(8);
    expect(s.components[0].peak).toBeGreaterThan(28);
    expect(s.components[0].peak).toBeLessThan(36);
  }, 120_000);
});
