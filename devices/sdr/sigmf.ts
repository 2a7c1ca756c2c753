/**
 * SigMF metadata for cu8 recordings (SigMF v1.2.5, reference/formats.md):
 * building it while recording and checking it before replay, with one
 * specific DeviceError per problem, naming the file and the field.
 *
 * Lost samples are not in the data file. Each stretch of contiguous samples
 * is a capture whose `core:global_index` is the stream sample index of its
 * first sample (so replay recovers Block.firstSample and Block.dropped) and
 * whose `core:datetime` is that sample's time; an annotation labelled
 * `dropped` marks each gap for people reading the file in other tools.
 */
import { DeviceError } from '../errors.ts';

export const SIGMF_VERSION = '1.2.5';

export interface SigmfCapture {
  'core:sample_start': number;
  'core:global_index'?: number;
  /** Centre frequency (Hz). */
  'core:frequency'?: number;
  /** RFC 3339 UTC, ending in Z. */
  'core:datetime'?: string;
  [key: string]: unknown;
}

export interface SigmfAnnotation {
  'core:sample_start': number;
  'core:sample_count'?: number;
  'core:label'?: string;
  'core:comment'?: string;
  'core:generator'?: string;
  [key: string]: unknown;
}

export interface SigmfMeta {
  global: {
    'core:datatype': string;
    'core:version': string;
    /** Sample rate (Hz). */
    'core:sample_rate'?: number;
    'core:description'?: string;
    'core:recorder'?: string;
    'core:hw'?: string;
    [key: string]: unknown;
  };
  captures: SigmfCapture[];
  annotations: SigmfAnnotation[];
}

/**
 * A SigMF collection (`NAME.sigmf-collection`): recordings that belong
 * together, here the inputs of a coherent group, one recording each, in
 * input order. Each stream names a recording (`NAME-k`, beside the
 * collection) and the SHA-512 of its `.sigmf-meta`.
 */
export interface SigmfCollection {
  collection: {
    'core:version': string;
    'core:description'?: string;
    'core:streams': { name: string; hash: string }[];
    [key: string]: unknown;
  };
}

/** `NAME.sigmf-meta` → `NAME.sigmf-data` (and back); other names are refused. */
export function sigmfPaths(path: string): { meta: string; data: string } {
  const m = /^(.*)\.sigmf-(meta|data)$/.exec(path);
  if (!m) {
    throw new DeviceError('invalid', `${path}: a SigMF recording is named NAME.sigmf-meta (with NAME.sigmf-data beside it).`);
  }
  return { meta: `${m[1]}.sigmf-meta`, data: `${m[1]}.sigmf-data` };
}

/** An RFC 3339 UTC time with milliseconds, e.g. 2026-11-23T21:15:20.123Z. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString();
}

/** One contiguous stretch of a checked recording, in data samples and stream samples. */
export interface Segment {
  /** First data-file sample of the stretch. */
  dataStart: number;
  /** Samples in the stretch. */
  length: number;
  /** Stream index of its first sample (Block.firstSample). */
  streamStart: number;
  /** Samples lost just before it (Block.dropped of its first block). */
  dropped: number;
  /** Centre frequency (Hz), when the capture gives one. */
  frequency?: number;
  /** Host time of its first sample (ms since the Unix epoch), when the capture gives one. */
  time?: number;
}

export interface CheckedSigmf {
  meta: SigmfMeta;
  /** Sample rate (Hz). */
  sampleRate: number;
  segments: Segment[];
}

/** A sample index: a whole number ≥ 0 that float64 holds exactly (≤ 2^53 − 1), so every count derived from it is exact. */
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/**
 * Sample rates a recording may have (Hz): what an RTL2832U can run at
 * (librtlsdr: above 225 kHz, at most 3.2 MHz), to 1 Hz either way for a rate
 * written rounded. Fringe replays cu8 from RTL-SDR dongles; a rate outside
 * this is a damaged or foreign file, and replaying it would time every sample wrong.
 */
export const sigmfSampleRateRange = { min: 225_000, max: 3_200_001 } as const;

/**
 * Parses and checks a .sigmf-meta text against its data file's size (bytes).
 * Throws DeviceError 'invalid' naming `metaPath` (or the data file) and the field.
 */
export function checkSigmf(text: string, metaPath: string, dataPath: string, dataBytes: number): CheckedSigmf {
  const bad = (field: string, what: string) => new DeviceError('invalid', `${metaPath}: ${field} ${what}`);
  let meta: unknown;
  try {
    meta = JSON.parse(text);
  } catch (err) {
    throw new DeviceError('invalid', `${metaPath} is not valid JSON (${(err as Error).message}); the file is damaged or truncated.`, { cause: err });
  }
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) throw bad('the top level', 'must be a JSON object with global, captures and annotations.');
  const m = meta as Record<string, unknown>;
  const global = m.global as Record<string, unknown> | undefined;
  if (typeof global !== 'object' || global === null || Array.isArray(global)) throw bad('"global"', 'is missing or not an object.');
  const datatype = global['core:datatype'];
  if (typeof datatype !== 'string') throw bad('global."core:datatype"', 'is missing (required; Fringe replays cu8).');
  if (datatype !== 'cu8') throw bad('global."core:datatype"', `is '${datatype}'; Fringe replays only 'cu8' (RTL-SDR raw). Convert it first.`);
  if (typeof global['core:version'] !== 'string') throw bad('global."core:version"', 'is missing (required, e.g. "1.2.5").');
  const rate = global['core:sample_rate'];
  if (typeof rate !== 'number' || !(rate > 0) || !Number.isFinite(rate)) {
    throw bad('global."core:sample_rate"', `is ${rate === undefined ? 'missing' : JSON.stringify(rate)}; replay needs the sample rate in Hz.`);
  }
  if (rate < sigmfSampleRateRange.min || rate > sigmfSampleRateRange.max) {
    throw bad('global."core:sample_rate"', `is ${rate} Hz, outside what an RTL-SDR can sample (225 kHz to 3.2 MHz); the file is damaged or not an RTL-SDR recording.`);
  }
  const captures = m.captures ?? [];
  const annotations = m.annotations ?? [];
  if (!Array.isArray(captures)) throw bad('"captures"', 'must be an array.');
  if (!Array.isArray(annotations)) throw bad('"annotations"', 'must be an array.');
  if (dataBytes % 2 !== 0) {
    throw new DeviceError('invalid', `${dataPath} has an odd number of bytes (${dataBytes}): it is truncated in the middle of a sample.`);
  }
  const samples = dataBytes / 2;
  const caps: SigmfCapture[] = captures.length ? (captures as SigmfCapture[]) : [{ 'core:sample_start': 0 }];
  const segments: Segment[] = [];
  caps.forEach((c, i) => {
    const field = (name: string) => `captures[${i}]."${name}"`;
    if (typeof c !== 'object' || c === null) throw bad(`captures[${i}]`, 'must be an object.');
    const start = c['core:sample_start'];
    if (!isInt(start)) throw bad(field('core:sample_start'), `is ${JSON.stringify(start)}; it must be a whole number from 0 to 2^53 − 1.`);
    const prev = segments.at(-1);
    if (prev && start <= prev.dataStart) throw bad(field('core:sample_start'), `is ${start}, not after the previous capture's ${prev.dataStart}; captures must be sorted.`);
    if (start > samples || (start === samples && samples > 0 && i > 0)) {
      throw new DeviceError(
        'invalid',
        `${metaPath}: ${field('core:sample_start')} is ${start}, at or past the end of ${dataPath} (${samples} samples): the data file is truncated.`,
      );
    }
    if (prev) prev.length = start - prev.dataStart;
    const g = c['core:global_index'];
    if (g !== undefined && !isInt(g)) throw bad(field('core:global_index'), `is ${JSON.stringify(g)}; it must be a whole number from 0 to 2^53 − 1.`);
    // Stream index just past the previous segment; without a global index the stream is contiguous.
    const lastEnd = prev ? prev.streamStart + prev.length : 0;
    const streamStart = g ?? (prev ? lastEnd : start);
    if (prev && streamStart < lastEnd) throw bad(field('core:global_index'), `is ${streamStart}, before the end of the previous capture (${lastEnd}).`);
    // The stream index of every sample in this capture must stay exact: past 2^53 − 1 a gap (and so the drop count) is no longer a whole number of samples.
    if (streamStart + (samples - start) > Number.MAX_SAFE_INTEGER) {
      throw bad(field('core:global_index'), `is ${streamStart}: with the ${samples - start} samples after it the stream index passes 2^53 − 1, where sample counts are no longer exact.`);
    }
    const f = c['core:frequency'];
    if (f !== undefined && (typeof f !== 'number' || !Number.isFinite(f))) throw bad(field('core:frequency'), `is ${JSON.stringify(f)}; it must be a number of Hz.`);
    const dt = c['core:datetime'];
    let time: number | undefined;
    if (dt !== undefined) {
      time = typeof dt === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(dt) ? Date.parse(dt) : NaN;
      if (Number.isNaN(time)) throw bad(field('core:datetime'), `is ${JSON.stringify(dt)}; it must be RFC 3339, e.g. "2026-01-01T12:00:00.000Z".`);
    }
    segments.push({
      dataStart: start,
      length: 0,
      streamStart,
      dropped: prev ? streamStart - lastEnd : 0,
      ...(f !== undefined ? { frequency: f } : {}),
      ...(time !== undefined ? { time } : {}),
    });
  });
  const last = segments.at(-1)!;
  last.length = samples - last.dataStart;
  annotations.forEach((a: unknown, i) => {
    if (typeof a !== 'object' || a === null || !isInt((a as SigmfAnnotation)['core:sample_start'])) {
      throw bad(`annotations[${i}]."core:sample_start"`, 'is missing or not a whole number ≥ 0.');
    }
  });
  return { meta: meta as SigmfMeta, sampleRate: rate, segments };
}
