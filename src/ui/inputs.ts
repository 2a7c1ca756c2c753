/**
 * A live source's inputs as the pages name them. A coherent group
 * (`group:SPEC,SPEC[,…]`, devices/sdr/group.ts) is one source of N inputs,
 * numbered in the order of its spec; the status names its members ("group of
 * 3: sim: antenna 0 (west), sim: antenna 1 (east), …"), which gives the
 * simulator's antenna names. Pure: no DOM, no React.
 *
 * Specs and form fields are read by the boundary's rules (src/api/inputs.ts),
 * so a form refuses what the API would, with the same message, before sending.
 */
import { InputError, type Rule, type SourceSpec, endpointProblem, parseDecimal, parseHostPort, parseSourceSpec, siteProblem } from '../api/inputs.ts';

export { endpointProblem };

/** A spec parsed, or null when it is not one (the status only carries specs the engine accepted). */
function parsed(source: string): SourceSpec | null {
  try {
    return parseSourceSpec(source);
  } catch {
    return null;
  }
}

export interface LiveSource {
  /** The source spec, e.g. `group:sim:0,sim:1,sim:2`. */
  source: string;
  /** What the source calls itself (status.live.name). */
  name: string;
}

export interface InputLabel {
  index: number;
  /** The antenna's name where the status gives it (a simulated antenna), else null. */
  antenna: string | null;
  /** The member in words: its antenna, endpoint or dongle. */
  member: string;
}

/** The member specs of a group (the API's specs have no commas inside a member), or null for a single source. */
export function groupMembers(source: string): string[] | null {
  return parsed(source)?.kind === 'group' ? source.slice(6).split(',') : null;
}

/** The simulator: alone, or a group of its antennas. */
export function isSimulated(live: LiveSource & { kind: string }): boolean {
  const s = parsed(live.source);
  return live.kind === 'sim' || (s?.kind === 'group' && s.members.every((m) => m.kind === 'sim'));
}

/** Whether a source spec (alone, not a group) is this rtl_tcp endpoint (rtltcp:HOST means port 1234; host names compared without case). */
export function isEndpointSpec(spec: string, endpoint: string): boolean {
  const s = parsed(spec);
  if (s?.kind !== 'rtltcp') return false;
  try {
    const e = parseHostPort(endpoint.trim());
    return e.host.toLowerCase() === s.host.toLowerCase() && e.port === s.port;
  } catch {
    return false;
  }
}

/** A form field's text read by a rule: the value, or the message the API would give (`lat must be …`). */
export function fieldValue<T>(rule: Pick<Rule<T>, 'parse' | 'noun'>, text: string): { value: T } | { problem: string } {
  try {
    return { value: rule.parse(text.trim()) };
  } catch (err) {
    if (err instanceof InputError) return { problem: `${rule.noun} ${err.message}` };
    throw err;
  }
}

/** The site form's four fields as the API takes them, or what is wrong (the API's words): '' and 'abc' are not 0 and null. */
export function siteFromForm(form: { name: string; lat: string; lon: string; altitude: string }): { value: { name: string; lat: number; lon: number; altitude: number } } | { problem: string } {
  const numbers: Record<'lat' | 'lon' | 'altitude', number> = { lat: NaN, lon: NaN, altitude: NaN };
  for (const [k, noun] of [['lat', 'latitude'], ['lon', 'longitude'], ['altitude', 'altitude']] as const) {
    try {
      numbers[k] = parseDecimal(form[k].trim(), 'must be a number');
    } catch (err) {
      return { problem: `${noun} ${(err as Error).message}` };
    }
  }
  const site = { name: form.name, ...numbers };
  const problem = siteProblem(site);
  return problem ? { problem } : { value: { ...site, name: site.name.trim() } };
}

/** A group of the simulator's antennas 0…n−1, as the Station page starts one. */
export function simGroupSpec(antennas: number): string {
  return `group:${Array.from({ length: antennas }, (_, i) => `sim:${i}`).join(',')}`;
}

/** Labels for `inputs` inputs of the live source: one per group member, else input 0 alone. */
export function inputLabels(live: LiveSource | null, inputs: number): InputLabel[] {
  const members = live ? groupMembers(live.source) : null;
  // The simulator's members name their antenna as "sim: antenna N (NAME)", in the group's order.
  const antennas = [...(live?.name.matchAll(/sim: antenna (\d+) \(([^)]*)\)/g) ?? [])].map((m) => m[2]!);
  let sims = 0;
  return Array.from({ length: Math.max(1, inputs) }, (_, index) => {
    const spec = members?.[index];
    if (!spec) return { index, antenna: null, member: index === 0 && live && !members ? live.name : `input ${index}` };
    const sim = /^sim(?::(\d+))?$/.exec(spec);
    if (sim) {
      const antenna = antennas[sims++] ?? null;
      return { index, antenna, member: `antenna ${sim[1] ?? 0}${antenna ? ` (${antenna})` : ''}` };
    }
    if (spec.startsWith('rtltcp:')) return { index, antenna: null, member: `rtl_tcp ${spec.slice(7)}` };
    if (spec.startsWith('rtlsdr')) return { index, antenna: null, member: `dongle ${spec.slice(7) || '0'}` };
    return { index, antenna: null, member: spec };
  });
}

/** "0–1 west–east", or "0–1" where the inputs have no antenna names. */
export function baselineLabel(labels: readonly InputLabel[], a: number, b: number): string {
  const na = labels[a]?.antenna, nb = labels[b]?.antenna;
  return `${a}–${b}${na && nb ? ` ${na}–${nb}` : ''}`;
}

/** The header's words for the source: the simulator with its scenario, a group by its members, else the source's own name. */
export function sourceTitle(live: LiveSource & { kind: string }, scenario: string | null): string {
  const members = groupMembers(live.source);
  if (isSimulated(live)) {
    const what = members ? ` · ${members.length} antennas` : '';
    return `Simulator${scenario ? ` · ${scenario}` : ''}${what}`;
  }
  if (!members) return live.name;
  return `Group of ${members.length}: ${inputLabels(live, members.length).map((l) => l.member.replace(/^rtl_tcp /, '')).join(', ')}`;
}
