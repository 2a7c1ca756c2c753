/**
 * The tuning a new live session opens at when none is asked for: the
 * source's own default (the simulator's scenario, a dongle's power-on
 * tuning), except that a default putting the DC spike on the hydrogen line
 * is moved an eighth of the band below it (offset tuning, src/api/tuning.ts).
 * A centre the user asked for is never moved; a recording (file:) keeps its own.
 */
import { defaultTuning, type Tuning } from '../../devices/sdr/source.ts';
import { parseSourceSpec, type SourceSpec } from '../../devices/sdr/spec.ts';
import { scenarioOf } from './scenario-switch.ts';
import { dcOnLine, offsetCentre } from '../api/tuning.ts';

/** The centre (Hz) and rate (Hz) a source opens at by itself; null for a recording or a spec that does not parse (opening it will say why). */
function ownTuning(spec: string, scenarioFile: string | undefined): { centerFrequency: number; sampleRate: number } | null {
  let s: SourceSpec;
  try {
    s = parseSourceSpec(spec);
  } catch {
    return null;
  }
  const kind = s.kind === 'group' ? s.members[0]!.kind : s.kind;
  if (kind === 'file') return null;
  if (kind === 'sim') {
    const t = scenarioOf(scenarioFile).tuning;
    return { centerFrequency: t.centerFrequency, sampleRate: t.sampleRate };
  }
  return { centerFrequency: defaultTuning.centerFrequency, sampleRate: defaultTuning.sampleRate };
}

/**
 * `asked` with the centre filled in where offset tuning applies: no centre
 * asked for, and the source's own would put its DC spike on the HI line.
 * Anything else comes back as it was.
 */
export function sessionTuning(spec: string, scenarioFile: string | undefined, asked: Partial<Tuning> | undefined): Partial<Tuning> | undefined {
  if (asked?.centerFrequency !== undefined) return asked;
  let own: ReturnType<typeof ownTuning>;
  try {
    own = ownTuning(spec, scenarioFile);
  } catch {
    return asked; // an unreadable scenario: opening the session says why
  }
  if (!own || !dcOnLine(own.centerFrequency)) return asked;
  return { ...asked, centerFrequency: offsetCentre(asked?.sampleRate ?? own.sampleRate) };
}
