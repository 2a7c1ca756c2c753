/**
 * The qualification suite's shapes: a requirement (id, limit, verification
 * method, the function that measures it), what a measurement returns, and the
 * report (report.json) that the HTML and PDF are rendered from alone.
 */

/** A plot's data as the report carries it: the renderer draws SVG from this and nothing else. */
export interface Plot {
  title: string;
  x: { label: string; log?: boolean };
  y: { label: string; log?: boolean };
  series: Array<{ name: string; x: number[]; y: number[]; style?: 'line' | 'points' }>;
  /** Horizontal lines (a limit, an expected value) drawn dashed. */
  marks?: Array<{ y: number; label: string }>;
}

/** What one measurement returns. `value` null: the data could not decide (the requirement fails and `notes` says why). */
export interface Measurement {
  value: number | null;
  /** 1σ uncertainty of value, in the requirement's unit, where the measurement states one. */
  sigma?: number;
  /** Other figures measured on the way (named, with units in the name), shown in the report beside the value. */
  figures?: Record<string, number | string | null>;
  plots?: Plot[];
  /** The inputs the measurement used (seed, channels, samples …), for the report's configuration. */
  config?: Record<string, unknown>;
  notes?: string[];
  /** Set when the requirement does not apply to this run (no GPU, no --reference): why. The verdict is then 'not-applicable'. */
  notApplicable?: string;
}

/** Where a measurement is made: on generated signals (always), on the simulator, or on the source named with --source. */
export type Needs = 'signals' | 'sim' | 'source';

export interface MeasureContext {
  /** The quick run (fewer samples, shorter runs); limits are the same. */
  quick: boolean;
  /** The seed every generated signal derives from. */
  seed: number;
  /** --source SPEC, for the hardware self-test. */
  source?: string;
  /** --reference HZ: a carrier of known frequency in the band (hardware frequency error). */
  reference?: number;
  /** --rotator SPEC: rotator for the round trip (hardware). */
  rotator?: string;
  /** Fraction 0…1 of this measurement done. */
  progress(fraction: number): void;
  /** A measurement several requirements read (the PFB sweep, one live run) made once per run: memoised by key. */
  once<T>(key: string, make: () => Promise<T>): Promise<T>;
}

/**
 * One requirement. Limits are inclusive: pass when min ≤ value ≤ max (an
 * absent bound is open). A null value fails: the suite could not show the
 * requirement is met.
 */
export interface Requirement {
  id: string;
  title: string;
  group: 'correlator' | 'radiometer' | 'system' | 'science' | 'hardware';
  limit: { min?: number; max?: number };
  unit: string;
  /** Verification method (test, analysis, demonstration, inspection) and the procedure in a sentence or two. */
  method: 'test' | 'analysis' | 'demonstration';
  procedure: string;
  needs: Needs;
  /** Seconds it takes on this project's 2-core machine: [quick, full]. */
  seconds: [number, number];
  measure(ctx: MeasureContext): Promise<Measurement>;
}

/**
 * 'inconclusive': a requirement timed by the host's clock (the system group,
 * the hardware sample rate) that missed its limit while other work held the
 * machine (load average above its cores): the measurement then says more about
 * the neighbours than about the station, so it neither passes nor fails.
 */
export type Verdict = 'pass' | 'fail' | 'not-applicable' | 'inconclusive';

/** One requirement's entry in report.json. */
export interface RequirementResult {
  id: string;
  title: string;
  group: Requirement['group'];
  limit: Requirement['limit'];
  /** The limit in words, e.g. "≤ −50 dB". */
  limitText: string;
  unit: string;
  method: Requirement['method'];
  procedure: string;
  measured: number | null;
  sigma: number | null;
  verdict: Verdict;
  figures: Record<string, number | string | null>;
  plots: Plot[];
  config: Record<string, unknown>;
  notes: string[];
  /** Wall-clock seconds it took. */
  seconds: number;
}

export interface Report {
  format: 'fringe-qualification/1';
  software: { name: 'fringe'; version: string; commit: string | null; node: string };
  machine: { hostname: string; platform: string; arch: string; cpus: string; cores: number; memoryGiB: number };
  /** ISO-8601 UTC start and end. */
  started: string;
  finished: string;
  configuration: { quick: boolean; seed: number; source: string | null; reference: number | null; rotator: string | null; only: string[] | null; command: string };
  summary: { total: number; passed: number; failed: number; notApplicable: number; inconclusive?: number; verdict: 'pass' | 'fail' };
  requirements: RequirementResult[];
  /** Requirements the suite names but cannot measure yet (seams for the science chain): id, title, why. */
  pending: Array<{ id: string; title: string; why: string }>;
}
