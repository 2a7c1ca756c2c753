/**
 * The scheduler: runs the store's jobs (jobs.ts) in the station on its sky
 * clock, one at a time, in planned order.
 *
 * - A job starts when the sky clock reaches its planned start; a job whose
 *   start passed while the station was off (or the machine asleep) starts
 *   late and runs for what is left of its window, its log saying how late;
 *   one whose window is over, or has less than one integration left, is
 *   marked failed with a reason starting 'missed:' (missedBy).
 * - Its constraints are checked over what it will run; a job that breaks
 *   them, or whose run throws (dongle gone, rotator silent), is marked
 *   failed with the reason, and the next job still runs.
 * - After every job the rotator is parked (when one is connected) and the
 *   post-job command runs, its exit status kept; everything is logged per job.
 * - On start, a job left running by a process that is gone (kill -9, a
 *   reboot) is marked interrupted; while its window lasts it runs again for
 *   the rest of it (a new observation beside the interrupted one), never twice.
 * - A repeating job's next occurrence is added in the same transaction as
 *   the claim of the current one, so a crash neither loses nor doubles it.
 *
 * On an accelerated dry-run clock (clock.ts DryRunClock) the sky waits at
 * each job's planned start until the scheduler took it, and goes on from the
 * job's end: a day of jobs in minutes, each starting on its planned sky time.
 */
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { defaultIntegration, jobSpec, type JobSpec, type JobSpecInput } from '../../api/inputs.ts';
import type { ScheduleJobView, SchedulePlan } from '../../api/types.ts';
import type { Site } from '../../astro/site.ts';
import type { Store } from '../../../observations/store/store.ts';
import { processAlive } from '../../../observations/process.ts';
import type { SkyClock } from '../clock.ts';
import { JobTable } from './jobs.ts';
import { constraintProblem, elevations, firstStart, nextOccurrence, overlaps, ScheduleError, startRule, target } from './plan.ts';

export { ScheduleError } from './plan.ts';

/** What a runner is given for one job. */
export interface JobContext {
  job: ScheduleJobView;
  spec: JobSpec;
  /** Sky time the run starts (ms) and how long it runs (sky s). */
  start: number;
  seconds: number;
  clock: SkyClock;
  site: Site;
  signal: AbortSignal;
  log(message: string): void;
  /** Called with each observation as it is made (kept with the job at once, so a crash keeps the link). */
  observation(id: number): void;
}

export interface JobOutcome {
  status: 'complete' | 'interrupted';
  /** Sky time (ms) the run ended. */
  end?: number;
  report?: { summary: string; values: Record<string, number | number[]> };
  notices?: string[];
}

export type JobRunner = (ctx: JobContext) => Promise<JobOutcome>;

/** A clock the scheduler may hold at the next job's start (a dry run); real clocks have neither method. */
export interface HoldableClock extends SkyClock {
  holdAt(skyMs: number): void;
  resumeFrom(skyMs: number): void;
}

export interface SchedulerOptions {
  store: Store;
  site: () => Site;
  clock: () => SkyClock;
  run: JobRunner;
  /** Parks the rotator after a job; resolves to false when none is connected. */
  park?: () => Promise<boolean>;
  /**
   * A finished job's science result (results.ts: a drift scan's analysis, a survey's rotation curve on its last
   * point), given the job and every occurrence of its series; null keeps the mode's report. A throw is said in
   * the result and the log; the job stays done.
   */
  analyse?: (job: ScheduleJobView, series: readonly ScheduleJobView[]) => Promise<JobOutcome['report'] | null>;
  /** Longest wall wait between looks at the store (ms; jobs added by another process are seen then). Default 1000. */
  pollMs?: number;
}

export interface SchedulerEvents {
  job: [ScheduleJobView];
}

const holdable = (c: SkyClock): c is HoldableClock => typeof (c as HoldableClock).holdAt === 'function';

export class Scheduler extends EventEmitter<SchedulerEvents> {
  readonly jobs: JobTable;
  private timer: NodeJS.Timeout | null = null;
  private running: { id: number; abort: AbortController; done: Promise<void> } | null = null;
  private stopped = true;

  constructor(private readonly o: SchedulerOptions) {
    super();
    this.jobs = new JobTable(o.store);
  }

  private now(): number {
    return this.o.clock().now();
  }

  /** Adds a job: checked, its first start found, refused when it overlaps another job's window. */
  add(input: JobSpecInput): ScheduleJobView {
    const spec = checked(input);
    if (spec.survey) throw new ScheduleError('a plane survey is one job per point: add it with schedule.survey (fringe schedule add --target gal:L1..L2/STEP)');
    return this.addOne(spec, null);
  }

  /**
   * Adds a Galactic-plane survey: one job per longitude (spec.survey: from,
   * to, step, b), back to back from the spec's start, all in one series (the
   * first point's id) and all or none (one overlap refuses the survey). Its
   * last point's result is the survey's rotation curve (SchedulerOptions.analyse).
   */
  addSurvey(input: JobSpecInput): ScheduleJobView[] {
    const spec = checked(input);
    const s = spec.survey;
    if (!s) throw new ScheduleError('survey: give from, to and step (degrees of Galactic longitude)');
    if (!(s.to >= s.from) || (s.to - s.from) / s.step > 360) throw new ScheduleError(`survey: needs from ≤ to and a step giving at most 360 points (got l = ${s.from}…${s.to} by ${s.step})`);
    if (spec.repeat !== 'none') throw new ScheduleError('survey: a plane survey runs once (repeat none): add it again for another night');
    return this.o.store.db.transaction(() => {
      const jobs: ScheduleJobView[] = [];
      let start = spec.start;
      for (let k = 0, l = s.from; l <= s.to + 1e-9; k++, l = s.from + k * s.step) {
        const job = this.addOne({ ...spec, target: `gal:${+l.toFixed(6)},${s.b}`, start }, jobs[0]?.id ?? null);
        jobs.push(job);
        start = job.plannedEnd;
      }
      return jobs;
    })();
  }

  private addOne(given: JobSpec, series: number | null): ScheduleJobView {
    let spec = given;
    const now = this.now();
    const rule = startRule(spec.start, now);
    // in:SECONDS is a time from now: kept as that time, so a restart does not move it.
    if (spec.start.startsWith('in:')) spec = { ...spec, start: new Date((rule as { time: number }).time).toISOString() };
    if (spec.target) target(spec.target);
    const start = firstStart(rule, this.o.site(), now, spec.duration);
    const end = start + spec.duration * 1000;
    if (end <= now) throw new ScheduleError(`the job's window ended at ${new Date(end).toISOString()}, before now (${new Date(now).toISOString()} on the sky clock)`);
    const clash = this.jobs.waiting(now).concat(this.jobs.list().filter((j) => j.state === 'running'))
      .find((j) => Date.parse(j.plannedStart) < end && start < Date.parse(j.plannedEnd));
    if (clash) throw new ScheduleError(`the job (${new Date(start).toISOString()} for ${spec.duration} s) overlaps job ${clash.id} (${clash.plannedStart} to ${clash.plannedEnd}): move one of them`);
    const job = this.jobs.add(spec, start, series);
    this.jobs.log(job.id, now, `added: ${spec.mode}${spec.target ? ` of ${spec.target}` : ''} from ${spec.source}, start ${spec.start} → ${job.plannedStart}, ${spec.duration} s${spec.repeat !== 'none' ? `, repeats ${spec.repeat}` : ''}${spec.survey && series !== null ? `, point of survey ${series}` : ''}`);
    this.emit('job', job);
    this.wake();
    return job;
  }

  /**
   * Removes a job. A running one is stopped by the station running it (what
   * it recorded is kept, its recording closed): here at once, or by the
   * station in another process (fringe serve), which sees the removal in the
   * store within its poll; this waits up to `waitMs` for that. Resolves to
   * the job as stored then, and whether the run has stopped.
   */
  async remove(id: number, waitMs = 60_000): Promise<{ job: NonNullable<ReturnType<JobTable['stored']>>; wasRunning: boolean; stopped: boolean }> {
    const before = this.jobs.get(id);
    if (!before) throw new ScheduleError(`there is no job ${id}: see fringe schedule list`);
    const wasRunning = before.state === 'running';
    this.jobs.log(id, this.now(), wasRunning ? 'removed while it ran: the station stops it' : 'removed');
    this.jobs.remove(id);
    if (this.running?.id === id) {
      this.running.abort.abort();
      await this.running.done;
    } else if (wasRunning) {
      const elsewhere = this.jobs.stored(id)!.runner;
      const gone = () => !this.jobs.stored(id)!.runner || (elsewhere?.host === hostname() && !processAlive(elsewhere.pid));
      const t0 = Date.now();
      while (!gone() && Date.now() - t0 < waitMs) await new Promise((r) => setTimeout(r, Math.min(100, this.o.pollMs ?? 1000)));
    }
    const after = this.jobs.stored(id)!;
    return { job: after, wasRunning, stopped: !after.runner };
  }

  list(): ScheduleJobView[] {
    return this.jobs.list();
  }

  /** The plan of the next `hours` hours: the jobs in it, the sun's and targets' elevations, overlaps and broken constraints. */
  plan(hours = 24): SchedulePlan {
    const site = this.o.site();
    const from = this.now();
    const to = from + hours * 3_600_000;
    const jobs = this.jobs.list().filter((j) => Date.parse(j.plannedEnd) > from && Date.parse(j.plannedStart) < to);
    const conflicts: SchedulePlan['conflicts'] = overlaps(jobs.filter((j) => j.state === 'pending' || j.state === 'running').map((j) => ({ id: j.id, start: Date.parse(j.plannedStart), end: Date.parse(j.plannedEnd) })))
      .map(([a, b]) => ({ jobs: [a, b], reason: `jobs ${a} and ${b} overlap` }));
    const out = jobs.map((j) => {
      let problem: string | null = null;
      try {
        problem = j.state === 'pending' ? constraintProblem(j.spec, site, Date.parse(j.plannedStart), Date.parse(j.plannedEnd)) : null;
      } catch (err) {
        problem = (err as Error).message;
      }
      if (problem) conflicts.push({ jobs: [j.id], reason: problem });
      return { id: j.id, state: j.state, mode: j.spec.mode, target: j.spec.target ?? null, start: j.plannedStart, end: j.plannedEnd, problem };
    });
    const targets = [...new Set(jobs.map((j) => j.spec.target).filter((t): t is string => !!t && !t.startsWith('azel:')))];
    const { times, tracks } = elevations(site, targets, from, hours);
    return { from: new Date(from).toISOString(), to: new Date(to).toISOString(), site: { lat: site.lat, lon: site.lon }, jobs: out, times: times.map((t) => new Date(t).toISOString()), tracks, conflicts };
  }

  /** Marks jobs a gone process left running as interrupted, then runs jobs as they come due. */
  start(): void {
    const now = this.now();
    for (const j of this.jobs.orphans(processAlive)) {
      const resumable = Date.parse(j.plannedEnd) > now;
      const reason = 'the station stopped while it ran (a crash or a reboot)';
      this.jobs.finish(j.id, 'interrupted', now, reason);
      this.jobs.log(j.id, now, `interrupted: ${reason}; ${resumable ? `resumes for the rest of its window (to ${j.plannedEnd})` : 'its window is over'}`);
      this.emit('job', this.jobs.get(j.id)!);
    }
    this.stopped = false;
    this.wake();
  }

  /** Stops the loop and the running job (its observation is kept, marked interrupted). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.running) {
      this.running.abort.abort();
      await this.running.done;
    }
  }

  /** Whether a job is running now. */
  get busy(): boolean {
    return this.running !== null;
  }

  /** Looks at the store now (a job was added or one ended). */
  wake(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), 0);
  }

  private tick(): void {
    this.timer = null;
    if (this.stopped || this.running) return;
    const clock = this.o.clock();
    let now = clock.now();
    let next: number | null = null;
    for (const j of this.jobs.waiting(now)) {
      const start = Date.parse(j.plannedStart);
      const problem = missedBy(j, now);
      // An interrupted job with less than an integration left stays interrupted (its window closes meanwhile).
      if (problem && j.state === 'interrupted') continue;
      if (problem) {
        this.jobs.finish(j.id, 'failed', null, problem);
        this.jobs.log(j.id, now, problem);
        this.planNext(j, now);
        this.emit('job', this.jobs.get(j.id)!);
        continue;
      }
      if (start <= now) {
        this.begin(j, clock);
        return;
      }
      next = start;
      break;
    }
    if (next !== null && holdable(clock)) {
      clock.holdAt(next);
      now = clock.now();
    }
    const pollMs = this.o.pollMs ?? 1000;
    const wait = next === null ? pollMs : Math.max(0, Math.min(pollMs, (next - now) / clock.speed));
    this.timer = setTimeout(() => this.tick(), wait);
  }

  /** Adds a repeating job's next occurrence (once per series). */
  private planNext(j: ScheduleJobView, now: number): void {
    if (j.spec.repeat === 'none') return;
    try {
      const site = this.o.site();
      let start = nextOccurrence(j.spec, startRule(j.spec.start, now), site, Date.parse(j.plannedStart));
      // A station off for days: the next occurrence still to come.
      while (start !== null && start + j.spec.duration * 1000 <= now) start = nextOccurrence(j.spec, startRule(j.spec.start, now), site, start);
      if (start !== null && !this.jobs.hasLater(j.series, start)) {
        const n = this.jobs.add(j.spec, start, j.series);
        this.jobs.log(n.id, now, `planned: occurrence of job ${j.series} (repeats ${j.spec.repeat})`);
        this.emit('job', n);
      }
    } catch (err) {
      this.jobs.log(j.id, now, `no next occurrence: ${(err as Error).message}`);
    }
  }

  private begin(j: ScheduleJobView, clock: SkyClock): void {
    const start = clock.now();
    const claimed = this.o.store.db.transaction(() => {
      if (!this.jobs.claim(j.id, start)) return false;
      this.planNext(j, start);
      return true;
    })();
    if (!claimed) return this.wake();
    // A dry run's sky waits while the job runs on the simulator's own sky, and goes on from its end.
    if (holdable(clock)) clock.holdAt(start);
    const abort = new AbortController();
    // Removed by another process (fringe schedule remove): seen in the store within a poll, and stopped.
    const watch = setInterval(() => {
      if (!abort.signal.aborted && this.jobs.removed(j.id)) abort.abort();
    }, this.o.pollMs ?? 1000);
    const done = this.execute(this.jobs.get(j.id)!, clock, start, abort.signal).finally(() => {
      clearInterval(watch);
      this.running = null;
      if (holdable(clock)) {
        const from = this.lastEnd ?? clock.now();
        clock.resumeFrom(from);
        // Held at once at the next job's start (a survey's next point starts at this one's end): not a tick later.
        const next = this.jobs.waiting(from).find((w) => w.state === 'pending');
        if (next) clock.holdAt(Math.max(from, Date.parse(next.plannedStart)));
      }
      // Said again now that the scheduler is free for the next.
      this.emit('job', this.jobs.get(j.id) ?? { ...j, state: 'failed' });
      this.wake();
    });
    this.running = { id: j.id, abort, done };
  }

  private lastEnd: number | null = null;

  private async execute(job: ScheduleJobView, clock: SkyClock, start: number, signal: AbortSignal): Promise<void> {
    const id = job.id;
    const log = (m: string) => this.jobs.log(id, clock.now(), m);
    const resumed = job.observation.length > 0;
    const end = Date.parse(job.plannedEnd);
    const seconds = (end - start) / 1000;
    const late = (start - Date.parse(job.plannedStart)) / 1000;
    log(`${resumed ? 'resumed' : 'started'} ${late.toFixed(3)} s after its planned start, for ${seconds.toFixed(1)} s${!resumed && late > lateTolerance ? ` (late: the station was not running or the machine slept at its planned start; it runs the rest of its window, ${(100 * seconds / job.spec.duration).toFixed(0)} % of it)` : ''}`);
    this.emit('job', this.jobs.get(id)!);
    this.lastEnd = end;
    let state: 'done' | 'failed' | 'interrupted' = 'done';
    let reason: string | null = null;
    let result: JobOutcome['report'];
    try {
      const problem = constraintProblem(job.spec, this.o.site(), start, end);
      if (problem) throw new ScheduleError(`not run: ${problem}`);
      const outcome = await this.o.run({
        job, spec: job.spec, start, seconds, clock, site: this.o.site(), signal, log,
        observation: (o) => {
          this.jobs.addObservation(id, o);
          log(`observation ${o}`);
        },
      });
      result = outcome.report;
      if (outcome.end !== undefined) this.lastEnd = outcome.end;
      if (outcome.status !== 'complete') {
        state = signal.aborted ? 'interrupted' : 'failed';
        reason = outcome.notices?.at(-1) ?? 'the observation ended early';
      }
      if (this.jobs.removed(id)) {
        state = 'interrupted';
        reason = `removed while it ran: stopped at ${new Date(clock.now()).toISOString()}${outcome.status === 'complete' ? ' after its observation was complete' : ''}; ${this.jobs.stored(id)!.observation.length ? `its observation ${this.jobs.stored(id)!.observation.join(', ')} is kept, closed` : 'it had recorded nothing'}`;
      }
      if (this.o.analyse && outcome.status === 'complete' && !this.jobs.removed(id)) {
        try {
          const done = this.jobs.get(id)!;
          result = (await this.o.analyse(done, this.jobs.series(done.series))) ?? result;
        } catch (err) {
          result = { summary: `not analysed: ${(err as Error).message}`, values: result?.values ?? {} };
        }
      }
      if (result) log(`result: ${result.summary}`);
    } catch (err) {
      state = 'failed';
      reason = err instanceof Error ? err.message : String(err);
    }
    if (state !== 'done') log(`${state}: ${reason}`);
    this.jobs.finish(id, state, this.lastEnd ?? clock.now(), reason, result);
    if (this.o.park) {
      try {
        if (await this.o.park()) log('rotator parked');
      } catch (err) {
        log(`the rotator did not park: ${(err as Error).message}`);
      }
    }
    if (job.spec.post && this.jobs.removed(id)) log('post-job command not run: the job was removed');
    else if (job.spec.post) {
      const status = await runPost(job.spec.post, this.jobs.get(id)!);
      this.jobs.setPostStatus(id, status.code);
      log(`post-job command exited with ${status.code}${status.output ? `: ${status.output}` : ''}`);
    }
    log(this.jobs.removed(id) ? 'stopped: removed' : `${state}`);
  }
}

/** The job as given, checked (ScheduleError naming each wrong field). */
function checked(input: JobSpecInput): JobSpec {
  const parsed = jobSpec.safeParse(input);
  if (!parsed.success) throw new ScheduleError(parsed.error.issues.map((i) => `${i.path.join('.') || 'job'}: ${i.message}`).join('; '));
  return parsed.data;
}

/** Seconds after its planned start past which a start is called late in the job's log (a loop's poll and a busy event loop stay under it). */
export const lateTolerance = 5;

/**
 * Why a job that has not started yet can no longer run at sky time `now`
 * (ms), or null. A job is missed (state failed, its reason starting with
 * 'missed:') when its window is over, or when less than one integration of
 * it is left: a late start (the station was down, the machine asleep) runs
 * only while a whole integration still fits; the rest of the window is run.
 */
export function missedBy(job: ScheduleJobView, now: number): string | null {
  const end = Date.parse(job.plannedEnd);
  const late = (now - Date.parse(job.plannedStart)) / 1000;
  const dur = (s: number) => (s >= 3600 ? `${(s / 3600).toFixed(1)} h` : s >= 60 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(1)} s`);
  if (end <= now) return `missed: the station was not running in its window (${job.plannedStart} to ${job.plannedEnd}; it ended ${dur((now - end) / 1000)} before the station reached it)`;
  const left = (end - now) / 1000;
  const integration = job.spec.integration ?? defaultIntegration;
  if (late > 0 && left < integration) return `missed: the station reached it ${dur(late)} late, with ${left.toFixed(1)} s of its window left, less than one ${integration} s integration`;
  return null;
}

/** Runs a post-job command in a shell with the job in its environment; its exit status (127: could not start) and the end of its output. */
function runPost(command: string, job: ScheduleJobView): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', command], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FRINGE_JOB_ID: String(job.id), FRINGE_JOB_STATE: job.state, FRINGE_JOB_OBSERVATIONS: job.observation.join(','), FRINGE_JOB_REASON: job.reason ?? '' },
    });
    let output = '';
    const keep = (b: Buffer) => (output = (output + b.toString()).slice(-500));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (err) => resolve({ code: 127, output: err.message }));
    child.on('close', (code, sig) => resolve({ code: code ?? (sig ? 128 : 1), output: output.trim().split('\n').slice(-3).join(' | ') }));
  });
}
