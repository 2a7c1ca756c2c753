/**
 * Switching scenarios cleanly (issue 17): from the interferometer's
 * three-antenna group back to the one-dish default restarts on antenna 0
 * instead of failing with "the scenario has antennas 0…0, not 1"; a source
 * the new scenario has is kept; a source that is not the simulator is not touched.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sourceForScenario } from '../../../src/engine/scenario-switch.ts';
import { Station } from '../../../src/engine/station.ts';
import { spectra } from '../../helpers/station.ts';

const dir = mkdtempSync(join(tmpdir(), 'fringe-scenario-switch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the source a scenario switch restarts on', () => {
  it('keeps what the new scenario has, else the nearest that exists', () => {
    expect(sourceForScenario('sim', 1)).toBe('sim');
    expect(sourceForScenario('sim:2', 3)).toBe('sim:2');
    expect(sourceForScenario('sim:2', 1)).toBe('sim');
    expect(sourceForScenario('group:sim:0,sim:1,sim:2', 3)).toBe('group:sim:0,sim:1,sim:2');
    expect(sourceForScenario('group:sim:0,sim:1,sim:2', 1)).toBe('sim');
    expect(sourceForScenario('group:sim:0,sim:3', 2)).toBe('group:sim:0,sim:1');
    // not (all) the simulator: left alone
    expect(sourceForScenario('rtltcp:127.0.0.1:1234', 1)).toBe('rtltcp:127.0.0.1:1234');
    expect(sourceForScenario('group:sim:0,rtltcp:127.0.0.1:1234', 1)).toBe('group:sim:0,rtltcp:127.0.0.1:1234');
  });

  it('interferometer group → default → interferometer, spectra after each switch', async () => {
    const station = Station.open(join(dir, 'switch'));
    try {
      await station.setScenario('interferometer');
      await station.startLive({ source: 'group:sim:0,sim:1,sim:2', backend: 'cpu', threads: 0, pacing: false });
      expect((await spectra(station, 1))[0]!.power).toHaveLength(3);
      const back = await station.setScenario(null);
      expect(back.live).toMatchObject({ source: 'sim', kind: 'sim' });
      expect(back.scenario).toBeNull();
      const [one] = await spectra(station, 1);
      expect(one!.power).toHaveLength(1);
      const again = await station.setScenario('interferometer');
      expect(again.live).toMatchObject({ source: 'sim', kind: 'sim' });
      expect((await spectra(station, 1))[0]!.power).toHaveLength(1);
    } finally {
      await station.close();
    }
  });
});
