/**
 * A live-timing requirement (the system group: drops at 2.4 MS/s, latency,
 * headroom; the sample rate timed by the host clock) that failed while other processes held the machine (1-minute load
 * average above the cores) measured the neighbours, not the station's own
 * load. Locally the tests skip with that reason; in CI (skipUnless) it fails.
 */
import { cpus, loadavg } from 'node:os';
import type { RequirementResult } from '../../../src/qualify/types.ts';
import { skipUnless } from '../../helpers/tools.ts';

/** Hardware requirements timed by the host clock (a source served from a process that cannot keep up delivers in bursts). */
const timed = ['HW-RATE'];

export function overloaded(r: Pick<RequirementResult, 'id' | 'verdict' | 'group' | 'measured' | 'unit'>): string | null {
  if (r.verdict !== 'fail' || !(r.group === 'system' || timed.includes(r.id))) return null;
  const load = loadavg()[0]!, cores = cpus().length;
  return skipUnless(load > cores ? `${r.id} failed (measured ${r.measured} ${r.unit}) while the machine was busy with other work (load average ${load.toFixed(1)} on ${cores} cores): run it on an idle machine` : null);
}
