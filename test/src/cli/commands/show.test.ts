/** `fringe show`: the site, the pointing and the sky clock, on observations written through the store as the engine records them. */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../../../observations/store/store.ts';
import { config, integration, tempDir } from '../../../observations/fixtures.ts';
import { fringe } from './run-fringe.ts';

let tmp: ReturnType<typeof tempDir>;
let db: string;
const start = 1_735_732_800; // 2025-01-01T12:00:00Z
let simulated: number, siteRowOnly: number, bare: number;

beforeAll(() => {
  tmp = tempDir();
  db = join(tmp.dir, 'data');
  const store = Store.open(db);
  const c = config({ inputs: 1, channels: 16, mode: 'autos' });
  const { pointing: _, ...noPointing } = c;
  // What the engine records: config.site, config.clock, config.pointing with the frames derived, then 'pointing' events.
  const a = store.startObservation({
    mode: 'drift', target: 'Sun',
    config: {
      ...c,
      site: { name: 'Dwingeloo', lat: 52.8121, lon: 6.3962, altitude: 25 },
      clock: { kind: 'simulated', speed: 60 },
      source: { spec: 'sim', kind: 'sim', name: 'sim: antenna 0 (dish)', scenario: 'sun-drift' },
      pointing: { ra: 281.5, dec: -23.02, az: 180, el: 14.2, l: 12.45, b: -8.6, source: 'scenario' },
    },
    start,
  });
  a.append(integration(c, 0));
  a.event('pointing', { ra: 282, dec: -23, az: 181.5, el: 14.9, l: 13, b: -9, source: 'rotator' }, start + 600);
  a.complete();
  simulated = a.id;
  const site = store.addSite({ name: 'Home', latitude: 52, longitude: 5, altitude: 10 });
  const b = store.startObservation({ mode: 'spectrum', target: 'HI', siteId: site.id, config: { ...noPointing, clock: { kind: 'real', speed: 1 } }, start });
  b.append(integration(c, 0));
  b.complete();
  siteRowOnly = b.id;
  const d = store.startObservation({ mode: 'spectrum', config: noPointing, start });
  d.complete();
  bare = d.id;
  store.close();
});
afterAll(() => tmp.cleanup());

describe('fringe show: site, pointing and sky clock', () => {
  it('prints the site the observation recorded, not "site -" (show printed "site -" for every recording)', async () => {
    const r = await fringe(['show', String(simulated), '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\n {2}site {10}Dwingeloo \(52\.8121°, 6\.3962°, 25 m\)\n/);
  });

  it('prints the pointing in az/el, RA/Dec (degrees and sexagesimal) and l/b, the moves, and the simulated sky clock', async () => {
    const r = await fringe(['show', String(simulated), '--db', db]);
    expect(r.stdout).toContain('  pointing      az 180.00° el 14.20°, RA 281.500° Dec -23.020° (18h46m00.0s -23°01′12″ J2000), l 12.45° b -8.60° (scenario)\n');
    expect(r.stdout).toContain('  moves         1, the last at 2025-01-01T12:10:00.000Z: az 181.50° el 14.90°, RA 282.000° Dec -23.000° (18h48m00.0s -23°00′00″ J2000), l 13.00° b -9.00° (rotator)\n');
    expect(r.stdout).toContain('  sky clock     simulated, 60× real time\n');
    expect(r.stdout).toContain('  receiver      Fringe simulator (antenna 0 (dish); scenario sun-drift)\n');
  });

  it('prints them in --json: receiver, site, every pointing with its time, and the clock', async () => {
    const j = JSON.parse((await fringe(['show', String(simulated), '--json', '--db', db])).stdout) as Record<string, unknown>;
    expect(j.site).toEqual({ name: 'Dwingeloo', lat: 52.8121, lon: 6.3962, altitude: 25 });
    expect(j.clock).toEqual({ kind: 'simulated', speed: 60 });
    expect(j.receiver).toBe('Fringe simulator (antenna 0 (dish); scenario sun-drift)');
    expect(j.pointing).toEqual([
      { time: '2025-01-01T12:00:00.000Z', ra: 281.5, dec: -23.02, az: 180, el: 14.2, l: 12.45, b: -8.6, source: 'scenario' },
      { time: '2025-01-01T12:10:00.000Z', ra: 282, dec: -23, az: 181.5, el: 14.9, l: 13, b: -9, source: 'rotator' },
    ]);
  });

  it('falls back to the site row an older observation references, and says what was not recorded', async () => {
    const r = await fringe(['show', String(siteRowOnly), '--db', db]);
    expect(r.stdout).toMatch(/\n {2}site {10}Home \(52°, 5°, 10 m\)\n/);
    expect(r.stdout).toContain('  pointing      -\n');
    expect(r.stdout).toContain('  sky clock     real time\n');
    const none = await fringe(['show', String(bare), '--db', db]);
    expect(none.stdout).toContain('  site          -\n');
    expect(none.stdout).toContain('  sky clock     -\n');
  });
});
