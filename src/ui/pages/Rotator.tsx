/**
 * The rotator: connect form, position readout on a sky plot (zenith at the
 * centre, horizon at the rim, north up), goto, stop, park and "point at the
 * sun". Angles are degrees, azimuth from north through east.
 */
import { useEffect, useState } from 'react';
import type { Params, Result } from '../../api/contract.ts';
import type { RotatorView, StationView } from '../station.ts';

type Driver = Params<'rotator.connect'>['driver'];

const driverInfo: Record<Driver, { label: string; port: string; baud: number | null; help: string }> = {
  sim: { label: 'Simulated mount', port: '', baud: null, help: 'A mount with no wire, 6°/s in azimuth and 3°/s in elevation: with the simulator live, the simulated dish follows it.' },
  rotctld: { label: 'Hamlib rotctld', port: '127.0.0.1:4533', baud: null, help: 'Any rotator Hamlib drives, through rotctld over TCP. HOST:PORT.' },
  gs232a: { label: 'Yaesu GS-232A', port: '/dev/ttyUSB0', baud: 9600, help: 'Yaesu GS-232A controller on a serial port.' },
  gs232b: { label: 'Yaesu GS-232B', port: '/dev/ttyUSB0', baud: 9600, help: 'Yaesu GS-232B controller on a serial port.' },
  easycomm: { label: 'Easycomm II', port: '/dev/ttyUSB0', baud: 9600, help: 'Easycomm II controllers (SatNOGS, K3NG) on a serial port.' },
  rot2prog: { label: 'SPID Rot2Prog', port: '/dev/ttyUSB0', baud: 600, help: 'SPID Rot2Prog / MD-01 on a serial port.' },
};

const fmt = (x: number) => `${x.toFixed(1)}°`;
const signed = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(3)}`;

/** The sun in the sky the dish sees: the rotator's (simulator's sky when it is live), else the site's. */
function useSun(station: StationView): { az: number; el: number; sky: 'simulator' | 'site' } | null {
  const [site, setSite] = useState<Result<'station.sun'> | null>(null);
  useEffect(() => {
    const get = () => station.client.call('station.sun').then(setSite, () => {});
    if (station.connection === 'open') get();
    // A simulated sky may run many times faster than real time: refresh it often; a new scenario or source is a new sky at once.
    const t = setInterval(get, site?.sky.sky === 'simulator' ? 2_000 : 30_000);
    return () => clearInterval(t);
  }, [station.client, station.connection, station.status?.scenario, station.status?.live?.source, station.status?.site, site?.sky.sky]);
  if (station.rotator?.sun) return station.rotator.sun;
  return site?.sky ?? null;
}

/** Sky plot: zenith at the centre, the horizon at radius R, north up, east to the right. */
function SkyPlot({ rot, sun }: { rot: RotatorView | null; sun: { az: number; el: number } | null }) {
  const R = 92, c = 110;
  const at = (az: number, el: number) => {
    const r = (R * (90 - Math.max(-8, Math.min(90, el)))) / 90;
    const a = (az * Math.PI) / 180;
    return { x: c + r * Math.sin(a), y: c - r * Math.cos(a) };
  };
  const dish = rot ? at(rot.az, rot.el) : null;
  const target = rot?.target ? at(rot.target.az, rot.target.el) : null;
  const s = sun && sun.el > -8 ? at(sun.az, sun.el) : null;
  return (
    <svg viewBox="0 0 220 220" className="skyplot" data-testid="rotator-skyplot" role="img" aria-label="sky plot: dish and sun positions">
      <circle cx={c} cy={c} r={R} className="sky-horizon" />
      {[30, 60].map((el) => (
        <circle key={el} cx={c} cy={c} r={(R * (90 - el)) / 90} className="sky-ring" />
      ))}
      {Array.from({ length: 12 }, (_, i) => i * 30).map((az) => {
        const o = at(az, 0), i = at(az, az % 90 === 0 ? 80 : 84);
        return <line key={az} x1={i.x} y1={i.y} x2={o.x} y2={o.y} className="sky-ring" />;
      })}
      {(['N', 'E', 'S', 'W'] as const).map((l, i) => {
        const p = { x: c + (R + 11) * Math.sin((i * Math.PI) / 2), y: c - (R + 11) * Math.cos((i * Math.PI) / 2) };
        return (
          <text key={l} x={p.x} y={p.y + 4} className="sky-label">
            {l}
          </text>
        );
      })}
      <text x={c + 3} y={c - (R * 60) / 90 + 10} className="sky-el">30°</text>
      <text x={c + 3} y={c - (R * 30) / 90 + 10} className="sky-el">60°</text>
      {s ? (
        <g className="sky-sun">
          <circle cx={s.x} cy={s.y} r={6} />
          {Array.from({ length: 8 }, (_, i) => (i * Math.PI) / 4).map((a) => (
            <line key={a} x1={s.x + 8 * Math.cos(a)} y1={s.y + 8 * Math.sin(a)} x2={s.x + 11 * Math.cos(a)} y2={s.y + 11 * Math.sin(a)} />
          ))}
        </g>
      ) : null}
      {target ? <circle cx={target.x} cy={target.y} r={8} className="sky-target" /> : null}
      {dish ? (
        <g className={`sky-dish ${rot?.moving ? 'moving' : ''}`}>
          <line x1={c} y1={c} x2={dish.x} y2={dish.y} />
          <circle cx={dish.x} cy={dish.y} r={5} />
        </g>
      ) : null}
    </svg>
  );
}

export function RotatorPanel({ station }: { station: StationView }) {
  const connected = station.status?.rotator ?? null;
  const rot = station.rotator;
  const sun = useSun(station);
  const [driver, setDriver] = useState<Driver>('sim');
  const [port, setPort] = useState('');
  const [baud, setBaud] = useState('');
  const [az, setAz] = useState('180');
  const [el, setEl] = useState('45');
  const [busy, setBusy] = useState<string | null>(null);
  const info = driverInfo[driver];
  // The pointing correction the last sun drift stored: every goto adds it (the engine's rotator.goto).
  const [correction, setCorrection] = useState<Result<'pointing.correction'>>(null);
  useEffect(() => {
    if (station.connection === 'open') station.client.call('pointing.correction').then(setCorrection, () => {});
  }, [station.client, station.connection, connected?.driver]);

  const run = async <T,>(what: string, f: () => Promise<T>) => {
    setBusy(what);
    const r = await f().then(
      (v) => {
        station.clear('rotator');
        return v;
      },
      (err) => station.report(err, what, 'rotator'),
    );
    setBusy(null);
    return r;
  };
  const connect = (ev: React.FormEvent) => {
    ev.preventDefault();
    const p = port.trim() || info.port;
    void run(`connect the ${info.label}`, () =>
      station.client.call('rotator.connect', { driver, ...(driver !== 'sim' && p ? { port: p } : {}), ...(info.baud && baud.trim() ? { baud: Number(baud) } : {}) }),
    );
  };
  const goto = (a: number, e: number) => run(`move the rotator to az ${a.toFixed(1)}° el ${e.toFixed(1)}°`, () => station.client.call('rotator.goto', { az: a, el: e }));
  const onGoto = (ev: React.FormEvent) => {
    ev.preventDefault();
    void goto(Number(az), Number(el));
  };
  const pos = rot ?? connected;

  return (
    <div className="panel rotator-panel" data-testid="rotator-panel">
      <div className="panel-head">
        <h2>Rotator</h2>
        <div className="panel-tools">
          {connected ? (
            <span className="pill ok" data-testid="rotator-connected">
              {driverInfo[connected.driver].label}
              {connected.driver === 'sim' ? '' : ` · ${connected.port}`}
            </span>
          ) : (
            <span className="pill off">not connected</span>
          )}
        </div>
      </div>
      <div className="rotator-grid">
        <form className="form rotator-connect" onSubmit={connect}>
          <label>
            Driver
            <select value={driver} onChange={(e) => setDriver(e.target.value as Driver)} disabled={!!connected} data-testid="rotator-driver">
              {(Object.keys(driverInfo) as Driver[]).map((d) => (
                <option key={d} value={d}>
                  {driverInfo[d].label} ({d})
                </option>
              ))}
            </select>
          </label>
          <div className="row">
            <label>
              {driver === 'rotctld' ? 'Host:port' : 'Serial port'}
              <input value={port} placeholder={info.port || 'none needed'} onChange={(e) => setPort(e.target.value)} disabled={!!connected || driver === 'sim'} data-testid="rotator-port" />
            </label>
            <label className="baud">
              <span>Baud</span>
              <input inputMode="numeric" value={baud} placeholder={info.baud ? String(info.baud) : '—'} onChange={(e) => setBaud(e.target.value)} disabled={!!connected || !info.baud} data-testid="rotator-baud" />
            </label>
          </div>
          <p className="muted small">{info.help}</p>
          <div className="row buttons">
            {connected ? (
              <button type="button" onClick={() => void run('disconnect the rotator', () => station.client.call('rotator.disconnect'))} disabled={!!busy} data-testid="rotator-disconnect">
                Disconnect
              </button>
            ) : (
              <button className="primary" type="submit" disabled={!!busy} data-testid="rotator-connect">
                {busy?.startsWith('connect') ? 'Connecting…' : 'Connect'}
              </button>
            )}
          </div>
          {connected ? (
            <dl className="facts small">
              <dt>Limits</dt>
              <dd data-testid="rotator-limits">
                az {connected.limits.azMin}…{connected.limits.azMax}° · el {connected.limits.elMin}…{connected.limits.elMax}°
              </dd>
            </dl>
          ) : null}
        </form>

        <SkyPlot rot={rot} sun={sun} />

        <div className="rotator-control">
          <div className="rotator-readout">
            <div>
              <div className="readout-label">Azimuth</div>
              <div className="big-number" data-testid="rotator-az">{pos ? fmt(pos.az) : '—'}</div>
            </div>
            <div>
              <div className="readout-label">Elevation</div>
              <div className="big-number" data-testid="rotator-el">{pos ? fmt(pos.el) : '—'}</div>
            </div>
          </div>
          <div className={`rotator-state small ${!connected ? 'idle' : rot?.moving ? 'moving' : ''}`} data-testid="rotator-state">
            {!connected ? 'Connect a rotator to point the dish.' : rot?.moving ? (rot.target ? `slewing to az ${fmt(rot.target.az)} el ${fmt(rot.target.el)}` : 'moving') : 'stopped'}
          </div>
          <form className="row goto" onSubmit={onGoto}>
            <label>
              <span>Az <span className="unit">°</span></span>
              <input inputMode="decimal" value={az} onChange={(e) => setAz(e.target.value)} data-testid="rotator-goto-az" />
            </label>
            <label>
              <span>El <span className="unit">°</span></span>
              <input inputMode="decimal" value={el} onChange={(e) => setEl(e.target.value)} data-testid="rotator-goto-el" />
            </label>
            <button className="primary" type="submit" disabled={!connected} data-testid="rotator-goto">
              Go
            </button>
          </form>
          <div className="muted small" data-testid="rotator-correction">
            {correction
              ? `Goto is corrected by az ${signed(correction.az)}°, el ${signed(correction.el)}° from drift #${correction.observation} (measured ${correction.measuredAt.slice(0, 16).replace('T', ' ')} UTC): the mount is sent there so that the dish points where you ask.`
              : 'Goto is not corrected: no sun drift has measured this dish’s pointing (the Drift page does).'}
          </div>
          <div className="row buttons wrap">
            <button className="danger" disabled={!connected} onClick={() => void run('stop the rotator', () => station.client.call('rotator.stop'))} data-testid="rotator-stop">
              Stop
            </button>
            <button disabled={!connected} onClick={() => void run('park the rotator', () => station.client.call('rotator.park'))} data-testid="rotator-park">
              Park
            </button>
            <button
              disabled={!connected || !sun || sun.el < 0}
              onClick={() => {
                if (!sun) return;
                setAz(sun.az.toFixed(1));
                setEl(sun.el.toFixed(1));
                void goto(sun.az, sun.el);
              }}
              title={sun ? `the sun ${sun.sky === 'simulator' ? 'in the simulated sky' : 'seen from the site'}: az ${fmt(sun.az)} el ${fmt(sun.el)}` : ''}
              data-testid="rotator-sun"
            >
              ☀ Point at the sun
            </button>
          </div>
          <div className="muted small" data-testid="rotator-sun-pos">
            {sun ? `Sun${sun.sky === 'simulator' ? ' (simulated sky)' : ''}: az ${fmt(sun.az)} el ${fmt(sun.el)}${sun.el < 0 ? ', below the horizon' : ''}` : '\u00a0'}
          </div>
        </div>
      </div>
    </div>
  );
}

/** The Live page's compact readout of where the dish points. */
export function dishReadout(station: StationView): { value: string; sub: string; tone?: 'warn' | 'ok' } {
  const c = station.status?.rotator;
  const r = station.rotator ?? c;
  if (!c || !r) return { value: '—', sub: 'no rotator: Station page' };
  const moving = station.rotator?.moving ?? c.moving;
  return { value: `${r.az.toFixed(1)}° / ${r.el.toFixed(1)}°`, sub: moving ? 'az / el · slewing' : `az / el · ${c.driver}`, tone: moving ? 'warn' : 'ok' };
}
