/**
 * The Qualification page: run the qualification suite (quick or full) with its
 * progress, open a past report's requirements table, and compare two reports
 * (what got better or worse, by the margin to each limit).
 */
import { useCallback, useEffect, useState } from 'react';
import type { Events, Result } from '../../api/contract.ts';
import type { QualificationReport } from '../../api/types.ts';
import { compareReports, measuredText } from '../qualification.ts';
import type { StationView } from '../station.ts';

type Entry = Result<'qualify.list'>[number];
type Task = Extract<Events['task'], { kind: 'qualify' }>;

const verdictText = { pass: 'PASS', fail: 'FAIL', 'not-applicable': 'n/a', inconclusive: 'inconclusive' } as const;

export function Qualification({ station }: { station: StationView }) {
  const [quick, setQuick] = useState(true);
  const [only, setOnly] = useState('');
  const [entries, setEntries] = useState<Entry[]>([]);
  const [task, setTask] = useState<Task | null>(null);
  const [log, setLog] = useState<string[]>([]);
  const [open, setOpen] = useState<QualificationReport | null>(null);
  const [picked, setPicked] = useState<string[]>([]);
  const [pair, setPair] = useState<[QualificationReport, QualificationReport] | null>(null);

  const refresh = useCallback(async () => {
    const list = await station.call('qualify.list', {}, 'list the qualification reports');
    if (list) setEntries(list);
  }, [station]);
  useEffect(() => void refresh(), [refresh]);
  useEffect(
    () =>
      station.client.on('task', (t) => {
        if (t.kind !== 'qualify') return;
        setTask(t);
        if (t.fraction > 0 || t.result || t.failed) setLog((l) => [...l, t.message]);
        if (t.result || t.failed) void refresh();
      }),
    [station.client, refresh],
  );

  const run = async () => {
    setLog([]);
    const ids = only.split(/[\s,]+/).filter(Boolean);
    const r = await station.call('qualify.run', { quick, ...(ids.length ? { only: ids } : {}) }, 'start the qualification run');
    if (r) setTask({ kind: 'qualify', run: r.id, fraction: 0, message: `started: about ${Math.ceil(r.expected)} s` });
  };
  const show = async (id: string) => {
    const r = await station.call('qualify.get', { id }, `open qualification report ${id}`);
    if (r) {
      setOpen(r);
      setPair(null);
    }
  };
  const compare = async () => {
    const [a, b] = await Promise.all(picked.map((id) => station.call('qualify.get', { id }, `open qualification report ${id}`)));
    if (a && b) {
      // Older first: "better" reads as what improved since.
      setPair(a.started <= b.started ? [a, b] : [b, a]);
      setOpen(null);
    }
  };
  const running = !!task && !task.result && !task.failed;

  return (
    <div className="qualification" data-testid="qualification">
      <section className="panel">
        <div className="panel-head">
          <h2>Qualification</h2>
          <div className="panel-tools">
            <label className="inline">
              <input type="checkbox" checked={quick} onChange={(e) => setQuick(e.target.checked)} data-testid="qualify-quick" /> quick suite (under a minute)
            </label>
            <label className="inline">
              only <input placeholder="all, or ids: COR-PFB-* SYS-" value={only} onChange={(e) => setOnly(e.target.value)} data-testid="qualify-only" />
            </label>
            <button className="primary" disabled={running} onClick={() => void run()} data-testid="qualify-run">
              {running ? 'Running…' : 'Run qualification'}
            </button>
          </div>
        </div>
        <p className="muted small">Measures the correlator, the radiometer chain, the station's live stages and the drift fit against their requirements, with seeded signals and the simulator. Every run's report (JSON, HTML, PDF) is kept in the data folder under qualification/.</p>
        {task ? (
          <div className={`upload-job ${task.failed || task.result === 'fail' ? 'failed' : task.result ? 'done' : ''}`}>
            <div className="upload-progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(task.fraction * 100)} data-testid="qualify-progress">
              <div className="upload-progress-fill" style={{ width: `${task.fraction * 100}%` }} />
            </div>
            <div className="muted small" data-testid="qualify-message">
              {Math.round(task.fraction * 100)} % · {task.result ? `finished: ${task.result.toUpperCase()}` : task.message}
            </div>
            {log.length ? <div className="muted small mono" data-testid="qualify-log">{log.slice(-4).join(' · ')}</div> : null}
          </div>
        ) : null}
      </section>

      <section className="panel">
        <div className="panel-head">
          <h3>Reports</h3>
          <div className="panel-tools">
            <button className="ghost" disabled={picked.length !== 2} onClick={() => void compare()} data-testid="qualify-compare">
              Compare the two ticked
            </button>
          </div>
        </div>
        {entries.length === 0 ? (
          <p className="muted small" data-testid="qualify-empty">No qualification reports yet.</p>
        ) : (
          <table className="qual-table" data-testid="qualify-reports">
            <thead>
              <tr><th /><th>started</th><th>suite</th><th>met</th><th>verdict</th><th /></tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.id} data-testid="qualify-report-row" data-id={e.id}>
                  <td>
                    <input type="checkbox" checked={picked.includes(e.id)} onChange={(ev) => setPicked((p) => (ev.target.checked ? [...p, e.id].slice(-2) : p.filter((x) => x !== e.id)))} aria-label={`pick ${e.id}`} data-testid="qualify-pick" />
                  </td>
                  <td className="num">{e.started.replace('T', ' ').slice(0, 19)} UTC</td>
                  <td>{e.quick ? 'quick' : 'full'}{e.source ? ` · ${e.source}` : ''}</td>
                  <td className="num">{e.passed}/{e.total} met</td>
                  <td className={e.verdict === 'pass' ? 'ok-text' : 'danger-text'}>{e.verdict.toUpperCase()}</td>
                  <td>
                    <button className="ghost" onClick={() => void show(e.id)} data-testid="qualify-open">
                      Open
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      {open ? (
        <section className="panel" data-testid="qualify-report">
          <h3>
            Report {open.started.replace('T', ' ').slice(0, 19)} UTC: {open.summary.passed} of {open.summary.total} met
          </h3>
          <p className="muted small">
            fringe {open.software.version}
            {open.software.commit ? ` (${open.software.commit})` : ''} on {open.machine.hostname}, {open.machine.cores} cores; {open.configuration.quick ? 'quick' : 'full'} suite, seed {open.configuration.seed}
          </p>
          <table className="qual-table">
            <thead>
              <tr><th>id</th><th>requirement</th><th>limit</th><th>measured</th><th>verdict</th></tr>
            </thead>
            <tbody>
              {open.requirements.map((r) => (
                <tr key={r.id} data-testid="qualify-requirement" data-id={r.id} data-verdict={r.verdict}>
                  <td className="mono">{r.id}</td>
                  <td className="title">{r.title}</td>
                  <td className="num">{r.limitText}</td>
                  <td className="num">{measuredText(r)}</td>
                  <td className={r.verdict === 'pass' ? 'ok-text' : r.verdict === 'fail' ? 'danger-text' : 'muted'}>{verdictText[r.verdict]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}

      {pair ? (
        <section className="panel" data-testid="qualify-comparison">
          <h3>
            {pair[0].started.slice(0, 19)} → {pair[1].started.slice(0, 19)}
          </h3>
          <table className="qual-table">
            <thead>
              <tr><th>id</th><th>limit</th><th>{pair[0].started.slice(0, 19)}</th><th>{pair[1].started.slice(0, 19)}</th><th>change</th></tr>
            </thead>
            <tbody>
              {compareReports(pair[0], pair[1]).map((row) => (
                <tr key={row.id} data-testid="qualify-compare-row" data-id={row.id} data-change={row.change}>
                  <td className="mono">{row.id}</td>
                  <td className="num">{row.limitText}</td>
                  <td className="num">{measuredText(row.a)}</td>
                  <td className="num">{measuredText(row.b)}</td>
                  <td className={row.change === 'better' ? 'ok-text' : row.change === 'worse' ? 'danger-text' : 'muted'}>{row.change}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </div>
  );
}
