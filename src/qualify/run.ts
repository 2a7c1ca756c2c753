/**
 * Runs the requirement table and writes the report's JSON: every requirement
 * measured in turn, its verdict from its limit, and what the run was (the
 * software, the machine, the configuration, the time).
 */
import { execFileSync } from 'node:child_process';
import { cpus, hostname, loadavg, totalmem } from 'node:os';
import { softwareVersion } from '../engine/version.ts';
import { allRequirements } from './requirements.ts';
import { pendingScience } from './science.ts';
import type { MeasureContext, Measurement, Report, Requirement, RequirementResult, Verdict } from './types.ts';

export interface QualifyOptions {
  quick: boolean;
  seed?: number;
  source?: string;
  reference?: number;
  rotator?: string;
  /** Requirement ids (exact) or prefixes ending in '-' or '*' (e.g. COR-PFB-*, HW-); null: all. */
  only?: string[] | null;
  /** The command line, for the report. */
  command?: string;
}

export interface QualifyProgress {
  /** Requirement being measured (1-based) of `total`. */
  index: number;
  total: number;
  id: string;
  title: string;
  /** 0 … 1 of the whole run, weighted by each requirement's expected seconds. */
  fraction: number;
  /** Wall seconds so far and the expected total. */
  elapsed: number;
  expected: number;
  /** Set when the requirement has finished. */
  verdict?: Verdict;
}

export const defaultSeed = 20261203;

/** Requirements a run would measure, in table order. Throws RangeError naming an --only id that matches none. */
export function selectRequirements(o: Pick<QualifyOptions, 'only' | 'source' | 'rotator'>): Requirement[] {
  const all = allRequirements(o);
  if (!o.only?.length) return all;
  const matches = (r: Requirement, p: string) => (p.endsWith('*') || p.endsWith('-') ? r.id.startsWith(p.replace(/\*$/, '')) : r.id === p);
  for (const p of o.only) {
    if (!all.some((r) => matches(r, p))) {
      const hw = allRequirements({ source: '', rotator: '' }).some((r) => matches(r, p));
      throw new RangeError(hw ? `--only ${p}: a hardware requirement, measured only with --source SPEC (the rotator's with --rotator SPEC)` : `--only ${p}: no such requirement (ids: ${all.map((r) => r.id).join(', ')})`);
    }
  }
  return all.filter((r) => o.only!.some((p) => matches(r, p)));
}

/** Expected wall seconds of a run on this project's 2-core machine. */
export function expectedSeconds(reqs: readonly Requirement[], quick: boolean): number {
  return reqs.reduce((s, r) => s + r.seconds[quick ? 0 : 1], 0);
}

export function limitText(l: Requirement['limit'], unit: string): string {
  const u = unit ? ` ${unit}` : '';
  if (l.min !== undefined && l.max !== undefined) return l.min === -l.max ? `within ±${l.max}${u}` : `${l.min} … ${l.max}${u}`;
  if (l.max !== undefined) return `≤ ${l.max}${u}`;
  if (l.min !== undefined) return `≥ ${l.min}${u}`;
  return 'recorded';
}

export function verdictOf(r: Pick<Requirement, 'limit'>, m: Pick<Measurement, 'value' | 'notApplicable'>): Verdict {
  if (m.notApplicable !== undefined) return 'not-applicable';
  const v = m.value;
  if (v === null || !Number.isFinite(v)) return 'fail';
  if (r.limit.min !== undefined && v < r.limit.min) return 'fail';
  if (r.limit.max !== undefined && v > r.limit.max) return 'fail';
  return 'pass';
}

/** A measurement context; `progress` reports the current requirement's fraction. */
export function makeContext(o: Pick<QualifyOptions, 'quick' | 'seed' | 'source' | 'reference' | 'rotator'>, progress: (f: number) => void = () => {}): MeasureContext {
  const memo = new Map<string, Promise<unknown>>();
  return {
    quick: o.quick,
    seed: o.seed ?? defaultSeed,
    ...(o.source !== undefined ? { source: o.source } : {}),
    ...(o.reference !== undefined ? { reference: o.reference } : {}),
    ...(o.rotator !== undefined ? { rotator: o.rotator } : {}),
    progress,
    once<T>(key: string, make: () => Promise<T>): Promise<T> {
      if (!memo.has(key)) memo.set(key, make());
      return memo.get(key) as Promise<T>;
    },
  };
}

/** Requirements timed by the host's clock: the system group and the hardware sample rate. */
export function hostTimed(r: Pick<Requirement, 'id' | 'group'>): boolean {
  return r.group === 'system' || r.id === 'HW-RATE';
}

/** Whether other work holds the machine (1-minute load average above its cores), in words; null when it does not. */
export function machineBusy(): string | null {
  const load = loadavg()[0]!, cores = cpus().length;
  return load > cores ? `the machine was busy with other work (load average ${load.toFixed(1)} on ${cores} cores)` : null;
}

/** Measures one requirement into its report entry (a measurement that throws fails, with the error as its note). */
export async function measureRequirement(r: Requirement, ctx: MeasureContext): Promise<RequirementResult> {
  const t = performance.now();
  let m: Measurement;
  try {
    m = await r.measure(ctx);
  } catch (err) {
    m = { value: null, notes: [`the measurement failed: ${err instanceof Error ? err.message : String(err)}`] };
  }
  const clean = (v: number | null) => (v === null || !Number.isFinite(v) ? null : v);
  const verdict = verdictOf(r, m);
  const busy = verdict === 'fail' && hostTimed(r) ? machineBusy() : null;
  return {
    id: r.id, title: r.title, group: r.group, limit: r.limit, limitText: limitText(r.limit, r.unit), unit: r.unit, method: r.method, procedure: r.procedure,
    measured: clean(m.value), sigma: m.sigma === undefined ? null : clean(m.sigma), verdict: busy ? 'inconclusive' : verdict,
    figures: m.figures ?? {}, plots: m.plots ?? [], config: m.config ?? {},
    notes: [...(busy ? [`inconclusive: outside its limit while ${busy}; run it again on an idle machine to decide`] : []), ...(m.notApplicable ? [`not applicable: ${m.notApplicable}`] : []), ...(m.notes ?? [])],
    seconds: (performance.now() - t) / 1000,
  };
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: new URL('../..', import.meta.url), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || null;
  } catch {
    return null;
  }
}

export async function runQualification(o: QualifyOptions, onProgress: (p: QualifyProgress) => void = () => {}): Promise<Report> {
  const reqs = selectRequirements(o);
  const expected = expectedSeconds(reqs, o.quick);
  const started = new Date();
  const t0 = performance.now();
  const results: RequirementResult[] = [];
  let before = 0;
  let current = { index: 0, r: reqs[0]! };
  const report = (f: number, verdict?: Verdict) => {
    const weight = current.r.seconds[o.quick ? 0 : 1];
    onProgress({
      index: current.index + 1, total: reqs.length, id: current.r.id, title: current.r.title,
      fraction: expected > 0 ? Math.min(1, (before + f * weight) / expected) : (current.index + f) / reqs.length,
      elapsed: (performance.now() - t0) / 1000, expected, ...(verdict ? { verdict } : {}),
    });
  };
  const ctx = makeContext(o, (f) => report(f));
  for (const [index, r] of reqs.entries()) {
    current = { index, r };
    report(0);
    const result = await measureRequirement(r, ctx);
    results.push(result);
    report(1, result.verdict);
    before += r.seconds[o.quick ? 0 : 1];
  }
  const count = (v: Verdict) => results.filter((r) => r.verdict === v).length;
  const cpu = cpus();
  return {
    format: 'fringe-qualification/1',
    software: { name: 'fringe', version: softwareVersion, commit: gitCommit(), node: process.version },
    machine: { hostname: hostname(), platform: process.platform, arch: process.arch, cpus: cpu[0]?.model ?? 'unknown', cores: cpu.length, memoryGiB: Math.round(totalmem() / 2 ** 30 * 10) / 10 },
    started: started.toISOString(),
    finished: new Date().toISOString(),
    configuration: {
      quick: o.quick, seed: o.seed ?? defaultSeed, source: o.source ?? null, reference: o.reference ?? null, rotator: o.rotator ?? null,
      only: o.only?.length ? o.only : null, command: o.command ?? '',
    },
    summary: { total: results.length, passed: count('pass'), failed: count('fail'), notApplicable: count('not-applicable'), inconclusive: count('inconclusive'), verdict: count('fail') ? 'fail' : 'pass' },
    requirements: results,
    pending: [
      ...pendingScience,
      ...(o.source === undefined ? [{ id: 'HW-*', title: 'Hardware self-test (floor, spurs, DC, frequency, sample rate)', why: 'measured only with --source SPEC (a dongle or an rtl_tcp server)' }] : []),
      ...(o.rotator === undefined ? [{ id: 'HW-ROTATOR', title: 'Rotator round trip', why: 'measured only with --rotator SPEC (sim, rotctld:HOST:PORT, DRIVER:PORT)' }] : []),
    ],
  };
}
