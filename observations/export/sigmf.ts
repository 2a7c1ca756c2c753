/**
 * SigMF v1.2.5 export of an observation's raw recording: `NAME.sigmf-data`
 * (the samples, byte for byte) and `NAME.sigmf-meta` (JSON), or both in a
 * POSIX tar `NAME.sigmf` when the output ends in `.sigmf`. Events with a time
 * inside the recording become annotations (sample_start from the sample rate).
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { ObservationError, check } from '../errors.ts';
import type { Store } from '../store/store.ts';
import type { RawRecording } from '../store/types.ts';
import { FileSink, forEachChunk } from './sink.ts';
import { finalName } from './staging.ts';
import { tarBytes, tarEnd, tarFile } from './tar.ts';
import type { ExportOptions, ExportResult } from './common.ts';
import { observationSite, pointings, sourceDescription } from './coordinates.ts';
import type { ObservationConfig } from '../store/types.ts';

/** The antenna extension's required model: the first antenna's name and dish, as recorded. */
function antennaModel(config: ObservationConfig): string {
  const a = config.antennas?.[0];
  if (!a) return 'not recorded';
  return a.dishDiameter ? `${a.name} (${a.dishDiameter} m dish)` : a.name;
}

export interface SigmfOptions extends ExportOptions {
  /** Which of the observation's raw recordings (0-based, default 0). */
  recording?: number;
}

export interface SigmfResult extends ExportResult {
  /** Every file written (meta and data, or the archive). */
  files: string[];
}

/** Bytes per sample (all channels) of a SigMF datatype. */
export function sampleBytes(datatype: string, channels: number): number {
  const m = /^([cr])(f32|f64|i32|i16|u32|u16|i8|u8)/.exec(datatype);
  check(m, `'${datatype}' is not a SigMF datatype`);
  return (m[1] === 'c' ? 2 : 1) * (Number(m[2]!.slice(1)) / 8) * channels;
}

function sha512File(path: string, size: number, onBytes?: (n: number) => void): string {
  const h = createHash('sha512');
  forEachChunk(path, size, (chunk) => h.update(chunk), onBytes);
  return h.digest('hex');
}

/** What the recorder said the hardware was, when the raw recording's own meta has it. */
function recordedHw(rec: RawRecording): string | null {
  const m = rec.meta as { 'core:hw'?: unknown; global?: { 'core:hw'?: unknown } };
  const hw = m?.['core:hw'] ?? m?.global?.['core:hw'];
  return typeof hw === 'string' && hw !== '' ? hw : null;
}

/**
 * The captures and 'dropped' annotations of the recording's own meta (the
 * recorder's, beside its data): each gap starts a capture at its global
 * index, so the export keeps where samples were lost. Null when there is no
 * such meta or it holds no captures (the export then writes one capture).
 */
function recordedGaps(store: Store, rec: RawRecording, samples: number): { captures: Record<string, unknown>[]; annotations: Record<string, unknown>[] } | null {
  const path = store.filePath(rec.path).replace(/\.sigmf-data$/, '.sigmf-meta');
  if (path === store.filePath(rec.path)) return null;
  let m: { captures?: unknown; annotations?: unknown };
  try {
    m = JSON.parse(readFileSync(path, 'utf8')) as typeof m;
  } catch {
    return null;
  }
  const inside = (x: unknown): x is Record<string, unknown> =>
    typeof x === 'object' && x !== null && Number.isInteger((x as Record<string, unknown>)['core:sample_start']) && ((x as Record<string, number>)['core:sample_start']!) < Math.max(1, samples);
  const captures = Array.isArray(m.captures) ? m.captures.filter(inside) : [];
  if (captures.length === 0) return null;
  const annotations = Array.isArray(m.annotations) ? m.annotations.filter((a) => inside(a) && (a as Record<string, unknown>)['core:label'] === 'dropped') : [];
  return { captures, annotations };
}

/**
 * The SigMF meta object for a raw recording of an observation: the site as
 * `core:geolocation` (GeoJSON [lon, lat, alt]), the receiver as `core:hw`
 * (the simulator and its scenario, the rtl_tcp server, the dongle and its
 * serial), the start pointing and the sky clock as `fringe:` global fields,
 * and 'pointing' events as annotations that also carry the SigMF antenna
 * extension's `antenna:azimuth_angle`/`antenna:elevation_angle` (degrees).
 */
export function sigmfMeta(store: Store, rec: RawRecording, sha512: string, dataBytes: number): Record<string, unknown> {
  const obs = store.getObservation(rec.observationId);
  const site = observationSite(store, obs);
  const perSample = sampleBytes(rec.datatype, rec.numChannels);
  const samples = Math.floor(dataBytes / perSample);
  const hw = sourceDescription(obs.config) ?? recordedHw(rec);
  const global: Record<string, unknown> = {
    'core:datatype': rec.datatype,
    'core:version': '1.2.5',
    'core:sample_rate': rec.sampleRate,
    'core:num_channels': rec.numChannels,
    'core:sha512': sha512,
    'core:description': `Fringe observation ${obs.id}: ${obs.mode}${obs.target ? ` of ${obs.target}` : ''}`,
    'core:recorder': `Fringe ${obs.softwareVersion}`,
    ...(hw ? { 'core:hw': hw } : {}),
    'core:extensions': [
      { name: 'antenna', version: '1.0.0', optional: true },
      { name: 'fringe', version: '1.0.0', optional: true },
    ],
    'antenna:model': antennaModel(obs.config),
  };
  if (site) global['core:geolocation'] = { type: 'Point', coordinates: [site.lon, site.lat, site.altitude] };
  const start = pointings(store, obs).filter((p) => p.time <= rec.start).at(-1) ?? (obs.config.pointing ? { ...obs.config.pointing, time: obs.start } : null);
  if (start) {
    const { time: _, ...where } = start;
    global['fringe:pointing'] = where;
  }
  if (obs.config.clock) global['fringe:clock'] = obs.config.clock;
  if (site) global['fringe:site'] = site.name;
  const gaps = recordedGaps(store, rec, samples);
  const events = store
    .events(obs.id)
    .map((e) => ({ e, sample: Math.round((e.time - rec.start) * rec.sampleRate) }))
    .filter(({ sample }) => sample >= 0 && sample < samples)
    .sort((a, b) => a.sample - b.sample)
    .map(({ e, sample }) => {
      const a: Record<string, unknown> = { 'core:sample_start': sample, 'core:sample_count': 1, 'core:label': e.kind, 'core:comment': JSON.stringify(e.data) };
      const d = e.data as { az?: unknown; el?: unknown };
      if (e.kind === 'pointing' && typeof d.az === 'number' && typeof d.el === 'number') {
        a['antenna:azimuth_angle'] = d.az;
        a['antenna:elevation_angle'] = d.el;
      }
      return a;
    });
  const annotations = [...events, ...(gaps?.annotations ?? [])].sort((a, b) => (a['core:sample_start'] as number) - (b['core:sample_start'] as number));
  const dropped = (gaps?.annotations ?? []).length;
  if (dropped > 0) global['fringe:dropped_gaps'] = dropped;
  return {
    global,
    captures: gaps?.captures ?? [{ 'core:sample_start': 0, 'core:frequency': rec.frequency, 'core:datetime': new Date(Math.round(rec.start * 1000)).toISOString() }],
    annotations,
  };
}

export function exportSigmf(store: Store, id: number, out: string, options: SigmfOptions = {}): SigmfResult {
  const recs = store.rawRecordings(id);
  const k = options.recording ?? 0;
  if (recs.length === 0) throw new ObservationError('state', `observation ${id} has no raw recording to export as SigMF.`);
  check(Number.isInteger(k) && k >= 0 && k < recs.length, `recording must be 0…${recs.length - 1}`);
  const rec = recs[k]!;
  const dataPath = store.filePath(rec.path);
  let size: number;
  try {
    size = statSync(dataPath).size;
  } catch (err) {
    throw new ObservationError('io', `the raw recording ${dataPath} is missing: ${(err as Error).message}`, { cause: err });
  }
  const progress = options.onProgress;
  const meta = Buffer.from(JSON.stringify(sigmfMeta(store, rec, sha512File(dataPath, size, (n) => progress?.(n, 2 * size)), size), null, 2) + '\n');
  const mtime = Date.now() / 1000;
  if (out.endsWith('.sigmf')) {
    const name = basename(finalName(out), '.sigmf');
    const sink = FileSink.create(out);
    try {
      tarBytes(sink, `${name}/${name}.sigmf-meta`, meta, mtime);
      tarFile(sink, `${name}/${name}.sigmf-data`, dataPath, size, mtime, (n) => progress?.(size + n, 2 * size));
      tarEnd(sink);
      return { path: out, files: [out], ...sink.close() };
    } catch (err) {
      sink.abort();
      throw err;
    }
  }
  const base = out.replace(/\.sigmf-(data|meta)$/, '');
  const dataOut = `${base}.sigmf-data`;
  const metaOut = `${base}.sigmf-meta`;
  const dataSink = FileSink.create(dataOut);
  try {
    dataSink.copyFrom(dataPath, size, (n) => progress?.(size + n, 2 * size));
    dataSink.close();
  } catch (err) {
    dataSink.abort();
    throw err;
  }
  const metaSink = FileSink.create(metaOut);
  metaSink.write(meta);
  const r = metaSink.close();
  progress?.(2 * size, 2 * size);
  return { path: metaOut, files: [metaOut, dataOut], ...r };
}

