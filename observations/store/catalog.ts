/** Row-level reads and writes for the store's small tables: sites, instruments, observations, events, files. */
import type Database from 'better-sqlite3';
import { ObservationError, check, fromSqliteError } from '../errors.ts';
import type {
  EventKind, ExportRecord, Instrument, Observation, ObservationConfig, ObservationEvent, ObservationFilter, RawRecording, Site,
} from './types.ts';

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

function run<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    throw fromSqliteError(err, what);
  }
}

export function addSite(db: Database.Database, s: Omit<Site, 'id'>): Site {
  check(typeof s.name === 'string' && s.name.trim() !== '', 'a site needs a name');
  check(finite(s.latitude) && Math.abs(s.latitude) <= 90, 'site latitude must be −90…90 (degrees)');
  check(finite(s.longitude) && Math.abs(s.longitude) <= 180, 'site longitude must be −180…180 (degrees, east positive)');
  check(finite(s.altitude), 'site altitude must be a number (m)');
  const info = run(`adding site ${s.name}`, () =>
    db.prepare('INSERT INTO sites (name, latitude_deg, longitude_deg, altitude_m) VALUES (?, ?, ?, ?)').run(s.name, s.latitude, s.longitude, s.altitude),
  );
  return { id: Number(info.lastInsertRowid), ...s };
}

interface SiteRow { id: number; name: string; latitude_deg: number; longitude_deg: number; altitude_m: number }
const toSite = (r: SiteRow): Site => ({ id: r.id, name: r.name, latitude: r.latitude_deg, longitude: r.longitude_deg, altitude: r.altitude_m });

export function listSites(db: Database.Database): Site[] {
  return (db.prepare('SELECT * FROM sites ORDER BY id').all() as SiteRow[]).map(toSite);
}

export function getSite(db: Database.Database, id: number): Site {
  const r = db.prepare('SELECT * FROM sites WHERE id = ?').get(id) as SiteRow | undefined;
  if (!r) throw new ObservationError('not-found', `no site ${id}`);
  return toSite(r);
}

export function addInstrument(db: Database.Database, i: Omit<Instrument, 'id'>): Instrument {
  check(['dongle', 'antenna', 'rotator'].includes(i.kind), 'instrument kind must be dongle, antenna or rotator');
  check(typeof i.name === 'string' && i.name.trim() !== '', 'an instrument needs a name');
  if (i.kind === 'dongle') check(typeof i.serial === 'string' && i.serial !== '', 'a dongle is known by its serial');
  if (i.position) check(finite(i.position.east) && finite(i.position.north) && finite(i.position.up), 'antenna position needs east/north/up (m)');
  if (i.dishDiameter !== null) check(finite(i.dishDiameter) && i.dishDiameter > 0, 'dish diameter must be positive (m)');
  const p = i.position;
  const info = run(`adding ${i.kind} ${i.name}`, () =>
    db
      .prepare(`INSERT INTO instruments (kind, name, serial, site_id, east_m, north_m, up_m, dish_diameter_m, details)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(i.kind, i.name, i.serial, i.siteId, p?.east ?? null, p?.north ?? null, p?.up ?? null, i.dishDiameter, JSON.stringify(i.details ?? {})),
  );
  return { id: Number(info.lastInsertRowid), ...i };
}

interface InstrumentRow {
  id: number; kind: Instrument['kind']; name: string; serial: string | null; site_id: number | null;
  east_m: number | null; north_m: number | null; up_m: number | null; dish_diameter_m: number | null; details: string;
}

export function listInstruments(db: Database.Database, kind?: Instrument['kind']): Instrument[] {
  const rows = (kind
    ? db.prepare('SELECT * FROM instruments WHERE kind = ? ORDER BY id').all(kind)
    : db.prepare('SELECT * FROM instruments ORDER BY id').all()) as InstrumentRow[];
  return rows.map((r) => ({
    id: r.id, kind: r.kind, name: r.name, serial: r.serial, siteId: r.site_id,
    position: r.east_m === null ? null : { east: r.east_m, north: r.north_m ?? 0, up: r.up_m ?? 0 },
    dishDiameter: r.dish_diameter_m,
    details: JSON.parse(r.details) as Record<string, unknown>,
  }));
}

interface ObservationRow {
  id: number; mode: string; target: string; site_id: number | null; start_s: number; end_s: number | null;
  status: Observation['status']; config: string; software_version: string; interrupted_reason: string | null; n: number;
  drop_events: number; drop_samples: number; taken: number;
}

/**
 * Each observation with its integration count and its drops: the 'drop' events (one per integration that lost
 * samples; data.dropped per input), the samples they lost and the samples its integrations took in (all inputs).
 */
const observationSelect = `SELECT o.*,
  (SELECT COUNT(*) FROM integrations i WHERE i.observation_id = o.id) AS n,
  (SELECT COUNT(*) FROM events e WHERE e.observation_id = o.id AND e.kind = 'drop') AS drop_events,
  (SELECT COALESCE(SUM(j.value), 0) FROM events e, json_each(e.data, '$.dropped') j WHERE e.observation_id = o.id AND e.kind = 'drop') AS drop_samples,
  (SELECT COALESCE(SUM(i.spectra * i.channels * i.inputs), 0) FROM integrations i WHERE i.observation_id = o.id) AS taken
  FROM observations o`;

function toObservation(r: ObservationRow): Observation {
  return {
    id: r.id, mode: r.mode, target: r.target, siteId: r.site_id, start: r.start_s, end: r.end_s, status: r.status,
    interruptedReason: r.interrupted_reason, config: JSON.parse(r.config) as ObservationConfig,
    softwareVersion: r.software_version, integrations: r.n,
    drops: { events: r.drop_events, samples: r.drop_samples, fraction: r.drop_samples + r.taken > 0 ? r.drop_samples / (r.drop_samples + r.taken) : 0 },
  };
}

export function getObservation(db: Database.Database, id: number): Observation {
  check(Number.isInteger(id) && id > 0, `observation id must be a positive integer, not ${id}`);
  const r = db.prepare(`${observationSelect} WHERE o.id = ?`).get(id) as ObservationRow | undefined;
  if (!r) throw new ObservationError('not-found', `no observation ${id}; 'fringe list' shows the ones there are.`);
  return toObservation(r);
}

export function listObservations(db: Database.Database, f: ObservationFilter): Observation[] {
  const where: string[] = [];
  const args: unknown[] = [];
  if (f.mode !== undefined) { where.push('o.mode = ?'); args.push(f.mode); }
  if (f.status !== undefined) {
    check(['recording', 'complete', 'interrupted'].includes(f.status), 'status filter must be recording, complete or interrupted');
    where.push('o.status = ?'); args.push(f.status);
  }
  if (f.target !== undefined) { where.push('instr(o.target, ?) > 0'); args.push(f.target); }
  if (f.since !== undefined) { check(finite(f.since), 'since must be Unix seconds'); where.push('o.start_s >= ?'); args.push(f.since); }
  if (f.until !== undefined) { check(finite(f.until), 'until must be Unix seconds'); where.push('o.start_s < ?'); args.push(f.until); }
  let sql = observationSelect + (where.length ? ` WHERE ${where.join(' AND ')}` : '') + ' ORDER BY o.start_s, o.id';
  if (f.limit !== undefined) {
    check(Number.isInteger(f.limit) && f.limit > 0, 'limit must be a positive integer');
    sql += ` LIMIT ${f.limit}`;
  }
  return (db.prepare(sql).all(...args) as ObservationRow[]).map(toObservation);
}

export function listEvents(db: Database.Database, observationId: number): ObservationEvent[] {
  const rows = db.prepare('SELECT * FROM events WHERE observation_id = ? ORDER BY time_s, id').all(observationId) as
    { id: number; observation_id: number; time_s: number; kind: EventKind; data: string }[];
  return rows.map((r) => ({ id: r.id, observationId: r.observation_id, time: r.time_s, kind: r.kind, data: JSON.parse(r.data) as Record<string, unknown> }));
}

export function addRawRecording(db: Database.Database, r: Omit<RawRecording, 'id'>): RawRecording {
  check(typeof r.path === 'string' && r.path.endsWith('.sigmf-data'), 'a raw recording is referenced by its .sigmf-data path');
  check(/^[cr](f32|f64|i32|i16|u32|u16)(_le|_be)$|^[cr](i8|u8)$/.test(r.datatype), `'${r.datatype}' is not a SigMF datatype`);
  check(finite(r.sampleRate) && r.sampleRate > 0 && finite(r.frequency) && finite(r.start), 'a raw recording needs sampleRate (Hz), frequency (Hz) and start (Unix s)');
  check(Number.isInteger(r.numChannels) && r.numChannels >= 1, 'numChannels must be a positive integer');
  const info = run('adding a raw recording', () =>
    db.prepare('INSERT INTO recordings (observation_id, path, datatype, sample_rate, frequency, num_channels, start_s, meta) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(r.observationId, r.path, r.datatype, r.sampleRate, r.frequency, r.numChannels, r.start, JSON.stringify(r.meta ?? {})),
  );
  return { id: Number(info.lastInsertRowid), ...r };
}

/** Replaces a raw recording's `meta` (sample count, drops, …). */
export function updateRawRecording(db: Database.Database, id: number, meta: Record<string, unknown>): void {
  run(`updating raw recording ${id}`, () => db.prepare('UPDATE recordings SET meta = ? WHERE id = ?').run(JSON.stringify(meta), id));
}

export function listRawRecordings(db: Database.Database, observationId: number): RawRecording[] {
  const rows = db.prepare('SELECT * FROM recordings WHERE observation_id = ? ORDER BY id').all(observationId) as
    { id: number; observation_id: number; path: string; datatype: string; sample_rate: number; frequency: number; num_channels: number; start_s: number; meta: string }[];
  return rows.map((r) => ({
    id: r.id, observationId: r.observation_id, path: r.path, datatype: r.datatype, sampleRate: r.sample_rate,
    frequency: r.frequency, numChannels: r.num_channels, start: r.start_s, meta: JSON.parse(r.meta) as Record<string, unknown>,
  }));
}

export function addExport(db: Database.Database, e: Omit<ExportRecord, 'id'>): ExportRecord {
  const info = run('recording an export', () =>
    db.prepare('INSERT INTO exports (observation_id, format, path, bytes, sha256, created_s) VALUES (?, ?, ?, ?, ?, ?)')
      .run(e.observationId, e.format, e.path, e.bytes, e.sha256, e.created),
  );
  return { id: Number(info.lastInsertRowid), ...e };
}

export function listExports(db: Database.Database, observationId: number): ExportRecord[] {
  const rows = db.prepare('SELECT * FROM exports WHERE observation_id = ? ORDER BY id').all(observationId) as
    { id: number; observation_id: number; format: string; path: string; bytes: number; sha256: string; created_s: number }[];
  return rows.map((r) => ({ id: r.id, observationId: r.observation_id, format: r.format, path: r.path, bytes: r.bytes, sha256: r.sha256, created: r.created_s }));
}
