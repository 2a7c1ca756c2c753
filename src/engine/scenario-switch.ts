/**
 * The simulator source to restart on when the scenario changes: the same
 * spec where the new scenario has every antenna it names, else the nearest
 * that exists (a group of all the new scenario's antennas for a group, when
 * it has two or more; otherwise antenna 0), so a switch from the
 * three-antenna interferometer back to the one-dish default just works.
 */
import { maxGroupMembers, parseSourceSpec } from '../../devices/sdr/spec.ts';
import { defaultScenario, loadScenario, type Scenario } from '../../devices/sim/scenario.ts';

/** A scenario file's scenario, or the default's for none. */
export function scenarioOf(file: string | undefined): Scenario {
  return file ? loadScenario(file) : defaultScenario();
}

export function sourceForScenario(spec: string, antennas: number): string {
  let s: ReturnType<typeof parseSourceSpec>;
  try {
    s = parseSourceSpec(spec);
  } catch {
    return spec; // opening it says why
  }
  const members = s.kind === 'group' ? s.members : [s];
  // Only a source that is all simulator follows the scenario.
  if (!members.every((m) => m.kind === 'sim')) return spec;
  const fits = members.every((m) => m.kind === 'sim' && m.antenna < antennas);
  if (fits) return spec;
  if (s.kind === 'group' && antennas >= 2) return `group:${Array.from({ length: Math.min(antennas, maxGroupMembers) }, (_, i) => `sim:${i}`).join(',')}`;
  return 'sim';
}
