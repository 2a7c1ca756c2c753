/**
 * The station as the pages see it: one client, the latest status and
 * spectrum, a bounded history (total power and waterfall rows per input, a
 * group's baseline coherences) and the error banners, as a React hook.
 *
 * Error banners: at most one per topic (the live view, the recording, the
 * rotator, …). A failure replaces its topic's banner instead of piling up
 * beside it, and the next change of that topic that succeeds clears it.
 */
import { useEffect, useRef, useState } from 'react';
import type { Events, MethodName, Params, Result } from '../api/contract.ts';
import type { ErrorCause, SpectrumEvent, StationErrorEvent } from '../api/types.ts';
import { powerHistoryLength, type LiveHistory } from '../api/history.ts';
import { CallError, connectStation, type ConnectionState, type StationClient } from './api.ts';

export type Status = Events['status'];
export type RotatorView = Events['rotator'];

/** What a banner is about: a new one replaces the banner of the same topic. */
export type BannerTopic = 'connection' | 'live' | 'recording' | 'rotator' | 'site' | 'sources' | 'observations' | 'uploads';

export interface Banner {
  id: number;
  topic: BannerTopic;
  kind: 'error' | 'notice';
  text: string;
  /** What went wrong underneath, when the station said (a device busy, a disk full, …). */
  cause?: ErrorCause;
}

/** The topic of a call's banner. */
export function topicOf(method: MethodName): BannerTopic {
  switch (method) {
    case 'live.start':
    case 'live.stop':
    case 'live.history':
    case 'station.setScenario':
      return 'live';
    case 'record.start':
    case 'record.stop':
      return 'recording';
    case 'station.setSite':
      return 'site';
    case 'sources.list':
    case 'station.addEndpoint':
    case 'station.removeEndpoint':
      return 'sources';
    case 'targets.list':
    case 'targets.add':
    case 'targets.remove':
    case 'uploads.formats':
    case 'uploads.start':
    case 'uploads.list':
    case 'uploads.retry':
    case 'uploads.cancel':
      return 'uploads';
    case 'schedule.add':
    case 'schedule.list':
    case 'schedule.remove':
    case 'schedule.plan':
    case 'schedule.log':
    case 'schedule.survey':
      return 'observations';
    case 'station.status':
    case 'station.sun':
      return 'connection';
    default:
      return method.startsWith('rotator.') ? 'rotator' : 'observations';
  }
}

/** The topic of an error the station reports on its own (StationErrorEvent.area). */
const eventTopic: Record<StationErrorEvent['area'], BannerTopic> = { live: 'live', recording: 'recording', rotator: 'rotator', uploads: 'uploads' };

/** A banner's heading for what went wrong underneath; null where the message says it all. */
export function causeTitle(cause: ErrorCause | undefined): string | null {
  switch (cause) {
    case 'busy':
      return 'In use by another program.';
    case 'permission':
      return 'Permission denied.';
    case 'refused':
      return 'Nothing listening.';
    case 'unreachable':
      return 'Host unreachable.';
    case 'dns':
      return 'Unknown host.';
    case 'timeout':
      return 'No answer.';
    case 'unplugged':
      return 'Connection lost.';
    case 'disk-full':
      return 'Disk full.';
    case 'read-only':
      return 'Read-only.';
    case 'not-installed':
      return 'Not installed.';
    case 'out-of-range':
      return 'Out of range.';
    case 'not-found':
      return 'Not found.';
    case 'protocol':
      return 'Unexpected answer.';
    case 'invalid':
    case 'state':
    case 'unknown':
    case undefined:
      return null;
  }
}

/** Total power points kept for the strip chart: 20 minutes at 4 per second (as many as the engine keeps). */
const historyLength = powerHistoryLength;
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
  /** Per baseline: the band-summed phase (degrees) at each time. */
  phase: number[][];
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
  /** Per point: samples dropped (all inputs) and taken in, so a history fetched from the engine joins the points that came meanwhile. */
  droppedAt: number[];
  samplesAt: number[];
  /** Per point: whether its power is in kelvin (the strip chart plots the points in the current unit only). */
  kelvinAt: boolean[];
  /** Since the live view started (the engine's count, once fetched; else since this page connected): samples dropped and taken in (all inputs), spectra, and when it started (Unix s). */
  dropped: number;
  samples: number;
  spectra: number;
  since: number | null;
  /** Bumped on each new point, so plots know to redraw. */
  version: number;
}

function emptyHistory(inputs: number): Omit<PowerHistory, 'dropped' | 'samples' | 'spectra' | 'since' | 'version'> {
  return {
    inputs,
    time: [],
    droppedAt: [],
    samplesAt: [],
    kelvinAt: [],
    power: Array.from({ length: inputs }, () => []),
    rows: Array.from({ length: inputs }, () => []),
    baselines: { time: [], pairs: [], coherence: [], phase: [] },
  };
}

/** Drops the oldest entries of `a` past `n`. */
function keepLast<T>(a: T[], n: number): void {
  if (a.length > n) a.splice(0, a.length - n);
}

/**
 * Whether a spectrum at `time` (Unix s) belongs to another sky than the history's: its clock went back, or
 * jumped ahead by more than an hour (another simulator scenario, or the simulator left for a dongle): the engine
 * started a new live view and its power log with it.
 */
function newSky(h: PowerHistory, time: number): boolean {
  const last = h.time.at(-1);
  return last !== undefined && (time < last || time - last > 3600);
}

/** Adds one spectrum to the history, starting afresh when the source's input count changes or its sky does. */
function record(h: PowerHistory, e: SpectrumEvent): void {
  const inputs = e.power.length;
  if (h.inputs !== inputs || newSky(h, e.time)) Object.assign(h, emptyHistory(inputs), { dropped: 0, samples: 0, spectra: 0, since: null });
  const dropped = e.dropped.reduce((a, b) => a + b, 0);
  const samples = e.spectra * e.channels * inputs;
  h.time.push(e.time);
  keepLast(h.time, historyLength);
  h.droppedAt.push(dropped);
  keepLast(h.droppedAt, historyLength);
  h.samplesAt.push(samples);
  keepLast(h.samplesAt, historyLength);
  h.kelvinAt.push(!!e.kelvin);
  keepLast(h.kelvinAt, historyLength);
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
    if (bl.pairs.length !== e.baselines.length) Object.assign(bl, { time: [], pairs: e.baselines.map(({ a, b }) => ({ a, b })), coherence: e.baselines.map(() => []), phase: e.baselines.map(() => []) });
    bl.time.push(e.time);
    keepLast(bl.time, baselineLength);
    e.baselines.forEach((x, k) => {
      bl.coherence[k]!.push(x.coherence);
      keepLast(bl.coherence[k]!, baselineLength);
      bl.phase[k]!.push(x.phase);
      keepLast(bl.phase[k]!, baselineLength);
    });
  }
  h.dropped += dropped;
  h.samples += samples;
  h.spectra++;
  h.since ??= e.time;
  h.version++;
}

/**
 * Puts the engine's history of the live view (fetched on connecting) before
 * the points this page got since: those after its last time are kept, on top
 * of its totals. A history of another input count is not this source's.
 */
export function joinHistory(h: PowerHistory, past: LiveHistory): void {
  if (past.inputs !== h.inputs && h.time.length > 0) return;
  const last = past.time.at(-1) ?? -Infinity;
  const from = h.time.findIndex((t) => t > last);
  const keep = from < 0 ? 0 : h.time.length - from;
  const tail = <T,>(a: T[]) => (keep ? a.slice(-keep) : []);
  const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
  const tailDropped = sum(tail(h.droppedAt));
  const tailSamples = sum(tail(h.samplesAt));
  const cut = <T,>(a: T[]) => a.slice(-historyLength);
  const power = Array.from({ length: past.inputs }, (_, i) => cut([...(past.power[i] ?? []), ...tail(h.power[i] ?? [])]));
  Object.assign(h, {
    inputs: past.inputs,
    time: cut([...past.time, ...tail(h.time)]),
    power,
    droppedAt: cut([...past.dropped, ...tail(h.droppedAt)]),
    samplesAt: cut([...past.samples, ...tail(h.samplesAt)]),
    kelvinAt: cut([...(past.kelvin ?? past.time.map(() => false)), ...tail(h.kelvinAt)]),
    dropped: past.totals.dropped + tailDropped,
    samples: past.totals.samples + tailSamples,
    spectra: past.totals.spectra + keep,
    since: past.totals.since ?? h.since,
  });
  if (h.rows.length !== past.inputs) h.rows = Array.from({ length: past.inputs }, () => []);
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
  /** Bumped when a call changed the stored observations (a recording stopped and closed, one deleted or reprocessed): lists reload on it. */
  dataVersion: number;
  banners: Banner[];
  dismiss(id: number): void;
  /**
   * Calls a method; on success clears its topic's banner and resolves to the result, on failure
   * replaces that banner with "Could not DOING: why" and resolves to undefined.
   */
  call<M extends MethodName>(method: M, params: Params<M>, doing: string): Promise<Result<M> | undefined>;
  /** Shows a failure (a refused call, or an input the page refused) as its topic's banner; returns undefined so callers can `?? fallback`. */
  report(err: unknown, doing: string, topic: BannerTopic): undefined;
  /** Clears the topic's banner (its next change succeeded). */
  clear(topic: BannerTopic): void;
}

let bannerId = 1;

export function useStation(): StationView {
  const [client] = useState(() => connectStation());
  const [connection, setConnection] = useState<ConnectionState>(client.state);
  const [status, setStatus] = useState<Status | null>(null);
  const [spectrum, setSpectrum] = useState<SpectrumEvent | null>(null);
  const [rotator, setRotator] = useState<RotatorView | null>(null);
  const [banners, setBanners] = useState<Banner[]>([]);
  const [dataVersion, setDataVersion] = useState(0);
  const history = useRef<PowerHistory>({ ...emptyHistory(1), dropped: 0, samples: 0, spectra: 0, since: null, version: 0 });
  const [, setJoined] = useState(0);

  const push = (topic: BannerTopic, kind: Banner['kind'], text: string, cause?: ErrorCause) =>
    setBanners((b) => [...b.filter((x) => x.topic !== topic), { id: bannerId++, topic, kind, text, ...(cause ? { cause } : {}) }]);
  const clear = (topic: BannerTopic) => setBanners((b) => (b.some((x) => x.topic === topic) ? b.filter((x) => x.topic !== topic) : b));
  const report = (err: unknown, doing: string, topic: BannerTopic): undefined => {
    const message = err instanceof CallError || err instanceof Error ? err.message : String(err);
    push(topic, 'error', `Could not ${doing}: ${message}`, err instanceof CallError ? err.cause : undefined);
    return undefined;
  };

  useEffect(() => {
    let opened = false;
    const offs = [
      client.onState((s, why) => {
        setConnection(s);
        if (s === 'open') {
          opened = true;
          clear('connection');
          client.call('station.status').then(setStatus, () => {});
          // The live view's past (a reload keeps the power strip and the drop count).
          client.call('live.history').then((past) => {
            joinHistory(history.current, past);
            setJoined((n) => n + 1);
          }, () => {});
        } else if (s === 'closed') {
          setStatus(null);
          push(
            'connection',
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
      client.on('error', (e) => push(eventTopic[e.area] ?? 'live', 'error', e.message, e.cause)),
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
    dataVersion,
    banners,
    dismiss: (id) => setBanners((b) => b.filter((x) => x.id !== id)),
    async call(method, params, doing) {
      const topic = topicOf(method);
      try {
        const r = await client.call(method, params);
        clear(topic);
        // record.stop answers once a raw recording is closed and its observation complete.
        if (method === 'record.stop' || method === 'observations.delete' || method === 'observations.reprocess') setDataVersion((v) => v + 1);
        return r;
      } catch (err) {
        return report(err, doing, topic);
      }
    },
    report,
    clear,
  };
}
