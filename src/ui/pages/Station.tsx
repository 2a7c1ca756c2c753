/** The Station page: where the dish is, and what the live view listens to. */
import { useEffect, useRef, useState } from 'react';
import type { Result } from '../../api/contract.ts';
import { groupMembers, isSimulated, simGroupSpec } from '../inputs.ts';
import type { StationView } from '../station.ts';
import { sameBackend } from './Live.tsx';
import { RotatorPanel } from './Rotator.tsx';
import { inUseText, isDefaultSite } from '../source-name.ts';

export function StationPage({ station }: { station: StationView }) {
  return (
    <div className="station-page">
      <SiteForm station={station} />
      <SourcesPanel station={station} />
      <RotatorPanel station={station} />
    </div>
  );
}

function SiteForm({ station }: { station: StationView }) {
  const site = station.status?.site;
  const [form, setForm] = useState({ name: '', lat: '', lon: '', altitude: '' });
  const [saved, setSaved] = useState<string | null>(null);
  useEffect(() => {
    if (site) setForm({ name: site.name, lat: String(site.lat), lon: String(site.lon), altitude: String(site.altitude) });
  }, [site?.name, site?.lat, site?.lon, site?.altitude]);
  const field = (k: keyof typeof form) => ({ value: form[k], onChange: (e: React.ChangeEvent<HTMLInputElement>) => setForm({ ...form, [k]: e.target.value }) });

  const save = async (ev: React.FormEvent) => {
    ev.preventDefault();
    setSaved(null);
    const result = await station.call('station.setSite', { name: form.name, lat: Number(form.lat), lon: Number(form.lon), altitude: Number(form.altitude) }, 'save the site');
    if (result) setSaved(`Saved ${result.name} at ${new Date().toISOString().slice(11, 19)} UTC`);
  };

  return (
    <form className="panel form" onSubmit={save}>
      <div className="panel-head">
        <h2>Site</h2>
      </div>
      <p className="muted">Where the dish stands: the sun's position, transit times and velocity corrections are computed for it.</p>
      {isDefaultSite(site) ? (
        <p className="warn-text small" data-testid="site-default">
          Fringe starts at Greenwich until you save where your dish stands: enter its name, latitude, longitude and altitude.
        </p>
      ) : null}
      {station.status?.live && isSimulated(station.status.live) ? (
        <p className="muted small" data-testid="site-sim">
          While the simulator runs, the sky (sun, transit, time) is its scenario's: its own site and sky clock. This site applies to a real dongle.
        </p>
      ) : null}
      <label>
        Name
        <input required maxLength={120} {...field('name')} data-testid="site-name" />
      </label>
      <div className="row">
        <label>
          <span>Latitude <span className="unit">° N</span></span>
          <input inputMode="decimal" required {...field('lat')} data-testid="site-lat" />
        </label>
        <label>
          <span>Longitude <span className="unit">° E</span></span>
          <input inputMode="decimal" required {...field('lon')} data-testid="site-lon" />
        </label>
        <label>
          <span>Altitude <span className="unit">m</span></span>
          <input inputMode="decimal" required {...field('altitude')} data-testid="site-alt" />
        </label>
      </div>
      <div className="row buttons">
        <button className="primary" type="submit" data-testid="site-save">
          Save site
        </button>
        {saved ? <span className="ok-text small">{saved}</span> : null}
      </div>
    </form>
  );
}

type Sources = Result<'sources.list'>;
type Endpoint = Sources['rtlTcp'][number];

/** Whether a live source spec is this dongle (rtlsdr:INDEX, rtlsdr:SERIAL, rtlsdr:serial=SERIAL; bare rtlsdr is index 0). */
function isDongle(spec: string, d: { index: number; serial: string }): boolean {
  if (spec === 'rtlsdr') return d.index === 0;
  const rest = spec.startsWith('rtlsdr:') ? spec.slice(7) : null;
  if (rest === null) return false;
  return rest === String(d.index) || (d.serial !== '' && (rest === d.serial || rest === `serial=${d.serial}`));
}

/** Whether a live source spec is this rtl_tcp endpoint (rtltcp:HOST means port 1234). */
function isEndpoint(spec: string, endpoint: string): boolean {
  if (!spec.startsWith('rtltcp:')) return false;
  const live = spec.slice(7);
  const norm = (e: string) => (/:\d+$/.test(e) && !/^\[[^\]]*\]$/.test(e) ? e : `${e}:1234`).toLowerCase();
  return norm(live) === norm(endpoint);
}

/** Whether a live group has this rtl_tcp endpoint among its members. */
function inGroup(spec: string, endpoint: string): boolean {
  return groupMembers(spec)?.some((m) => isEndpoint(m, endpoint)) ?? false;
}

/**
 * What the station can listen to (`sources.list`): the dongles librtlsdr
 * sees, the rtl_tcp servers listed (each probed: reachable with its tuner, or
 * why not), and the simulator with its scenarios. The source in use is
 * highlighted; Use restarts the live view on another.
 */
function SourcesPanel({ station }: { station: StationView }) {
  const live = station.status?.live ?? null;
  const current = live?.source ?? '';
  const recording = !!station.status?.recording;
  const scenario = station.status?.scenario ?? null;
  const [sources, setSources] = useState<Sources | null>(null);
  const [probing, setProbing] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [draft, setDraft] = useState('');
  const [draftError, setDraftError] = useState<string | null>(null);
  const open = station.connection === 'open';

  // Listings can overlap (a probe waits up to its timeout) and answer out of order: only the newest one is shown,
  // so a slow listing made while a group was opening cannot overwrite the one made once it runs.
  const latest = useRef(0);
  const refresh = async () => {
    const mine = ++latest.current;
    setProbing(true);
    const s = await station.call('sources.list', {}, 'list the sources');
    if (mine !== latest.current) return;
    if (s) setSources(s);
    setProbing(false);
  };
  // On connecting, and whenever the live view changes source (an endpoint in use is not probed; a released one is).
  useEffect(() => {
    if (open) void refresh();
  }, [open, current]);

  const use = async (spec: string, keepTuning = true) => {
    setBusy(spec);
    const tuning = keepTuning && live ? { tuning: { centerFrequency: live.tuning.centerFrequency, gain: live.tuning.gain } } : {};
    await station.call('live.start', { source: spec, ...sameBackend(live), ...tuning }, `switch to ${spec}`);
    setBusy(null);
  };

  const add = async (ev: React.FormEvent) => {
    ev.preventDefault();
    setDraftError(null);
    setProbing(true);
    const s = await station.client.call('station.addEndpoint', { endpoint: draft.trim() }).catch((err: Error) => {
      setDraftError(err.message.replace(/^station\.addEndpoint: (endpoint: )?/, ''));
      return undefined;
    });
    setProbing(false);
    if (s) {
      latest.current++; // newer than any listing still in flight
      setSources(s);
      setDraft('');
    }
  };

  const remove = async (endpoint: string) => {
    const s = await station.call('station.removeEndpoint', { endpoint }, `remove ${endpoint}`);
    if (s) {
      latest.current++;
      setSources(s);
    }
  };

  const choose = async (name: string | null) => {
    setBusy('scenario');
    await station.call('station.setScenario', { scenario: name }, `choose the scenario ${name ?? 'default'}`);
    setBusy(null);
  };

  const simLive = live?.kind === 'sim';
  const simGroupLive = !!live && !simLive && isSimulated(live);
  const scenarios = sources?.simulator.scenarios ?? [];
  const chosen = scenarios.find((c) => c.name === scenario);
  // A scenario of several antennas can be opened as one coherent group of all of them.
  const simGroup = chosen && chosen.antennas > 1 ? simGroupSpec(chosen.antennas) : null;
  // Two or more reachable rtl_tcp servers (those in use count) can be opened as a group, in the listed order.
  const reachable = sources?.rtlTcp.filter((e) => e.reachable).map((e) => e.endpoint) ?? [];
  const endpointGroup = reachable.length >= 2 ? `group:${reachable.map((e) => `rtltcp:${e}`).join(',')}` : null;
  const lockedOut = recording ? 'Stop the recording to change the source.' : undefined;

  return (
    <div className="panel form sources-panel" data-testid="sources-panel">
      <div className="panel-head">
        <h2>Sources</h2>
        <div className="panel-tools">
          {probing ? <span className="muted small">probing…</span> : null}
          <button onClick={() => void refresh()} disabled={probing || !open} data-testid="sources-refresh" title="List the dongles again and probe every rtl_tcp server">
            Refresh
          </button>
        </div>
      </div>
      <dl className="facts">
        <dt>In use</dt>
        <dd data-testid="source-in-use">{live ? inUseText(live) : 'none: the live view is stopped'}</dd>
        {live ? (
          <>
            <dt>Correlator</dt>
            <dd>
              {live.channels} channels · {live.taps} taps · {live.integration} s per spectrum · {live.backend} backend
            </dd>
          </>
        ) : null}
      </dl>
      {recording ? <p className="muted small">{lockedOut}</p> : null}

      <h3 className="source-group">RTL-SDR dongles</h3>
      <div className="source-list" data-testid="dongles">
        {sources?.dongles.devices.map((d) => {
          const spec = `rtlsdr:${d.index}`;
          const on = isDongle(current, d);
          return (
            <div key={d.index} className={`source-row ${on ? 'on' : ''}`} data-testid={`dongle-${d.index}`}>
              <span className="dot ok" />
              <div className="source-main">
                <strong>
                  #{d.index} {d.name}
                </strong>
                <div className="muted small">
                  {[d.manufacturer, d.product].filter(Boolean).join(' ')} · serial {d.serial || '(unreadable: in use?)'}
                </div>
              </div>
              {on ? <span className="tag">in use</span> : null}
              <button className="primary" disabled={on || recording || busy !== null} title={lockedOut} onClick={() => void use(spec)} data-testid="dongle-use">
                {busy === spec ? 'Opening…' : 'Use'}
              </button>
            </div>
          );
        })}
        {sources && sources.dongles.devices.length === 0 ? (
          <p className="muted small source-note" data-testid="dongles-note">
            {sources.dongles.note}
          </p>
        ) : null}
        {!sources ? <p className="muted small source-note">Looking…</p> : null}
      </div>

      <h3 className="source-group">rtl_tcp servers</h3>
      <div className="source-list" data-testid="endpoints">
        {sources?.rtlTcp.map((e) => (
          <EndpointRow
            key={e.endpoint}
            e={e}
            alone={isEndpoint(current, e.endpoint)}
            member={inGroup(current, e.endpoint)}
            disabled={recording || busy !== null}
            opening={busy === `rtltcp:${e.endpoint}`}
            title={lockedOut}
            onUse={() => void use(`rtltcp:${e.endpoint}`)}
            onRemove={() => void remove(e.endpoint)}
          />
        ))}
        {endpointGroup ? (
          <div className="row group-use">
            <button
              className="primary"
              disabled={current === endpointGroup || recording || busy !== null}
              title={lockedOut ?? 'Open them as one coherent group: dongles sharing a clock, their delays measured from a common signal'}
              onClick={() => void use(endpointGroup)}
              data-testid="endpoints-group-use"
            >
              {busy === endpointGroup ? 'Opening…' : `Use reachable endpoints as a group (${reachable.length})`}
            </button>
            {current === endpointGroup ? <span className="tag">in use</span> : null}
          </div>
        ) : null}
        {sources && sources.rtlTcp.length === 0 ? <p className="muted small source-note">None listed. Add a dongle on another machine (rtl_tcp, or `fringe sim --rtl-tcp`):</p> : null}
        <form className="row endpoint-add" onSubmit={add}>
          <input
            value={draft}
            onChange={(ev) => {
              setDraft(ev.target.value);
              setDraftError(null);
            }}
            placeholder="HOST:PORT, e.g. 192.168.1.20:1234"
            aria-label="rtl_tcp server, HOST:PORT"
            required
            maxLength={262}
            data-testid="endpoint-input"
          />
          <button type="submit" disabled={!open || probing || draft.trim() === ''} data-testid="endpoint-add">
            Add
          </button>
        </form>
        {draftError ? (
          <p className="danger-text small source-note" data-testid="endpoint-error">
            {draftError}
          </p>
        ) : null}
      </div>

      <h3 className="source-group">Simulator</h3>
      <div className={`source-row sim ${simLive || simGroupLive ? 'on' : ''}`} data-testid="sim-row">
        <span className="dot sim" />
        <div className="source-main">
          <label className="inline scenario-pick">
            Scenario
            <select
              value={scenario ?? ''}
              disabled={!sources || busy !== null || (recording && simLive)}
              title={recording && simLive ? 'Stop the recording to change the scenario.' : undefined}
              onChange={(ev) => void choose(ev.target.value === '' ? null : ev.target.value)}
              data-testid="scenario-select"
            >
              {scenarios.map((c) => (
                <option key={c.name ?? ''} value={c.name ?? ''}>
                  {c.name ?? 'default'}
                </option>
              ))}
              {scenario !== null && sources && !chosen ? <option value={scenario}>{scenario} (file)</option> : null}
            </select>
          </label>
          <div className="muted small" data-testid="scenario-description">
            {chosen?.description ?? (scenario ? `A scenario file set in station.json: ${scenario}` : '')}
          </div>
        </div>
        {simLive ? <span className="tag">in use</span> : simGroupLive ? <span className="tag">in use as a group</span> : null}
        <div className="sim-buttons">
          <button className="primary" disabled={simLive || recording || busy !== null} title={lockedOut} onClick={() => void use('sim', false)} data-testid="sim-use">
            {busy === 'sim' ? 'Opening…' : 'Use'}
          </button>
          {simGroup ? (
            <button
              className="primary"
              disabled={current === simGroup || recording || busy !== null}
              title={lockedOut ?? `${simGroup}: every antenna of the scenario as one coherent group of inputs, their delays measured when it starts`}
              onClick={() => void use(simGroup, false)}
              data-testid="sim-group-use"
            >
              {busy === simGroup ? 'Opening…' : `Use as interferometer (${chosen!.antennas} antennas)`}
            </button>
          ) : null}
        </div>
      </div>
    </div>
  );
}

/** One rtl_tcp server; `alone`: the live view uses it, `member`: the live group has it among its inputs. */
function EndpointRow(p: { e: Endpoint; alone: boolean; member: boolean; disabled: boolean; opening: boolean; title?: string; onUse(): void; onRemove(): void }) {
  const { e } = p;
  const on = p.alone || p.member;
  return (
    <div className={`source-row ${on ? 'on' : ''}`} data-testid={`endpoint-${e.endpoint}`}>
      <span className={`dot ${e.reachable ? 'ok' : 'bad'}`} data-testid="endpoint-dot" title={e.reachable ? 'reachable' : 'unreachable'} />
      <div className="source-main">
        <strong className="mono">{e.endpoint}</strong>
        <div className={`small ${e.reachable ? 'muted' : 'danger-text'}`} data-testid="endpoint-state" title={e.reachable ? undefined : e.detail}>
          {!e.reachable ? `${e.reason} — ${e.detail}` : e.inUse && e.gains === 0 ? 'connected' : `${e.inUse ? 'connected' : 'reachable'} · ${e.tuner} tuner · ${e.gains} gains`}
        </div>
      </div>
      {on ? <span className="tag">{p.alone ? 'in use' : 'in the group'}</span> : null}
      <button className="primary" disabled={p.alone || p.disabled} title={p.title} onClick={p.onUse} data-testid="endpoint-use">
        {p.opening ? 'Opening…' : 'Use'}
      </button>
      <button className="ghost" onClick={p.onRemove} data-testid="endpoint-remove" aria-label={`remove ${e.endpoint}`} title="Remove from the list">
        Remove
      </button>
    </div>
  );
}
