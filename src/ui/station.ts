/**
 * The station as the pages see it: one client, the latest status and
 * spectrum, a bounded history (total power and waterfall rows per input, a
 * group's baseline coherences) and the error banners, as a React hook.
 */
import { useEffect, useRef, useState } from 'react';
import type { Events } from '../api/contract.ts';
import type { SpectrumEvent } from '../api/types.ts';
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
/** Spectra kept for the waterfall, per input: a minute at 4 per second. */
export const waterfallRows = 240;
/** A group's baseline coherences kept: 5 minutes at 4 per second. */
const baselineLength = 1200;

export interface BaselineHistory {
  /** Integration start times (Unix s), oldest first. */
  time: number[];
  /** The baselines' inputs, in the order of SpectrumEvent.baselines. */
  pairs: { a: number; b: number }[];
  /** Per baseline: its band coherence (0…1) at each time. */
  coherence: number[][];
}

export interface PowerHistory {
  /** Inputs of the source the history is of (1 for a single dongle; a group's members). */
  inputs: number;
  time: number[];
  /** Per input: total power at each time. */
  power: number[][];
  /** Per input: its last `waterfallRows` spectra, oldest first, for the waterfall (kept while other pages show). */
  rows: Float32Array[][];
  /** A group's baselines (empty for a single input). */
  baselines: BaselineHistory;
  /** Samples dropped and spectra seen since this page connected. */
  dropped: number;
  spectra: number;
  /** Bumped on each new point, so plots know to redraw. */
  version: number;
}

function emptyHistory(inputs: number): Omit<PowerHistory, 'dropped' | 'spectra' | 'version'> {
  return {
    inputs,
    time: [],
    power: Array.from({ length: inputs }, () => []),
    rows: Array.from({ length: inputs }, () => []),
    baselines: { time: [], pairs: [], coherence: [] },
  };
}

/** Drops the oldest entries of `a` past `n`. */
function keepLast<T>(a: T[], n: number): void {
  if (a.length > n) a.splice(0, a.length - n);
}

/** Adds one spectrum to the history, starting afresh when the source's input count changes. */
function record(h: PowerHistory, e: SpectrumEvent): void {
  const inputs = e.power.length;
  if (h.inputs !== inputs) Object.assign(h, emptyHistory(inputs));
  h.time.push(e.time);
  keepLast(h.time, historyLength);
  h.power.forEach((p, i) => {
    p.push(e.totalPower[i] ?? NaN);
    keepLast(p, historyLength);
  });
  h.rows.forEach((rows, i) => {
    const last = rows.at(-1);
    if (last && last.length !== e.channels) rows.length = 0;
    rows.push(e.power[i]!);
    keepLast(rows, waterfallRows);
  });
  const bl = h.baselines;
  if (e.baselines?.length) {
    if (bl.pairs.length !== e.baselines.length) Object.assign(bl, { time: [], pairs: e.baselines.map(({ a, b }) => ({ a, b })), coherence: e.baselines.map(() => []) });
    bl.time.push(e.time);
    keepLast(bl.time, baselineLength);
    e.baselines.forEach((x, k) => {
      bl.coherence[k]!.push(x.coherence);
      keepLast(bl.coherence[k]!, baselineLength);
    });
  }
  h.dropped += e.dropped.reduce((a, b) => a + b, 0);
  h.spectra++;
  h.version++;
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
  const history = useRef<PowerHistory>({ ...emptyHistory(1), dropped: 0, spectra: 0, version: 0 });

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
        record(history.current, e);
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
