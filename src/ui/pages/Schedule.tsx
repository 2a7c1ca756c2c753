/**
 * The Schedule page: the next 24 h as a timeline (each job's window, the
 * sun's and the targets' elevations, conflicts in red before they happen),
 * the form that adds a job (the fields of `fringe schedule add`: mode or a
 * Galactic-plane HI survey, target, the start's kinds, duration, repeat,
 * minimum elevation, sun avoidance, integration, channels, frequency,
 * scenario, post-job command; the form itself is jobForm.ts), and the
 * jobs with their state, observations, result or reason, and log. Updates
 * from the station's `schedule` events.
 */
import { useEffect, useState } from 'react';
import type { Result } from '../../api/contract.ts';
import { jobModes, jobRepeats } from '../../api/inputs.ts';
import type { StationView } from '../station.ts';
import { blankJobForm, jobRequest, startKinds, type JobForm } from './jobForm.ts';

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

/** A survey's rotation curve (its last point's result): V (km/s) against R (kpc, 3–9), ± V, the dashed line V₀ = 220 km/s. */
function Curve({ job }: { job: Job }) {
  const v = job.result?.values;
  const r = v?.r_kpc, vk = v?.v_kms, sg = v?.v_sigma_kms;
  if (!Array.isArray(r) || !Array.isArray(vk) || !r.length) return null;
  const w = 260, h = 130, l = 34, b = 18;
  const x = (R: number) => l + ((R - 3) / 6) * (w - l - 8), y = (V: number) => h - b - ((V - 100) / 200) * (h - b - 8);
  return (
    <svg viewBox={`0 0 ${w} ${h}`} width={w} height={h} className="curve" data-testid={`job-curve-${job.id}`} role="img" aria-label="the survey's rotation curve: V against R">
      <rect x={l} y={8} width={w - l - 8} height={h - b - 8} fill="none" stroke="#555" />
      <line x1={l} x2={w - 8} y1={y(220)} y2={y(220)} stroke="#777" strokeDasharray="3 3" />
      {[100, 220, 300].map((V) => <text key={V} x={l - 4} y={y(V) + 3} fontSize="9" fill="#999" textAnchor="end">{V}</text>)}
      {[3, 5, 7, 9].map((R) => <text key={R} x={x(R)} y={h - 5} fontSize="9" fill="#999" textAnchor="middle">{R}</text>)}
      <text x={w - 8} y={18} fontSize="9" fill="#999" textAnchor="end">V km/s against R kpc</text>
      {r.map((R, k) => (
        <g key={k}>
          {Array.isArray(sg) ? <line x1={x(R)} x2={x(R)} y1={y(vk[k]! - sg[k]!)} y2={y(vk[k]! + sg[k]!)} stroke="#6cc3ff" /> : null}
          <circle cx={x(R)} cy={y(vk[k]!)} r={3} fill="#6cc3ff" />
        </g>
      ))}
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
      <td>{what}{job.spec.repeat !== 'none' ? ` (${job.spec.repeat})` : ''}{job.spec.survey ? ` · survey ${job.series}` : ''}</td>
      <td data-testid={`job-obs-${job.id}`}>{job.observation.map((o) => <a key={o} href="#/observations">#{o} </a>)}</td>
      <td className="small" data-testid={`job-result-${job.id}`}>{job.reason ?? job.result?.summary ?? ''}{job.postStatus !== null ? ` · post-job exit ${job.postStatus}` : ''}<Curve job={job} /></td>
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
  const [form, setForm] = useState<JobForm>(blankJobForm);
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
    const req = jobRequest(form);
    if ('problem' in req) return station.report(new Error(req.problem), 'add a job', 'observations');
    const added = req.survey && req.spec.survey ? await station.call('schedule.survey', { ...req.spec, survey: req.spec.survey }, 'add a survey') : await station.call('schedule.add', req.spec, 'add a job');
    if (added) refresh();
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
            <select value={form.mode} onChange={set('mode')} data-testid="job-mode">
              {jobModes.map((m) => <option key={m} value={m}>{m}</option>)}
              <option value="survey">HI plane survey</option>
            </select>
          </label>
          <label className="inline">Source <input className="narrow" value={form.source} onChange={set('source')} data-testid="job-source" /></label>
          {form.mode === 'survey' ? (
            <>
              <label className="inline">l from <input className="narrow" inputMode="decimal" value={form.lFrom} onChange={set('lFrom')} data-testid="job-l-from" />°</label>
              <label className="inline">to <input className="narrow" inputMode="decimal" value={form.lTo} onChange={set('lTo')} data-testid="job-l-to" />°</label>
              <label className="inline">step <input className="narrow" inputMode="decimal" value={form.lStep} onChange={set('lStep')} data-testid="job-l-step" />°</label>
              <label className="inline">b <input className="narrow" inputMode="decimal" value={form.b} onChange={set('b')} data-testid="job-b" />°</label>
            </>
          ) : (
            <label className="inline">Target <input value={form.target} placeholder="sun, Cas A, gal:30,0" onChange={set('target')} data-testid="job-target" /></label>
          )}
          <label className="inline">Start
            <select value={form.startKind} onChange={set('startKind')} data-testid="job-start-kind">{startKinds.map((k) => <option key={k.kind} value={k.kind}>{k.label}</option>)}</select>
            <input value={form.start} placeholder={startKinds.find((k) => k.kind === form.startKind)!.placeholder} onChange={set('start')} data-testid="job-start" />
          </label>
          {form.startKind === 'rise' ? <label className="inline">above <input className="narrow" inputMode="decimal" value={form.riseEl} onChange={set('riseEl')} data-testid="job-rise-el" />°</label> : null}
          <label className="inline">Duration <input className="narrow" inputMode="decimal" value={form.duration} onChange={set('duration')} data-testid="job-duration" /> s{form.mode === 'survey' ? ' per point' : ''}</label>
          <label className="inline">Repeat
            <select value={form.repeat} onChange={set('repeat')} data-testid="job-repeat">{jobRepeats.map((r) => <option key={r}>{r}</option>)}</select>
          </label>
          <label className="inline">Min elevation <input className="narrow" inputMode="decimal" value={form.minElevation} placeholder="none" onChange={set('minElevation')} data-testid="job-min-el" />°</label>
          <label className="inline">Sun avoidance <input className="narrow" inputMode="decimal" value={form.sunAvoidance} placeholder="none" onChange={set('sunAvoidance')} data-testid="job-sun-avoid" />°</label>
          <label className="inline">Integration <input className="narrow" inputMode="decimal" value={form.integration} placeholder="default" onChange={set('integration')} data-testid="job-integration" /> s</label>
          <label className="inline">Channels <input className="narrow" inputMode="numeric" value={form.channels} placeholder="1024" onChange={set('channels')} data-testid="job-channels" /></label>
          <label className="inline">Frequency <input className="narrow" inputMode="decimal" value={form.frequency} placeholder="source's" onChange={set('frequency')} data-testid="job-freq" /> MHz</label>
          <label className="inline">Scenario <input className="narrow" value={form.scenario} placeholder="station's" onChange={set('scenario')} data-testid="job-scenario" /></label>
          <label className="inline">After the job run <input value={form.post} placeholder="shell command (optional)" onChange={set('post')} data-testid="job-post" /></label>
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
