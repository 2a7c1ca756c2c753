/**
 * The station as the pages see it: one client, the latest status and
 * spectrum, a total-power history and the error banners, as a React hook.
 */
import { useEffect, useRef, useState } from 'react';
import type { Events } from '../api/contract.ts';
import type { SpectrumEvent } from '../engine/station.ts';
import { CallError, connectStation, type ConnectionState, type StationClient } from './api.ts';

export type Status = Events['status'];
export type RotatorView = Events['rotator'];

export interface Banner {
  id: number;
  kind: 'error' | 'notice';
  text: string;
}

/** Total power points kept for the strip chart: 20 minutes at 4 per second. */
const historyLength = 4800;
/** Spectra kept for the waterfall: a minute at 4 per second. */
export const waterfallRows = 240;

export interface PowerHistory {
  time: number[];
  power: number[];
  /** The last `waterfallRows` spectra of input 0, oldest first, for the waterfall (kept while other pages show). */
  rows: Float32Array[];
  /** Samples dropped and spectra seen since this page connected. */
  dropped: number;
  spectra: number;
  /** Bumped on each new point, so plots know to redraw. */
  version: number;
}

export interface StationView {
  client: StationClient;
  connection: ConnectionState;
  status: Status | null;
  spectrum: SpectrumEvent | null;
  /** The rotator's latest position event while one is connected (null otherwise). */
  rotator: RotatorView | null;
  history: PowerHistory;
  banners: Banner[];
  dismiss(id: number): void;
  /** Shows a failed call as a banner; returns undefined so callers can `?? fallback`. */
  report(err: unknown, doing: string): undefined;
}

let bannerId = 1;

export function useStation(): StationView {
  const [client] = useState(() => connectStation());
  const [connection, setConnection] = useState<ConnectionState>(client.state);
  const [status, setStatus] = useState<Status | null>(null);
  const [spectrum, setSpectrum] = useState<SpectrumEvent | null>(null);
  const [rotator, setRotator] = useState<RotatorView | null>(null);
  const [banners, setBanners] = useState<Banner[]>([]);
  const history = useRef<PowerHistory>({ time: [], power: [], rows: [], dropped: 0, spectra: 0, version: 0 });

  const push = (kind: Banner['kind'], text: string) =>
    setBanners((b) => (b.some((x) => x.text === text) ? b : [...b.slice(-4), { id: bannerId++, kind, text }]));

  useEffect(() => {
    let opened = false;
    const offs = [
      client.onState((s, why) => {
        setConnection(s);
        if (s === 'open') {
          opened = true;
          setBanners((b) => b.filter((x) => !/^(Lost the station|Cannot reach the station)/.test(x.text)));
          client.call('station.status').then(setStatus, () => {});
        } else if (s === 'closed') {
          setStatus(null);
          push(
            'error',
            opened
              ? `Lost the station (${why ?? 'closed'}); reconnecting…`
              : `Cannot reach the station's API: ${why ?? 'refused'}. If it was started with a token, open the address fringe serve printed (it ends in ?token=…).`,
          );
        }
      }),
      client.on('status', (s) => {
        setStatus(s);
        if (!s.rotator) setRotator(null);
      }),
      client.on('rotator', setRotator),
      client.on('error', (e) => push('error', e.message)),
      client.on('spectrum', (e) => {
        const h = history.current;
        h.time.push(e.time);
        h.power.push(e.totalPower[0] ?? NaN);
        if (h.time.length > historyLength) {
          h.time.splice(0, h.time.length - historyLength);
          h.power.splice(0, h.power.length - historyLength);
        }
        const last = h.rows.at(-1);
        if (last && last.length !== e.channels) h.rows.length = 0;
        h.rows.push(e.power[0]!);
        if (h.rows.length > waterfallRows) h.rows.shift();
        h.dropped += e.dropped.reduce((a, b) => a + b, 0);
        h.spectra++;
        h.version++;
        setSpectrum(e);
      }),
    ];
    return () => offs.forEach((off) => off());
  }, [client]);

  // While recording, refresh the status each second: the engine emits it on changes only, and the
  // recording's integration count (header and Record panel) should count up.
  const recId = status?.recording?.id;
  useEffect(() => {
    if (recId === undefined) return;
    const t = setInterval(() => client.call('station.status').then(setStatus, () => {}), 1000);
    return () => clearInterval(t);
  }, [client, recId]);

  return {
    client,
    connection,
    status,
    spectrum,
    rotator: status?.rotator ? rotator : null,
    history: history.current,
    banners,
    dismiss: (id) => setBanners((b) => b.filter((x) => x.id !== id)),
    report(err, doing) {
      const message = err instanceof CallError || err instanceof Error ? err.message : String(err);
      push('error', `Could not ${doing}: ${message}`);
      return undefined;
    },
  };
}
