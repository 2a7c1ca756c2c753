/**
 * Where and with what an observation was made, as the exporters write it:
 * the site (from the observation's own config, else the store's site row),
 * the pointing (the config's start pointing and the 'pointing' events), the
 * sky clock, the receiver that produced the samples, and the rest frequency
 * when the band holds the hydrogen line. Values are read, never derived here:
 * the engine derives RA/Dec and l/b from az/el when it records them.
 */
import type { Store } from '../store/store.ts';
import type { Observation, ObservationConfig, ObservationPointing, ObservationSite } from '../store/types.ts';
import { card, fitsText } from './fits.ts';
import { geodeticToEcef } from './geometry.ts';
import { velocityFrame, velocityFrameCards } from './velocity-frame.ts';

/** The HI 21 cm line's rest frequency (Hz): 1420.405751768 MHz (experiments.md). */
export const hiRestFrequency = 1420405751.768;

/** The observation's site: config.site as recorded, else the site row it references; null when it has neither. */
export function observationSite(store: Store, obs: Observation): ObservationSite | null {
  const s = obs.config.site;
  if (s && Number.isFinite(s.lat) && Number.isFinite(s.lon)) return { name: s.name, lat: s.lat, lon: s.lon, altitude: Number.isFinite(s.altitude) ? s.altitude : 0 };
  if (obs.siteId == null) return null;
  const row = store.getSite(obs.siteId);
  return { name: row.name, lat: row.latitude, lon: row.longitude, altitude: row.altitude };
}

/** The same site in the store's row shape (latitude/longitude), for the exporters that read it that way. */
export function siteRow(site: ObservationSite | null): { name: string; latitude: number; longitude: number; altitude: number } | null {
  return site && { name: site.name, latitude: site.lat, longitude: site.lon, altitude: site.altitude };
}

/** A pointing with the time it took effect (Unix s, sky time). */
export interface TimedPointing extends ObservationPointing {
  time: number;
}

const isPointing = (d: unknown): d is ObservationPointing => {
  const p = d as Record<string, unknown> | null;
  return !!p && typeof p === 'object' && ['ra', 'dec', 'az', 'el'].some((k) => typeof p[k] === 'number');
};

/** Every pointing of an observation in time order: the config's at the start, then each 'pointing' event's. */
export function pointings(store: Store, obs: Observation): TimedPointing[] {
  const out: TimedPointing[] = [];
  if (obs.config.pointing && isPointing(obs.config.pointing)) out.push({ ...obs.config.pointing, time: obs.start });
  for (const e of store.events(obs.id)) if (e.kind === 'pointing' && isPointing(e.data)) out.push({ ...(e.data as ObservationPointing), time: e.time });
  return out.sort((a, b) => a.time - b.time);
}

/** config.source as the engine records it (provenance.ts): the spec, SourceInfo, and for the simulator its scenario (name, or null for the default). */
interface SourceRecord {
  spec?: string;
  kind?: string;
  name?: string;
  serial?: string;
  scenario?: string | null;
}

/**
 * What produced the samples, in words: the simulator and its scenario, an
 * rtl_tcp server's address and tuner, a dongle's name and serial, a replayed
 * file. Null when the observation did not record its source.
 */
export function sourceDescription(config: ObservationConfig): string | null {
  const s = config.source as SourceRecord | undefined;
  if (!s || typeof s !== 'object') return null;
  // The scenario's name, null for the built-in default, undefined when the observation did not record it.
  const scenario = s.scenario !== undefined ? s.scenario : (config.scenario as string | null | undefined);
  const name = typeof s.name === 'string' ? s.name : (s.spec ?? 'unknown');
  switch (s.kind) {
    case 'sim': {
      const which = typeof scenario === 'string' ? `; scenario ${scenario}` : scenario === null ? '; default scenario' : '';
      return `Fringe simulator (${name.replace(/^sim: /, '')}${which})`;
    }
    case 'rtltcp':
      return name.startsWith('rtl_tcp') ? name : `rtl_tcp ${s.spec ?? name}`;
    case 'rtlsdr':
      return `${name}${s.serial ? ` serial ${s.serial}` : ''}`;
    case 'file':
      return `file replay ${name}`;
    case 'group':
      return name;
    default:
      return `${name}${s.serial ? ` serial ${s.serial}` : ''}`;
  }
}

/** The rest frequency (Hz) of the hydrogen line when the recorded band contains it, else null. */
export function restFrequency(config: ObservationConfig): number | null {
  const { centerFrequency, sampleRate } = config.tuning;
  return Math.abs(hiRestFrequency - centerFrequency) < sampleRate / 2 ? hiRestFrequency : null;
}

/**
 * FITS cards for the site (OBSGEO-X/Y/Z in ITRF metres from WGS84, and the NOAO
 * SITELAT/SITELONG/SITEELEV), the start pointing (RA/DEC J2000 with
 * EQUINOX/RADESYS, GLON/GLAT, AZIMUTH/ELEVATIO), the rest frequency with
 * SPECSYS/SSYSOBS/VELREF and the LSR correction VLSRCORR (velocity-frame.ts) where
 * the band holds the line (`time`: when the correction is taken), and the sky clock.
 */
export function coordinateCards(store: Store, obs: Observation, time = obs.start): string[] {
  const cards: string[] = [];
  const site = observationSite(store, obs);
  if (site) {
    const [x, y, z] = geodeticToEcef(site.lat, site.lon, site.altitude);
    cards.push(
      card('OBSGEO-X', x, 'observatory ITRF X (m)'), card('OBSGEO-Y', y, 'observatory ITRF Y (m)'), card('OBSGEO-Z', z, 'observatory ITRF Z (m)'),
      // Not OBSGEO-B/L/H as well: wcslib checks them against X/Y/Z on an older ellipsoid than WGS84 and reports a 3 m inconsistency.

      card('SITENAME', fitsText(site.name)),
      card('SITELAT', site.lat, 'geodetic latitude (deg, north +)'), card('SITELONG', site.lon, 'longitude (deg, east +)'),
      card('SITEELEV', site.altitude, 'height above sea level (m)'),
    );
  }
  const p = pointings(store, obs)[0];
  if (p) {
    if (Number.isFinite(p.ra) && Number.isFinite(p.dec)) {
      cards.push(card('RA', p.ra, 'pointing at the start, J2000 (deg)'), card('DEC', p.dec, 'pointing at the start, J2000 (deg)'), card('EQUINOX', 2000), card('RADESYS', 'FK5'));
    }
    if (p.l !== undefined && p.b !== undefined) cards.push(card('GLON', p.l, 'galactic longitude of the pointing (deg)'), card('GLAT', p.b, 'galactic latitude of the pointing (deg)'));
    if (p.az !== undefined && p.el !== undefined) cards.push(card('AZIMUTH', p.az, 'azimuth at the start (deg, N through E)'), card('ELEVATIO', p.el, 'elevation at the start (deg)'));
    if (p.source) cards.push(card('POINTSRC', p.source, 'who gave the pointing'));
  }
  const frame = velocityFrame(store, obs, time);
  if (frame) cards.push(card('RESTFRQ', frame.rest_frequency_hz, 'HI rest frequency (Hz)'), ...velocityFrameCards(frame));
  else cards.push(card('SPECSYS', 'TOPOCENT', 'frequencies as observed'));
  const clock = obs.config.clock;
  if (clock) cards.push(card('SKYCLOCK', clock.kind, 'times are real, or the simulator\'s sky time'), card('SKYSPEED', clock.speed, 'sky seconds per wall-clock second'));
  return cards;
}
