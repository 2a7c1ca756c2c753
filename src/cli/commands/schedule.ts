/** `fringe schedule add|list|remove|plan|import|log`: the station's scheduled jobs, run by `fringe serve`. */
import { readFileSync } from 'node:fs';
import { resolveDataDir } from '../../../observations/paths.ts';
import { Store } from '../../../observations/store/store.ts';
import * as inputs from '../../api/inputs.ts';
import type { ScheduleJobView } from '../../api/types.ts';
import { realClock } from '../../engine/clock.ts';
import { importSrtCommands } from '../../engine/scheduler/srt-import.ts';
import { Scheduler, ScheduleError } from '../../engine/scheduler/scheduler.ts';
import { loadSettings } from '../../engine/settings.ts';
import { type Command, UsageError, dbOption, exitCodes, option, parseCommandLine, sourceOption } from '../command.ts';

const help = `Usage: fringe schedule add --mode MODE --start START --duration SECONDS [options]
       fringe schedule list [--json]
       fringe schedule remove ID         (a running job is stopped by the station running it: waits for that)
       fringe schedule plan [--hours H] [--json]
       fringe schedule log ID
       fringe schedule import FILE --source SPEC [--start START] [--json]

Jobs are kept in the data folder's store and run by the station (fringe serve,
the desktop app) on its sky clock, one at a time; each leaves the rotator
parked and a log. A job interrupted by a crash or reboot resumes for the rest
of its window when the station starts again, and never runs twice.

add options (defaults in brackets):
  --mode MODE         spectrum | totalpower | raw | drift (total power, dish fixed where
                      the target transits; analyse with fringe drift ID)
  --source SPEC       sample source, as fringe observe                          [sim]
  --target T          what the dish follows: sun, moon, Cas A, Cyg A, Tau A, Vir A, Sgr A,
                      radec:RA,DEC, gal:L,B, azel:AZ,EL (degrees); gal:L1..L2/STEP[,B]
                      is a survey: one job per point, back to back (e.g. gal:30..90/10)
  --start START       ISO time (2026-06-21T12:00:00Z) | in:SECONDS | transit:TARGET (centred
                      on the transit) | lst:HH:MM[:SS] | rise:TARGET[:ELEVATION]
  --duration S        sky seconds
  --repeat R          none | daily | transit                                     [none]
  --min-elevation D   fail the job if the target is lower (degrees)
  --sun-avoidance D   fail the job if the target is closer to the sun (degrees)
  --integration S     integration time (s)                                        [${inputs.defaultIntegration}]
  --channels C        FFT channels                                                [1024]
  --freq HZ           centre frequency (Hz; 1420.4M)                              [the source's]
  --scenario NAME     simulator scenario for sim sources (hydrogen, sun-drift, interferometer)
  --post CMD          shell command run after the job ($FRINGE_JOB_ID, $FRINGE_JOB_STATE,
                      $FRINGE_JOB_OBSERVATIONS set); its exit status is kept
  --json              print the job as JSON instead of its id
  --db DIR            data folder                               [$FRINGE_DATA_DIR or the user-data folder]

list --json prints [{id, state, observation: [ids], plannedStart, plannedEnd, reason, …}];
states are pending, running, done, failed, interrupted. A job the station reaches
late (it was not running, the machine slept) starts late and runs the rest of its
window, its log saying how late; one whose window is over (or has less than one
integration left) is failed with a reason starting 'missed:'.

import reads a Haystack SRT command file (azel, offset, freq, record, roff, wait N,
LST:hh:mm:ss, named sources; see src/engine/scheduler/srt-import.ts) into jobs.

Exit codes: 0 done, 1 failed (store, a job refused: overlap, no such job), 2 bad usage.`;

const actions = ['add', 'list', 'remove', 'plan', 'log', 'import'] as const;

/** The command line read: pure; UsageError for every mistake. */
export function parse(argv: string[]) {
  const { values, positionals } = parseCommandLine({
    args: argv,
    allowPositionals: true,
    options: {
      mode: { type: 'string' }, source: { type: 'string' }, target: { type: 'string' }, start: { type: 'string' }, duration: { type: 'string' },
      repeat: { type: 'string' }, 'min-elevation': { type: 'string' }, 'sun-avoidance': { type: 'string' }, integration: { type: 'string' },
      channels: { type: 'string' }, freq: { type: 'string' }, scenario: { type: 'string' }, post: { type: 'string' }, hours: { type: 'string' },
      json: { type: 'boolean', default: false }, db: { type: 'string' },
    },
  });
  const [action, arg, ...rest] = positionals;
  if (rest.length) throw new UsageError(`unexpected '${rest.join(' ')}'`);
  if (!actions.includes(action as (typeof actions)[number])) throw new UsageError(`give one of ${actions.join(', ')}`);
  const db = dbOption(values.db);
  const json = values.json!;
  const id = (what: string) => {
    if (arg === undefined) throw new UsageError(`schedule ${what} needs a job ID`);
    return option('ID', arg, inputs.observationId)!;
  };
  const degrees = (flag: string, v: string | undefined, lo: number, hi: number) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!/^-?\d+(\.\d+)?$/.test(v) || n < lo || n > hi) throw new UsageError(`${flag} must be degrees from ${lo} to ${hi} (got '${v}')`);
    return n;
  };
  switch (action as (typeof actions)[number]) {
    case 'add': {
      if (arg !== undefined) throw new UsageError(`schedule add takes options only (got '${arg}')`);
      if (!values.mode || !inputs.jobModes.includes(values.mode as inputs.JobMode)) throw new UsageError(`--mode must be ${inputs.jobModes.join(', ')} (got '${values.mode ?? ''}')`);
      if (!values.start) throw new UsageError('schedule add needs --start (an ISO time, in:SECONDS, transit:TARGET, lst:HH:MM or rise:TARGET)');
      const p = inputs.startProblem(values.start);
      if (p) throw new UsageError(`--start ${p} (got '${values.start}')`);
      if (values.duration === undefined) throw new UsageError('schedule add needs --duration SECONDS');
      if (values.source !== undefined) sourceOption(values.source);
      const repeat = values.repeat ?? 'none';
      if (!inputs.jobRepeats.includes(repeat as 'none')) throw new UsageError(`--repeat must be ${inputs.jobRepeats.join(', ')} (got '${repeat}')`);
      const spec: inputs.JobSpecInput = {
        mode: values.mode as inputs.JobMode,
        source: values.source ?? 'sim',
        start: values.start,
        duration: option('--duration', values.duration, inputs.seconds)!,
        repeat: repeat as 'none',
        ...(values.target !== undefined ? { target: values.target } : {}),
        ...(values['min-elevation'] !== undefined ? { minElevation: degrees('--min-elevation', values['min-elevation'], -90, 90) } : {}),
        ...(values['sun-avoidance'] !== undefined ? { sunAvoidance: degrees('--sun-avoidance', values['sun-avoidance'], 0, 180) } : {}),
        ...(values.integration !== undefined ? { integration: option('--integration', values.integration, inputs.integration) } : {}),
        ...(values.channels !== undefined ? { channels: option('--channels', values.channels, inputs.channels) } : {}),
        ...(values.freq !== undefined ? { frequency: option('--freq', values.freq, inputs.frequency) } : {}),
        ...(values.scenario !== undefined ? { scenario: values.scenario } : {}),
        ...(values.post !== undefined ? { post: values.post } : {}),
      };
      // A survey along the plane: gal:L1..L2/STEP[,B] is one job per point, back to back.
      const survey = /^gal:(-?\d+(?:\.\d+)?)\.\.(-?\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)(?:,(-?\d+(?:\.\d+)?))?$/.exec(spec.target ?? '');
      if (survey) {
        const [from, to, step, b] = [Number(survey[1]), Number(survey[2]), Number(survey[3]), Number(survey[4] ?? 0)];
        if (!(step > 0) || to < from || (to - from) / step > 360) throw new UsageError(`--target gal:L1..L2/STEP needs L1 ≤ L2 and a step above 0 giving at most 360 points (got '${spec.target}')`);
        if (repeat !== 'none') throw new UsageError('--target gal:L1..L2/STEP: a plane survey runs once (no --repeat)');
        delete spec.target;
        spec.survey = { from, to, step, b };
      }
      const checked = inputs.jobSpec.safeParse(spec);
      if (!checked.success) throw new UsageError(checked.error.issues.map((i) => i.message).join('; '));
      return { action: 'add' as const, spec, json, db };
    }
    case 'list':
      return { action: 'list' as const, json, db };
    case 'remove':
      return { action: 'remove' as const, id: id('remove'), json, db };
    case 'log':
      return { action: 'log' as const, id: id('log'), json, db };
    case 'plan': {
      const hours = values.hours === undefined ? 24 : Number(values.hours);
      if (!(hours > 0 && hours <= 168)) throw new UsageError(`--hours must be above 0 and at most 168 (got '${values.hours}')`);
      return { action: 'plan' as const, hours, json, db };
    }
    case 'import': {
      if (!arg) throw new UsageError('schedule import needs a command FILE');
      if (values.source !== undefined) sourceOption(values.source);
      if (values.start !== undefined && inputs.startProblem(values.start)) throw new UsageError(`--start ${inputs.startProblem(values.start)} (got '${values.start}')`);
      return { action: 'import' as const, file: arg, source: values.source ?? 'sim', start: values.start ?? 'in:10', json, db };
    }
  }
}

function line(j: ScheduleJobView): string {
  const what = `${j.spec.mode}${j.spec.target ? ` of ${j.spec.target}` : ''}`;
  const obs = j.observation.length ? `  obs ${j.observation.join(',')}` : '';
  return `${String(j.id).padStart(5)}  ${j.state.padEnd(11)} ${j.plannedStart.slice(0, 19).replace('T', ' ')}  ${String(j.spec.duration).padStart(7)} s  ${what}${j.spec.repeat !== 'none' ? ` (${j.spec.repeat})` : ''}${obs}${j.reason ? `  — ${j.reason}` : ''}`;
}

export const command: Command = {
  name: 'schedule',
  summary: 'Add, list, remove and plan scheduled jobs (run by fringe serve)',
  help,
  parse,
  async run(argv) {
    const p = parse(argv);
    const dir = resolveDataDir(p.db);
    const store = Store.open(dir);
    const scheduler = new Scheduler({ store, site: () => loadSettings(dir).site, clock: () => realClock, run: async () => ({ status: 'interrupted' }) });
    try {
      switch (p.action) {
        case 'add': {
          if (!p.spec.survey) {
            const job = scheduler.add(p.spec);
            console.log(p.json ? JSON.stringify(job) : String(job.id));
            return exitCodes.ok;
          }
          const jobs = scheduler.addSurvey(p.spec);
          console.log(p.json ? JSON.stringify(jobs) : jobs.map((j) => j.id).join('\n'));
          return exitCodes.ok;
        }
        case 'list': {
          const jobs = scheduler.list();
          if (p.json) console.log(JSON.stringify(jobs, null, 2));
          else if (jobs.length === 0) console.log("No jobs; add one with 'fringe schedule add'.");
          else for (const j of jobs) console.log(line(j));
          return exitCodes.ok;
        }
        case 'remove': {
          // A job fringe serve is running: the station sees the removal in the store and stops it; this waits for that.
          const r = await scheduler.remove(p.id);
          const obs = r.job.observation;
          if (p.json) console.log(JSON.stringify({ job: p.id, wasRunning: r.wasRunning, stopped: r.stopped, observation: obs, reason: r.job.reason }));
          else if (!r.wasRunning) console.log(`Removed job ${p.id}.`);
          else if (r.stopped) console.log(`Removed job ${p.id}: the station stopped it${obs.length ? `; observation ${obs.join(', ')} is kept` : ''}.`);
          else process.stderr.write(`fringe schedule: job ${p.id} is removed, but the station running it (pid ${r.job.runner?.pid}) has not stopped it yet: it will when it next looks at the store\n`);
          return r.wasRunning && !r.stopped ? exitCodes.failure : exitCodes.ok;
        }
        case 'log': {
          if (!scheduler.jobs.stored(p.id)) throw new ScheduleError(`there is no job ${p.id}: see fringe schedule list`);
          const log = scheduler.jobs.logOf(p.id);
          if (p.json) console.log(JSON.stringify(log, null, 2));
          else for (const l of log) console.log(`${l.sky.slice(0, 19).replace('T', ' ')}  ${l.message}`);
          return exitCodes.ok;
        }
        case 'plan': {
          const plan = scheduler.plan(p.hours);
          if (p.json) console.log(JSON.stringify(plan, null, 2));
          else {
            console.log(`Plan ${plan.from.slice(0, 16)} → ${plan.to.slice(0, 16)} (site ${plan.site.lat}°, ${plan.site.lon}°):`);
            for (const j of plan.jobs) console.log(`  ${j.id}  ${j.start.slice(0, 19).replace('T', ' ')} – ${j.end.slice(11, 19)}  ${j.mode}${j.target ? ` of ${j.target}` : ''}  ${j.state}${j.problem ? `  ⚠ ${j.problem}` : ''}`);
            if (plan.jobs.length === 0) console.log('  no jobs');
            for (const c of plan.conflicts) console.log(`conflict: ${c.reason}`);
          }
          return plan.conflicts.length ? exitCodes.failure : exitCodes.ok;
        }
        case 'import': {
          const specs = importSrtCommands(readFileSync(p.file, 'utf8'), { source: p.source, start: p.start, site: loadSettings(dir).site, now: realClock.now() });
          const jobs = specs.map((s) => scheduler.add(s));
          console.log(p.json ? JSON.stringify(jobs) : jobs.map((j) => j.id).join('\n'));
          return exitCodes.ok;
        }
      }
    } catch (err) {
      if (err instanceof ScheduleError) {
        process.stderr.write(`fringe schedule: ${err.message}\n`);
        return exitCodes.failure;
      }
      throw err;
    } finally {
      store.close();
    }
  },
};
