/** The Station page: where the dish is, and what the live view listens to. */
import { useEffect, useState } from 'react';
import type { StationView } from '../station.ts';
import { sameBackend } from './Live.tsx';
import { RotatorPanel } from './Rotator.tsx';

type SourceKind = 'sim' | 'rtlsdr' | 'rtltcp';

export function StationPage({ station }: { station: StationView }) {
  return (
    <div className="station-page">
      <SiteForm station={station} />
      <SourcePanel station={station} />
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
    const result = await station.client
      .call('station.setSite', { name: form.name, lat: Number(form.lat), lon: Number(form.lon), altitude: Number(form.altitude) })
      .catch((err) => station.report(err, 'save the site'));
    if (result) setSaved(`Saved ${result.name} at ${new Date().toISOString().slice(11, 19)} UTC`);
  };

  return (
    <form className="panel form" onSubmit={save}>
      <div className="panel-head">
        <h2>Site</h2>
      </div>
      <p className="muted">Where the dish stands: the sun's position, transit times and velocity corrections are computed for it.</p>
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

function SourcePanel({ station }: { station: StationView }) {
  const live = station.status?.live ?? null;
  const current = live?.source ?? '';
  const [kind, setKind] = useState<SourceKind>('sim');
  const [index, setIndex] = useState('0');
  const [endpoint, setEndpoint] = useState('127.0.0.1:1234');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (current.startsWith('rtltcp:')) {
      setKind('rtltcp');
      setEndpoint(current.slice(7));
    } else if (current.startsWith('rtlsdr')) {
      setKind('rtlsdr');
      setIndex(current.split(':')[1] ?? '0');
    } else if (current) setKind('sim');
  }, [current]);

  const spec = kind === 'sim' ? 'sim' : kind === 'rtlsdr' ? `rtlsdr:${index.trim() || '0'}` : `rtltcp:${endpoint.trim()}`;
  const use = async () => {
    setBusy(true);
    await station.client.call('live.start', { source: spec, ...sameBackend(live), ...(live ? { tuning: { centerFrequency: live.tuning.centerFrequency, gain: live.tuning.gain } } : {}) }).catch((err) => station.report(err, `switch to ${spec}`));
    setBusy(false);
  };

  return (
    <div className="panel form">
      <div className="panel-head">
        <h2>Source</h2>
      </div>
      <dl className="facts">
        <dt>In use</dt>
        <dd data-testid="source-in-use">{live ? `${live.name} (${live.source})` : 'none: the live view is stopped'}</dd>
        {live ? (
          <>
            <dt>Correlator</dt>
            <dd>
              {live.channels} channels · {live.taps} taps · {live.integration} s per spectrum · {live.backend} backend
            </dd>
          </>
        ) : null}
      </dl>
      <div className="choices" role="radiogroup">
        <label className={`choice ${kind === 'sim' ? 'on' : ''}`}>
          <input type="radio" checked={kind === 'sim'} onChange={() => setKind('sim')} data-testid="source-sim" />
          <div>
            <strong>Simulator</strong>
            <div className="muted small">
              A seeded model of a 1 m dish tracking the sun at the June solstice: receiver noise, the sun, the galactic hydrogen line with its Doppler shift, an RFI tone, and the
              dongle's bandpass, DC spike and 8-bit clipping. Use it to learn the instrument with no hardware.
            </div>
          </div>
        </label>
        <label className={`choice ${kind === 'rtlsdr' ? 'on' : ''}`}>
          <input type="radio" checked={kind === 'rtlsdr'} onChange={() => setKind('rtlsdr')} data-testid="source-rtlsdr" />
          <div>
            <strong>RTL-SDR dongle</strong>
            <div className="muted small">Plugged into this machine (librtlsdr). Index or serial number:</div>
            <input value={index} onChange={(e) => setIndex(e.target.value)} disabled={kind !== 'rtlsdr'} className="narrow" />
          </div>
        </label>
        <label className={`choice ${kind === 'rtltcp' ? 'on' : ''}`}>
          <input type="radio" checked={kind === 'rtltcp'} onChange={() => setKind('rtltcp')} data-testid="source-rtltcp" />
          <div>
            <strong>rtl_tcp server</strong>
            <div className="muted small">A dongle on another machine (rtl_tcp, or `fringe sim --rtl-tcp`). HOST:PORT:</div>
            <input value={endpoint} onChange={(e) => setEndpoint(e.target.value)} disabled={kind !== 'rtltcp'} className="narrow" data-testid="rtltcp-endpoint" />
          </div>
        </label>
      </div>
      <div className="row buttons">
        <button className="primary" disabled={busy || !!station.status?.recording} onClick={use} data-testid="source-use">
          {busy ? 'Opening…' : `Use ${spec}`}
        </button>
        {station.status?.recording ? <span className="muted small">Stop the recording to change the source.</span> : null}
      </div>
    </div>
  );
}
