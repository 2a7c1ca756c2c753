/**
 * Radio-SkyPipe `.spd` (Radio JOVE) total-power charts, as formats.md
 * describes: a 156-byte little-endian header, a note (free text, then
 * `*[[*` items separated by 0xFF `*]]*`), then one record per integration:
 * the time (double, days since 1899-12-30 UTC, i.e. JD − 2415018.5) and one
 * double per channel (here: each input's mean total power per spectrum).
 * Note items written: `Logged Using UT` (the item Radio-SkyPipe writes and
 * its readers look for: without it they take the times as local time), then
 * `FRINGE_OBSERVATION<id>`; each item ends in 0xFF, as Radio-SkyPipe writes them.
 * Latitude and longitude in degrees, north and east positive; time zone 0.
 */
import type { Store } from '../store/store.ts';
import { FileSink } from './sink.ts';
import { julianDate, requireData, type ExportOptions, type ExportResult } from './common.ts';
import { totalPower } from './totalpower.ts';
import { observationSite, siteRow } from './coordinates.ts';

export const spdHeaderBytes = 156;
/** The note item that says the times are UT (Radio-SkyPipe's data structure page; first, as Radio-SkyPipe writes it). */
export const loggedUsingUt = 'Logged Using UT';
/** JD of the Radio-SkyPipe / Delphi day zero, 1899-12-30T00:00Z. */
export const spdEpochJd = 2415018.5;
/** Unix s → Radio-SkyPipe day number. */
export const spdDays = (unix: number): number => julianDate(unix) - spdEpochJd;

function fixedAscii(buf: Buffer, offset: number, length: number, text: string): void {
  // Latin-1 text, truncated and zero-padded to the field.
  const b = Buffer.from(text.replace(/[^\x20-\x7e]/g, '?').slice(0, length), 'latin1');
  b.copy(buf, offset);
  buf.fill(0, offset + b.length, offset + length);
}

export function exportSpd(store: Store, id: number, out: string, options: ExportOptions = {}): ExportResult {
  const obs = store.getObservation(id);
  requireData(obs);
  const { config } = obs;
  const N = config.fx.inputs;
  const times = store.integrationTimes(id);
  // Chart limits need the data range: a first pass over the integrations.
  let max = -Infinity, min = Infinity;
  for (const it of store.integrations(id)) {
    for (const p of totalPower(it, config)) {
      if (p > max) max = p;
      if (p < min) min = p;
    }
  }
  if (!Number.isFinite(max)) { max = 1; min = 0; }
  // The observation's own site (config.site), else the site row it references.
  const site = siteRow(observationSite(store, obs));
  const noteText = `Fringe ${obs.softwareVersion}: observation ${obs.id}, ${obs.mode} of ${obs.target || 'unknown'}`;
  const note = Buffer.concat([
    Buffer.from(noteText, 'latin1'),
    Buffer.from('*[[*', 'latin1'),
    Buffer.from(loggedUsingUt, 'latin1'), Buffer.from([0xff]),
    Buffer.from(`FRINGE_OBSERVATION${obs.id}`, 'latin1'), Buffer.from([0xff]),
    Buffer.from('*]]*', 'latin1'),
  ]);
  const h = Buffer.alloc(spdHeaderBytes);
  fixedAscii(h, 0, 10, 'RSpd1.0');
  h.writeDoubleLE(spdDays(times[0]!.time), 10);
  h.writeDoubleLE(spdDays(times.at(-1)!.time), 18);
  h.writeDoubleLE(site?.latitude ?? 0, 26);
  h.writeDoubleLE(site?.longitude ?? 0, 34);
  h.writeDoubleLE(max, 42);
  h.writeDoubleLE(min, 50);
  h.writeInt16LE(0, 58); // time zone: times are UTC
  fixedAscii(h, 60, 10, obs.target || 'unknown');
  fixedAscii(h, 70, 20, 'Fringe');
  fixedAscii(h, 90, 20, config.station ?? 'Fringe');
  fixedAscii(h, 110, 40, site ? `${site.name} ${site.latitude.toFixed(4)} ${site.longitude.toFixed(4)}` : '');
  h.writeInt16LE(N, 150);
  h.writeInt32LE(note.length, 152);
  const sink = FileSink.create(out);
  try {
    sink.write(h);
    sink.write(note);
    const rec = Buffer.alloc(8 * (1 + N));
    let done = 0;
    for (const it of store.integrations(id)) {
      rec.writeDoubleLE(spdDays(it.time), 0);
      totalPower(it, config).forEach((p, a) => rec.writeDoubleLE(p, 8 * (1 + a)));
      sink.write(rec);
      options.onProgress?.(++done, times.length);
    }
    return { path: out, ...sink.close() };
  } catch (err) {
    sink.abort();
    throw err;
  }
}
