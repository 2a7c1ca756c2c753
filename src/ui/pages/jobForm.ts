/**
 * The Schedule page's add-job form as data: its fields (those of `fringe
 * schedule add`) and the request they make — schedule.add, or
 * schedule.survey for a Galactic-plane HI survey — or the first thing wrong
 * with them, in words. Pure (tested in test/src/ui/job-form.test.ts).
 */
import { jobSpec, startProblem, type JobMode, type JobSpec, type JobSpecInput } from '../../api/inputs.ts';

export interface JobForm {
  /** A job mode, or 'survey': an HI plane survey (spectrum jobs along l). */
  mode: JobMode | 'survey';
  source: string;
  target: string;
  startKind: StartKind;
  /** The start's value for its kind: seconds, an ISO time, a target, a sidereal time. */
  start: string;
  /** 'rise': the elevation (degrees; empty: the default 10°). */
  riseEl: string;
  duration: string;
  repeat: 'none' | 'daily' | 'transit';
  minElevation: string;
  sunAvoidance: string;
  integration: string;
  channels: string;
  /** MHz. */
  frequency: string;
  scenario: string;
  post: string;
  lFrom: string;
  lTo: string;
  lStep: string;
  b: string;
}

export type StartKind = 'in' | 'at' | 'transit' | 'lst' | 'rise';

/** The start's kinds (inputs.startProblem's forms), as the form offers them. */
export const startKinds: { kind: StartKind; label: string; placeholder: string }[] = [
  { kind: 'in', label: 'in … seconds', placeholder: '60' },
  { kind: 'at', label: 'at (UTC time)', placeholder: '2026-06-21T22:00:00Z' },
  { kind: 'transit', label: 'at the transit of', placeholder: 'sun, Cas A' },
  { kind: 'lst', label: 'at LST', placeholder: '19:59' },
  { kind: 'rise', label: 'when it rises', placeholder: 'Cyg A' },
];

export const blankJobForm: JobForm = {
  mode: 'spectrum', source: 'sim', target: '', startKind: 'in', start: '60', riseEl: '', duration: '600', repeat: 'none',
  minElevation: '', sunAvoidance: '', integration: '', channels: '', frequency: '', scenario: '', post: '',
  lFrom: '30', lTo: '90', lStep: '10', b: '0',
};

/** The start as the API reads it (transit:sun, in:60, …). */
export function startText(f: Pick<JobForm, 'startKind' | 'start' | 'riseEl'>): string {
  const v = f.start.trim();
  switch (f.startKind) {
    case 'in':
      return `in:${v}`;
    case 'at':
      return v;
    case 'transit':
      return `transit:${v}`;
    case 'lst':
      return `lst:${v}`;
    case 'rise':
      return `rise:${v}${f.riseEl.trim() ? `:${f.riseEl.trim()}` : ''}`;
  }
}

type Made = { spec: JobSpec; survey: boolean } | { problem: string };

/** The request the form makes, or its first problem. */
export function jobRequest(f: JobForm): Made {
  const start = startText(f);
  const sp = startProblem(start);
  if (sp) return { problem: `Start ${sp} (got '${start}')` };
  const num = (label: string, text: string, ok: (n: number) => boolean, range: string): number | undefined | { problem: string } => {
    const t = text.trim();
    if (t === '') return undefined;
    const n = Number(t);
    return Number.isFinite(n) && ok(n) ? n : { problem: `${label} must be ${range} (got '${t}')` };
  };
  const fields = {
    duration: num('Duration', f.duration, (n) => n > 0, 'seconds above 0'),
    minElevation: num('Min elevation', f.minElevation, (n) => n >= -90 && n <= 90, 'degrees from −90 to 90'),
    sunAvoidance: num('Sun avoidance', f.sunAvoidance, (n) => n >= 0 && n <= 180, 'degrees from 0 to 180'),
    integration: num('Integration', f.integration, (n) => n > 0, 'seconds above 0'),
    channels: num('Channels', f.channels, (n) => Number.isInteger(n) && n > 0, 'a whole number of channels'),
    frequency: num('Frequency', f.frequency, (n) => n > 0, 'MHz above 0'),
    lFrom: num('l from', f.lFrom, (n) => n >= -180 && n <= 360, 'degrees of Galactic longitude'),
    lTo: num('l to', f.lTo, (n) => n >= -180 && n <= 360, 'degrees of Galactic longitude'),
    lStep: num('l step', f.lStep, (n) => n > 0 && n <= 180, 'degrees above 0'),
    b: num('b', f.b, (n) => n >= -90 && n <= 90, 'degrees from −90 to 90'),
  };
  for (const v of Object.values(fields)) if (typeof v === 'object') return v;
  const n = fields as { [K in keyof typeof fields]: number | undefined };
  if (n.duration === undefined) return { problem: 'Duration: give the job’s length in seconds' };
  const survey = f.mode === 'survey';
  if (survey && (n.lFrom === undefined || n.lTo === undefined || n.lStep === undefined)) return { problem: 'An HI plane survey needs l from, to and step (degrees)' };
  if (survey && n.lTo! < n.lFrom!) return { problem: `l to (${n.lTo}) must be at least l from (${n.lFrom})` };
  const spec: JobSpecInput = {
    mode: survey ? 'spectrum' : (f.mode as JobMode),
    source: f.source.trim() || 'sim',
    start,
    duration: n.duration,
    repeat: f.repeat,
    ...(!survey && f.target.trim() ? { target: f.target.trim() } : {}),
    ...(survey ? { survey: { from: n.lFrom!, to: n.lTo!, step: n.lStep!, b: n.b ?? 0 } } : {}),
    ...(n.minElevation !== undefined ? { minElevation: n.minElevation } : {}),
    ...(n.sunAvoidance !== undefined ? { sunAvoidance: n.sunAvoidance } : {}),
    ...(n.integration !== undefined ? { integration: n.integration } : {}),
    ...(n.channels !== undefined ? { channels: n.channels } : {}),
    ...(n.frequency !== undefined ? { frequency: Math.round(n.frequency * 1e6) } : {}),
    ...(f.scenario.trim() ? { scenario: f.scenario.trim() } : {}),
    ...(f.post.trim() ? { post: f.post.trim() } : {}),
  };
  const checked = jobSpec.safeParse(spec);
  if (!checked.success) return { problem: checked.error.issues.map((i) => `${i.path.join('.') || 'job'}: ${i.message}`).join('; ') };
  return { spec: checked.data, survey };
}
