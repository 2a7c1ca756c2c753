/**
 * How the station runs a job: `observe()` (observe.ts, the recipe of
 * `fringe observe`) on the job's source for its window, with the dish on its
 * target.
 *
 * - A connected rotator tracks the target (tracking.ts), its commands and
 *   reported positions stored as the observation's 'pointing' events; a
 *   drift scan instead points once where the target will be at mid-window
 *   and lets the sky drift through (its analysis: `fringe drift ID`).
 * - The simulator (a dry run, or a station without a dongle) runs a
 *   scenario made for the job: the station's scenario seen from the
 *   station's site, starting at the job's sky time at the sky clock's speed,
 *   its dish on the sun (scenario tracking) or fixed on the target's
 *   mid-window position when no rotator is connected.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultIntegration } from '../../api/inputs.ts';
import { defaultScenario, loadScenario, type Scenario } from '../../../devices/sim/scenario.ts';
import { beamFwhm } from '../../../devices/sim/beam.ts';
import type { Recording } from '../../../observations/store/recording.ts';
import { acceleratedClock } from '../clock.ts';
import { observe } from '../observe.ts';
import { scenarioFile } from '../sources.ts';
import type { RotatorControl } from '../rotator.ts';
import { thresholdFor, Tracker, type TrackEvent } from '../tracking.ts';
import { target } from './plan.ts';
import { hiTuningToward } from '../../analysis/hi/tuning.ts';
import { galacticToEquatorial } from '../../astro/galactic.ts';
import type { Target } from '../../astro/targets.ts';
import { defaultTuning } from '../../../devices/sdr/source.ts';
import type { JobContext, JobOutcome, JobRunner } from './scheduler.ts';
import { correctedPointing, loadPointingCorrection } from '../pointing-correction.ts';

export interface RunnerOptions {
  dataDir: string;
  /** The station's scenario file (undefined: the default scenario). */
  scenario: () => string | undefined;
  rotator: () => RotatorControl | null;
  /** Dish diameter (m) for the tracking threshold's beam (default 1). */
  dishDiameter?: number;
  /** Before a job on `source`: frees it (the station stops a live view holding the same device). */
  free?: (source: string) => Promise<void>;
  /** Sim sources: multiple of real time for the samples (default: as fast as possible on an accelerated clock, else real time). */
  pacing?: number | false;
}

const simSource = (s: string) => /^(group:)?sim(:|,|$)/.test(s);

/**
 * When the dish is aimed for a fixed pointing: a drift scan at its planned
 * window's middle (the transit it is centred on, also when it started late:
 * the target still crosses the beam's centre then), any other job at the
 * middle of what it runs.
 */
export function aimTime(ctx: Pick<JobContext, 'spec' | 'job' | 'start' | 'seconds'>): Date {
  if (ctx.spec.mode === 'drift') return new Date((Date.parse(ctx.job.plannedStart) + Date.parse(ctx.job.plannedEnd)) / 2);
  return new Date(ctx.start + (ctx.seconds * 1000) / 2);
}

/** Writes the job's scenario into the data folder; returns its path. */
function jobScenario(o: RunnerOptions, ctx: JobContext, following: boolean): string {
  const file = ctx.spec.scenario ? scenarioFile(ctx.spec.scenario) : o.scenario();
  const base: Scenario = file ? loadScenario(file) : defaultScenario();
  const spec = ctx.spec;
  const mid = aimTime(ctx);
  const t = spec.target ? target(spec.target) : null;
  const aim = t && !following ? (t.spec.kind === 'sun' && spec.mode !== 'drift' ? { mode: 'sun' as const, offsetAz: 0, offsetEl: 0 } : { mode: 'fixed' as const, ...t.position(ctx.site, mid) }) : null;
  if (aim?.mode === 'fixed' && t?.spec.kind !== 'sun') ctx.log(`the simulated dish points where ${t!.text} is at mid-window (az ${aim.az.toFixed(2)}°, el ${aim.el.toFixed(2)}°): no rotator to track it`);
  const scenario: Scenario = {
    ...base,
    site: { ...base.site, lat: ctx.site.lat, lon: ctx.site.lon },
    start: new Date(ctx.start).toISOString(),
    speed: ctx.clock.speed,
    antennas: base.antennas.map((a) => (aim ? { ...a, pointing: aim } : a)),
  };
  const dir = join(o.dataDir, 'schedule');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `job-${ctx.job.id}-${ctx.job.observation.length}.json`);
  writeFileSync(path, JSON.stringify(scenario, null, 2));
  return path;
}

/** Fewest points a drift scan's cut is sampled with when its integration is not given (the beam fit's window needs them). */
export const driftPoints = 200;

/**
 * A spectrum job toward a Galactic target (a plane survey's point) with no
 * frequency given is tuned for its HI: the velocities its emission can have
 * there mid-band, with line-free channels on both sides for the baseline
 * (src/analysis/hi/tuning.ts). Anything else keeps the source's own tuning.
 */
export function hiJobTuning(t: Target | null, ctx: Pick<JobContext, 'spec' | 'job' | 'start' | 'seconds' | 'site' | 'log'>): { centerFrequency?: number } {
  if (ctx.spec.mode !== 'spectrum' || t?.spec.kind !== 'galactic') return {};
  const { l, b } = t.spec;
  const eq = galacticToEquatorial(l, b);
  const tuning = hiTuningToward(ctx.site, aimTime(ctx), eq.ra, eq.dec, defaultTuning.sampleRate);
  ctx.log(`tuned to ${(tuning.centerFrequency / 1e6).toFixed(4)} MHz for the HI at l ${l}°, b ${b}°: ${tuning.why}`);
  return { centerFrequency: tuning.centerFrequency };
}

/**
 * A job's integration in seconds of samples: the one given, else the default
 * (inputs.defaultIntegration), else for a drift scan at most 1/driftPoints
 * of its sky duration, so that its beam is sampled; on an accelerated clock
 * (sky `speed` times faster than the samples) a drift's sky spacing is kept.
 */
export function jobIntegration(spec: JobContext['spec'], skySeconds: number, speed: number): number {
  if (spec.integration !== undefined) return spec.integration;
  if (spec.mode !== 'drift') return defaultIntegration;
  return Math.min(defaultIntegration, skySeconds / driftPoints / speed);
}

export function stationRunner(o: RunnerOptions): JobRunner {
  return async (ctx: JobContext): Promise<JobOutcome> => {
    const spec = ctx.spec;
    const sim = simSource(spec.source);
    if (!sim && ctx.clock.speed !== 1) throw new Error(`an accelerated sky clock (${ctx.clock.speed}×) runs only the simulator: ${spec.source} records in real time`);
    await o.free?.(spec.source);
    const rotator = o.rotator();
    const t = spec.target ? target(spec.target) : null;
    const pending: TrackEvent[] = [];
    let rec: Recording | null = null;
    const store = (e: TrackEvent) => {
      if (!rec?.active) return void pending.push(e);
      rec.event('pointing', { tracking: t!.text, kind: e.kind, target: e.target, commanded: e.commanded, reported: e.reported, error: e.error, ...(e.reason ? { reason: e.reason } : {}) }, e.at / 1000);
    };
    let tracker: Tracker | null = null;
    if (rotator && t) {
      if (spec.mode === 'drift' || !t.moves) {
        const p = t.position(ctx.site, aimTime(ctx));
        await rotator.goto(p.az, p.el);
        ctx.log(`rotator to az ${p.az.toFixed(2)}° el ${p.el.toFixed(2)}° (${spec.mode === 'drift' ? `where ${t.text} is at mid-window; the sky drifts through` : t.text})`);
      } else {
        const beam = beamFwhm(o.dishDiameter ?? 1, spec.frequency ?? 1_420_405_752);
        // A dry run's clock waits while the job runs: the tracker follows the simulator's sky instead, paced at its speed.
        const clock = ctx.clock.speed === 1 ? ctx.clock : acceleratedClock(ctx.start, ctx.clock.speed);
        // The pointing correction the last sun drift measured (pointing-correction.json), applied to every command.
        const correction = loadPointingCorrection(o.dataDir);
        tracker = new Tracker({
          target: t, site: ctx.site, clock, mount: rotator, every: spec.trackEvery ?? 0, threshold: thresholdFor(beam, spec.trackFraction ?? 0.05), onEvent: store,
          ...(correction ? { correction: (p: { az: number; el: number }) => correctedPointing(p, correction) } : {}),
        });
        if (correction) ctx.log(`applying the pointing correction measured by observation ${correction.observation} (${correction.measuredAt}): az ${correction.az >= 0 ? '+' : ''}${correction.az.toFixed(3)}°, el ${correction.el >= 0 ? '+' : ''}${correction.el.toFixed(3)}°`);
        await tracker.start();
        ctx.log(`tracking ${t.text}: commands every ${spec.trackEvery ?? 0} s and past ${((spec.trackFraction ?? 0.05) * 100).toFixed(0)} % of a ${beam.toFixed(1)}° beam`);
      }
    } else if (t && !sim) ctx.log(`no rotator connected: ${t.text} is not tracked; the dish stays where it is`);
    try {
      const scenario = sim ? jobScenario(o, ctx, !!rotator) : undefined;
      const speed = sim ? ctx.clock.speed : 1;
      const result = await observe(
        {
          source: spec.source,
          mode: spec.mode === 'drift' ? 'totalpower' : spec.mode,
          tuning: spec.frequency ? { centerFrequency: spec.frequency } : hiJobTuning(t, ctx),
          channels: spec.channels ?? 1024,
          taps: 4,
          integration: jobIntegration(spec, ctx.seconds, speed),
          // Seconds of samples: the simulator's sky runs `speed` times faster than its samples.
          seconds: ctx.seconds / speed,
          backend: 'auto',
          threads: 1,
          dataDir: o.dataDir,
          target: t?.text ?? spec.target,
          scenario,
          // Unpaced on an accelerated clock, unless a rotator follows the sky in wall time.
          pacing: sim ? (o.pacing ?? (speed > 1 && !tracker ? false : 1)) : undefined,
          clock: ctx.clock,
          rotator,
          extraConfig: { schedule: { job: ctx.job.id, series: ctx.job.series, mode: spec.mode, start: spec.start } },
        },
        {
          signal: ctx.signal,
          onNotice: (n) => ctx.log(n),
          onRecording: (r) => {
            rec = r;
            ctx.observation(r.id);
            for (const e of pending.splice(0)) store(e);
          },
        },
      );
      if (spec.mode === 'drift') ctx.log(`drift scan recorded: analyse it with fringe drift ${result.observationId}`);
      const end = sim ? ctx.start + ctx.seconds * 1000 : undefined;
      return { status: result.status, report: result.report, notices: result.notices, ...(end !== undefined ? { end } : {}) };
    } finally {
      tracker?.stop();
    }
  };
}
