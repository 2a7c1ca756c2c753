/**
 * The Schedule page: the next 24 h as a timeline (each job's window, the
 * sun's and the targets' elevations, conflicts in red before they happen),
 * the form that adds a job (the fields of `fringe schedule add`), and the
 * jobs with their state, observations, result or reason, and log. Updates
 * from the station's `schedule` events.
 */
import { useEffect, useState } from 'react';
import type { Result } from '../../api/contract.ts';
import { jobModes, jobRepeats, startProblem } from '../../api/inputs.ts';
import type { StationView } from '../station.ts';

type Job = Result<'schedule.list'>[number];
type Plan = Result<'schedule.plan'>;
type LogLine = Result<'schedule.log'>[number];

const W = 960, H = 220, top = 14, bottom = 40, left = 40;
const colours = ['#f2b134', '#6cc3ff', '#b38cff', '#63d297', '#ff8f6b', '#d0d0d0'];

/** The 24 h timeline: elevation curves (0–90°), job windows as bars, conflicts in red. */
function Timeline({ plan }: { plan: Plan }) {
  const t0 = Date.parse(plan.from), t1 = Date.parse(plan.to);
  const x = (t: number) => left + ((t - t0) / (t1 - t0)) * (W - left - 10);
  const y = (el: number) => top + (1 - Math.max(0, el) / 90) * (H - top - bottom);
  const bad = new Set(plan.conflicts.flatMap((c) => c.jobs));
  const hours = Array.from({ length: 25 }, (_, h) => t0 + h * 3_600_000).filter((t) => t <= t1);
  return (
    <svg viewBox={`0 0 ${W} ${H}`} className="timeline" data-testid="schedule-timeline" role="img" aria-label="the next 24 hours: elevations and jobs">
      <rect x={left} y={top} width={W - left - 10} height={H - top - bottom} fill="none" stroke="#444" />
      {[0, 30, 60, 90].map((el) => (
        <g key={el}>
          <line x1={left} x2={W - 10} y1={y(el)} y2={y(el)} stroke="#333" strokeDasharray="2 4" />
          <text x={left - 6} y={y(el) + 4} textAnchor="end" fontSize="10" fill="#999">{el}°</text>
        </g>
      ))}
      {hours.map((t, i) => (i % 3 === 0 ? <text key={t} x={x(t)} y={H - bottom + 14} textAnchor="middle" fontSize="10" fill="#999">{new Date(t).toISOString().slice(11, 16)}</text> : null))}
      {plan.tracks.map((tr, i) => (
        <g key={tr.target} data-testid={`track-${tr.target}`}>
          <polyline fill="none" stroke={colours[i % colours.length]} strokeWidth="1.5" points={tr.el.map((el, k) => `${x(Date.parse(plan.times[k]!)).toFixed(1)},${y(el).toFixed(1)}`).join(' ')} />
          <text x={W - 12} y={top + 12 + 12 * i} textAnchor="end" fontSize="10" fill={colours[i % colours.length]}>{tr.target}</text>
        </g>
      ))}
      {plan.jobs.map((j) => {
        const a = Math.max(t0, Date.parse(j.start)), b = Math.min(t1, Date.parse(j.end));
        return (
          <g key={j.id} data-testid={`plan-job-${j.id}`} className={bad.has(j.id) ? 'conflict' : ''}>
            <title>{`job ${j.id}: ${j.mode}${j.target ? ` of ${j.target}` : ''}, ${j.start.slice(11, 19)}–${j.end.slice(11, 19)}${j.problem ? ` — ${j.problem}` : ''}`}</title>
            <rect x={x(a)} y={H - bottom + 18} width={Math.max(2, x(b) - x(a))} height={14} fill={bad.has(j.id) ? '#e5484d' : j.state === 'done' ? '#3a7' : '#4a8fe7'} />
          </g>
        );
      })}
    </svg>
  );
}

function JobRow({ job, station, onLog, open }: { job: Job; station: StationView; onLog: () => void; open: boolean }) {
  const what = `${job.spec.mode}${job.spec.target ? ` of ${job.spec.target}` : ''} · ${job.spec.source}`;
  return (
    <tr data-testid={`job-row-${job.id}`}>
      <td className="num">{job.id}</td>
      <td><span className={`pill job-${job.state}`} data-testid={`job-state-${job.id}`}>{job.state}</span></td>
      <td>{job.plannedStart.slice(0, 19).replace('T', ' ')}</td>
      <td className="num">{job.spec.duration} s</td>
      <td>{what}{job.spec.repeat !== 'none' ? ` (${job.spec.repeat})` : ''}</td>
      <td data-testid={`job-obs-${job.id}`}>{job.observation.map((o) => <a key={o} href="#/observations">#{o} </a>)}</td>
      <td className="small">{job.reason ?? job.result?.summary ?? ''}{job.postStatus !== null ? ` · post-job exit ${job.postStatus}` : ''}</td>
      <td>
        <button className="link" onClick={onLog} data-testid={`job-log-${job.id}`}>{open ? 'hide log' : 'log'}</button>{' '}
        {job.state !== 'done' ? <button className="link danger" onClick={() => void station.call('schedule.remove', { job: job.id }, `remove job ${job.id}`)} data-testid={`job-remove-${job.id}`}>remove</button> : null}
      </td>
    </tr>
  );
}

export function Schedule({ station }: { station: StationView }) {
  const { client } = station;
  const [jobs, setJobs] = useState<Job[]>([]);
  const [plan, setPlan] = useState<Plan | null>(null);
  const [log, setLog] = useState<{ id: number; lines: LogLine[] } | null>(null);
  const [form, setForm] = useState({ mode: 'spectrum', source: 'sim', target: '', start: 'in:60', duration: '600', repeat: 'none' });
  const refresh = () => {
    void station.call('schedule.list', {}, 'list the jobs').then((j) => j && setJobs(j));
    void station.call('schedule.plan', {}, 'plan the next 24 h').then((p) => p && setPlan(p));
  };
  useEffect(() => {
    if (station.connection !== 'open') return;
    refresh();
    return client.on('schedule', () => refresh());
  }, [client, station.connection]);
  useEffect(() => {
    if (log) void station.call('schedule.log', { job: log.id }, `read job ${log.id}'s log`).then((l) => l && setLog({ id: log.id, lines: l }));
  }, [jobs]);

  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));
  const add = async () => {
    const problem = startProblem(form.start.trim());
    if (problem) return station.report(new Error(`Start ${problem}`), 'add a job', 'observations');
    const duration = Number(form.duration);
    if (!(duration > 0)) return station.report(new Error(`'${form.duration}' is not a duration in seconds`), 'add a job', 'observations');
    const job = await station.call('schedule.add', {
      mode: form.mode as Job['spec']['mode'], source: form.source.trim() || 'sim', start: form.start.trim(), duration, repeat: form.repeat as 'none',
      ...(form.target.trim() ? { target: form.target.trim() } : {}),
    }, 'add a job');
    if (job) refresh();
  };
  const showLog = (id: number) => {
    if (log?.id === id) return setLog(null);
    void station.call('schedule.log', { job: id }, `read job ${id}'s log`).then((l) => l && setLog({ id, lines: l }));
  };

  return (
    <div className="page schedule" data-testid="schedule-page">
      <div className="panel">
        <div className="panel-head">
          <h2>Plan: the next 24 h</h2>
          {plan ? <span className="muted small">site {plan.site.lat.toFixed(2)}°, {plan.site.lon.toFixed(2)}° · times UTC</span> : null}
        </div>
        {plan ? <Timeline plan={plan} /> : <p className="muted">Reading the plan…</p>}
        {plan?.conflicts.length ? (
          <ul className="conflicts" data-testid="schedule-conflicts">
            {plan.conflicts.map((c, i) => <li key={i} className="error-text">Job {c.jobs.join(' and ')}: {c.reason}</li>)}
          </ul>
        ) : null}
      </div>
      <div className="panel">
        <div className="panel-head"><h2>Add a job</h2></div>
        <div className="row schedule-form">
          <label className="inline">Mode
            <select value={form.mode} onChange={set('mode')} data-testid="job-mode">{jobModes.map((m) => <option key={m}>{m}</option>)}</select>
          </label>
          <label className="inline">Source <input className="narrow" value={form.source} onChange={set('source')} data-testid="job-source" /></label>
          <label className="inline">Target <input value={form.target} placeholder="sun, Cas A, gal:30,0" onChange={set('target')} data-testid="job-target" /></label>
          <label className="inline">Start <input value={form.start} placeholder="transit:sun, in:60, 2026-06-21T12:00:00Z" onChange={set('start')} data-testid="job-start" /></label>
          <label className="inline">Duration <input className="narrow" inputMode="decimal" value={form.duration} onChange={set('duration')} data-testid="job-duration" /> s</label>
          <label className="inline">Repeat
            <select value={form.repeat} onChange={set('repeat')} data-testid="job-repeat">{jobRepeats.map((r) => <option key={r}>{r}</option>)}</select>
          </label>
          <button onClick={() => void add()} data-testid="job-add">Add</button>
        </div>
      </div>
      <div className="panel">
        <div className="panel-head"><h2>Jobs</h2></div>
        {jobs.length === 0 ? <p className="muted" data-testid="no-jobs">No jobs yet.</p> : (
          <table className="list">
            <thead><tr><th>#</th><th>State</th><th>Planned start (UTC)</th><th>Duration</th><th>What</th><th>Observations</th><th>Result</th><th /></tr></thead>
            <tbody>{jobs.map((j) => <JobRow key={j.id} job={j} station={station} open={log?.id === j.id} onLog={() => showLog(j.id)} />)}</tbody>
          </table>
        )}
        {log ? (
          <pre className="job-log small" data-testid="job-log">{log.lines.map((l) => `${l.sky.slice(0, 19).replace('T', ' ')}  ${l.message}`).join('\n')}</pre>
        ) : null}
      </div>
    </div>
  );
}
