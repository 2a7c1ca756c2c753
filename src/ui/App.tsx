/** The shell: header with navigation and the station's state, banners, and the current page. */
import { useEffect, useState } from 'react';
import { Live } from './pages/Live.tsx';
import { Observations } from './pages/Observations.tsx';
import { Qualification } from './pages/Qualification.tsx';
import { StationPage } from './pages/Station.tsx';
import { Schedule } from './pages/Schedule.tsx';
import { Hydrogen } from './pages/Hydrogen.tsx';
import { Drift } from './pages/Drift.tsx';
import { groupMembers, isSimulated, sourceTitle } from './inputs.ts';
import type { Notice as StationNotice } from '../api/types.ts';
import { causeTitle, useStation, type Status } from './station.ts';

const pages = { live: 'Live', station: 'Station', observations: 'Observations', schedule: 'Schedule', hydrogen: 'Hydrogen', qualification: 'Qualification', drift: 'Drift' } as const;
type Page = keyof typeof pages;

function currentPage(): Page {
  const h = location.hash.replace(/^#\/?/, '');
  return h in pages ? (h as Page) : 'live';
}

export function App() {
  const station = useStation();
  const [page, setPage] = useState<Page>(currentPage);
  useEffect(() => {
    const on = () => setPage(currentPage());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  const { status, connection } = station;
  const live = status?.live;
  const rec = status?.recording;
  const simulated = !!live && isSimulated(live);
  const antennas = live ? groupMembers(live.source)?.length : undefined;

  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden>
            <path d="M3 17 A9 9 0 0 1 21 17" fill="none" stroke="currentColor" strokeWidth="2" />
            <path d="M12 17 L17 8" stroke="currentColor" strokeWidth="2" />
            <circle cx="17" cy="8" r="1.8" fill="currentColor" />
            <path d="M8 21h8" stroke="currentColor" strokeWidth="2" />
          </svg>
          <span>Fringe</span>
        </div>
        <nav>
          {(Object.keys(pages) as Page[]).map((p) => (
            <a key={p} href={`#/${p}`} className={p === page ? 'active' : ''} data-testid={`nav-${p}`}>
              {pages[p]}
            </a>
          ))}
        </nav>
        <div className="topbar-state">
          {rec ? (
            <span className="pill rec" data-testid="rec-pill">
              <span className="dot" /> REC #{rec.id} · {rec.samples !== undefined ? `raw ${(rec.samples / (live?.tuning.sampleRate ?? 1)).toFixed(0)} s` : `${rec.integrations} int.`}
            </span>
          ) : null}
          {live ? (
            <span className={`pill ${simulated ? 'sim' : 'ok'}`} title={live.source} data-testid="source-pill">
              {sourceTitle(live, status?.scenario ?? null)}
            </span>
          ) : status ? (
            <span className="pill off">Live view stopped</span>
          ) : null}
          <span className={`pill conn ${connection}`} data-testid="connection">
            {connection === 'open' ? 'Connected' : connection === 'connecting' ? 'Connecting…' : 'Disconnected'}
          </span>
        </div>
      </header>

      <div className="banners">
        {simulated ? (
          <div className="banner notice" data-testid="sim-banner">
            <span>
              <strong>Simulator.</strong> No dongle is in use: this is Fringe's simulated sky (
              {status?.scenario ? `scenario ${status.scenario}` : 'a 1 m dish tracking the sun, the hydrogen line, an RFI tone'}
              {antennas ? `, ${antennas} of its antennas as one coherent group` : ''}).
              Plug in an RTL-SDR or connect an rtl_tcp server on the <a href="#/station">Station</a> page.
            </span>
          </div>
        ) : null}
        {status?.notices
          .filter((n) => n.kind !== 'simulator') // the simulator has its own banner above
          .map((n) => (
            <div key={`${n.kind}:${n.text}`} className="banner notice" data-testid="notice" data-kind={n.kind}>
              <Notice notice={n} live={live ?? null} />
            </div>
          ))}
        {station.banners.map((b) => (
          <div key={b.id} className={`banner ${b.kind}`} role="alert" data-testid="error-banner" data-topic={b.topic} data-cause={b.cause ?? ''}>
            <span>
              {causeTitle(b.cause) ? <strong>{causeTitle(b.cause)} </strong> : null}
              {b.text}
            </span>
            <button className="ghost" onClick={() => station.dismiss(b.id)} aria-label="dismiss">
              ×
            </button>
          </div>
        ))}
      </div>

      <main>
        {page === 'live' ? <Live station={station} /> : page === 'station' ? <StationPage station={station} /> : page === 'hydrogen' ? <Hydrogen station={station} /> : page === 'schedule' ? <Schedule station={station} /> : page === 'drift' ? <Drift station={station} /> : page === 'qualification' ? <Qualification station={station} /> : <Observations station={station} />}
      </main>
    </div>
  );
}

/** µs, for a delay in samples at a sample rate (Hz). */
const microseconds = (samples: number, rate: number) => `${((samples / rate) * 1e6).toFixed(samples / rate < 1e-4 ? 1 : 0)} µs`;

/**
 * A notice from the station, by its kind. A group's delay calibration (src/engine/group.ts) gets a heading and,
 * when measured, what the largest delay is in time at the live sample rate, so the numbers read as what they are.
 */
function Notice({ notice, live }: { notice: StationNotice; live: Status['live'] }) {
  const { text } = notice;
  if (notice.kind !== 'group-calibration') return <span>{text}</span>;
  if (!notice.delays || !live) {
    return (
      <span>
        <strong>Delay calibration.</strong> {text}
      </span>
    );
  }
  const most = Math.max(...notice.delays);
  return (
    <span>
      <strong>Delay calibration.</strong> {text}{' '}
      <span className="muted">
        The correlator skips that many samples of each input so that all inputs line up
        {most > 0 ? `: ${most.toLocaleString('en')} samples is ${microseconds(most, live.tuning.sampleRate)} at ${(live.tuning.sampleRate / 1e6).toFixed(3)} MS/s` : ''}.
      </span>
    </span>
  );
}
