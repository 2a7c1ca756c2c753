/**
 * The payloads of the contract (src/api/contract.ts): what the engine sends
 * and every UI reads. They live here so that a UI imports nothing but
 * src/api; the engine imports them from here. Types only.
 *
 * Units: times Unix seconds unless named otherwise, frequencies Hz, angles
 * degrees (azimuth from north through east), sizes bytes.
 */
import type { Tuning } from '../../devices/sdr/source.ts';
import type { RtlSdrDeviceInfo } from '../../devices/sdr/rtlsdr-devices.ts';
import type { AzEl, DriverName, Limits } from '../../devices/rotator/index.ts';
import type { ExportFormat } from '../../observations/export/index.ts';
import type { JobState } from '../../observations/upload/queue.ts';
import type { TargetSummary } from '../../observations/upload/targets.ts';
import type { Site } from '../astro/site.ts';

export type { ExportFormat } from '../../observations/export/index.ts';
export type { JobState } from '../../observations/upload/queue.ts';
export type { TargetSummary } from '../../observations/upload/targets.ts';
/** One bounded queue between the live session's stages (devices/sdr/block-queue.ts), as the status and each spectrum report it. */
export type { StageCounts, StagePolicy } from '../../devices/sdr/block-queue.ts';
import type { StageCounts } from '../../devices/sdr/block-queue.ts';
import type { DriftResult } from '../analysis/drift.ts';
import type { RadiometerCheck } from '../analysis/radiometer.ts';

/** One integration as subscribers see it: per-input mean power spectra and what flags them. */
export interface SpectrumEvent {
  /** Start of the integration (Unix s), from the sample count. */
  time: number;
  centerFrequency: number;
  sampleRate: number;
  channels: number;
  spectra: number;
  /** Per input: mean |X|² per channel (fft-shifted), V_aa/K. */
  power: Float32Array[];
  /** Per input: spectral kurtosis per channel. */
  sk: Float32Array[];
  /** Per input: mean power summed over unflagged channels (DC, edges, SK outliers flagged); in kelvin (`kelvin` set) their mean, K. */
  totalPower: number[];
  clipped: number[];
  dropped: number[];
  /** The observation being recorded, or null. */
  recording: number | null;
  /** The live session's queues so far (source → FX core → store and subscribers), with what they dropped. */
  stages: StageCounts[];
  /** A group's baselines: the band-averaged coherence and its phase (see bandCoherence). */
  baselines?: BaselineCoherence[];
  /** When the power is in kelvin (a current calibration applies): when it was taken (Unix s), how, and T_sys then; absent or null: relative units. */
  kelvin?: { unit: 'K'; time: number; method: string; tsys: number | null } | null;
}

export interface BaselineCoherence {
  a: number;
  b: number;
  /** |Σ_j V_ab| / √(Σ_j V_aa · Σ_j V_bb) over the channels neither input flags: 0 (none) … 1 (one common source). */
  coherence: number;
  /** arg Σ_j V_ab (degrees). */
  phase: number;
}

export interface StationStatus {
  /** The source spec a live start is opening now (a group measures its delays meanwhile), else null. */
  starting: string | null;
  live: null | {
    source: string;
    kind: string;
    name: string;
    tuning: Tuning;
    channels: number;
    taps: number;
    integration: number;
    backend: string;
    /** The session's queues (see SpectrumEvent.stages). */
    stages: StageCounts[];
    /** Samples the blocks stage refused because the FX core fell behind. */
    droppedSamples: number;
    /** The velocity frame of the current pointing: v_LSR = v_topo + correction (null when the pointing is unknown). */
    lsr?: LiveLsr | null;
  };
  /** `samples`: written so far by a raw recording (which has no integrations). */
  recording: null | { id: number; mode: string; target: string; integrations: number; samples?: number };
  site: Site;
  /** The simulator's scenario: a built-in name (sources.ts), a file set by hand in station.json, or null for the default. */
  scenario: string | null;
  /** What the UI shows above every page while they hold (typed: see Notice). */
  notices: Notice[];
  /** The connected rotator, or null. */
  rotator: RotatorStatus | null;
  /** A live group's calibration tracking (engine/group-live.ts), or null/absent where there is none. */
  groupTracking?: GroupTrackingStatus | null;
  /** The station's antennas by input from the settings (station.setAntennas); [] when not set. */
  antennas?: { name: string; east: number; north: number; up: number; dishDiameter?: number }[];
}

/** The state of a live group's calibration: calibrating (no solution yet), locked, tracking (a check moved it and it was corrected), lost. */
export type GroupTrackingState = 'calibrating' | 'locked' | 'tracking' | 'lost';

/** One change of a live group's calibration (a 'calibration' event of a recording carries the same). */
export interface GroupTrackingEvent {
  /** Sky time of the check that caused it (Unix s). */
  time: number;
  /** Input 0's sample index when that check began. */
  sample: number;
  /** Input 0's sample index when its calibration was handed to the correlator, when it applied one. */
  appliedAt?: number;
  state: GroupTrackingState;
  reason: string;
  /** Delays applied (samples per input), when this event applied a calibration. */
  delays?: number[];
  delayChange?: number[];
  /** Each input's band coherence with input 0 on the noise source (0…1). */
  coherence?: number[];
}

export interface GroupTrackingStatus {
  state: GroupTrackingState;
  /** Delays in force (samples per input), or null before the first calibration. */
  delays: number[] | null;
  /** Seconds of samples between scheduled checks. */
  recheckSeconds: number;
  /** The last 20 changes, oldest first. */
  events: GroupTrackingEvent[];
}

/** Progress of long work the station does for the UI (reprocessing, a qualification run). */
export type TaskEvent = ReprocessTaskEvent | QualifyTaskEvent | HiObserveTaskEvent;

export interface ReprocessTaskEvent {
  kind: 'reprocess';
  observation: number;
  /** 0…1 */
  fraction: number;
  message: string;
  /** The observation it made, when done. */
  result?: number;
  failed?: boolean;
}


/**
 * A standing notice of the station, with a kind a UI switches on (to place,
 * title or hide it) and the text it shows.
 */
export type Notice =
  /** No dongle in use: the live view is the built-in simulator. */
  | { kind: 'simulator'; text: string }
  /** The GPU backend was asked for (or chosen by auto) and is not there or failed: the CPU computes. */
  | { kind: 'gpu-fallback'; text: string }
  /**
   * A group's delay calibration when it started: `delays` (samples per input, measured against
   * the common signal) when measured, null when the inputs are correlated without delays.
   */
  | { kind: 'group-calibration'; text: string; delays: number[] | null }
  /** The simulated dish follows the connected rotator (or will from the next live start). */
  | { kind: 'rotator-follow'; text: string }
  /** The rotator the simulated dish followed went away: the dish stays where it was. */
  | { kind: 'rotator-lost'; text: string }
  /** A live group's calibration tracking changed state or calibration (engine/group-live.ts). */
  | { kind: 'group-tracking'; text: string; state: GroupTrackingState };
export type NoticeKind = Notice['kind'];

/**
 * What went wrong underneath a failure, for a UI to react to and to advise
 * on (errors.ts derives it from the device, store and system errors):
 * - `busy`: the device (a dongle, a port) is used by another program or claimed by a kernel driver
 * - `not-found`: no such dongle, serial port, file or observation
 * - `permission`: the operating system refused access (a udev rule, a read-only folder)
 * - `refused`: nothing is listening at HOST:PORT (rtl_tcp, rotctld)
 * - `unreachable`: the host is known but cannot be reached (no route, a firewall)
 * - `dns`: no such host name
 * - `timeout`: a device or server stopped answering
 * - `unplugged`: the device or connection went away mid-stream
 * - `disk-full`: the disk (or the database's size cap) is full
 * - `read-only`: the data folder or database is read-only
 * - `not-installed`: a library or program is missing (librtlsdr, a GPU)
 * - `out-of-range`: a request outside what the device can do (a frequency, a rotator limit)
 * - `protocol`: a device or server answered something that cannot be understood
 * - `invalid`: a malformed input (file content, argument)
 * - `state`: not possible now (e.g. while recording)
 * - `unknown`: none of these
 */
export type ErrorCause =
  | 'busy'
  | 'not-found'
  | 'permission'
  | 'refused'
  | 'unreachable'
  | 'dns'
  | 'timeout'
  | 'unplugged'
  | 'disk-full'
  | 'read-only'
  | 'not-installed'
  | 'out-of-range'
  | 'protocol'
  | 'invalid'
  | 'state'
  | 'unknown';

/**
 * The `error` event: something failed outside any call. `kind` is the
 * failing part's own word (e.g. a device error's kind, `rotator-timeout`);
 * `area` and `cause` are what a UI switches on.
 */
export interface StationErrorEvent {
  kind: string;
  message: string;
  /** What failed: the live view, a recording, the rotator, the upload queue. */
  area: 'live' | 'recording' | 'rotator' | 'uploads';
  cause: ErrorCause;
}

/** The rotator as subscribers see it: the 'rotator' event, about twice a second while connected. */
export interface RotatorEvent {
  /** Position read, degrees. */
  az: number;
  el: number;
  /** True while a commanded move has not arrived, or the position changed since the last read. */
  moving: boolean;
  /** The mechanical target of the last goto (degrees), or null after stop, park or arrival. */
  target: AzEl | null;
  driver: DriverName;
  port: string;
  /** The sun in the sky the dish sees (the simulator's when the live source is the simulator), degrees. */
  sun: (AzEl & { sky: 'simulator' | 'site' }) | null;
}

/** The rotator in the station's status. */
export interface RotatorStatus {
  driver: DriverName;
  port: string;
  az: number;
  el: number;
  moving: boolean;
  limits: Limits;
}

/** One upload job as the UI sees it (and as each `upload` event carries it). Never holds a secret. */
export interface UploadJobView {
  job: number;
  /** The observation it came from (null when that was deleted, or for a job the CLI queued without one). */
  observation: number | null;
  target: string;
  /** The export format, when the job sends an export the store recorded. */
  format: ExportFormat | null;
  /** File name on the server. */
  file: string;
  state: JobState;
  /**
   * Bytes handed to the network in the current attempt (all of them once done). The system's
   * socket buffers take up to a few MiB before the server has read any, so a small file shows
   * all sent at once and then waits for the server's reply.
   */
  sent: number;
  /** File size (bytes). */
  total: number;
  /** Attempts made (the running one included). */
  attempts: number;
  /** Attempts before the job fails for good. */
  maxAttempts: number;
  /** The last attempt's error, in the transport's words (null once done). */
  error: string | null;
  /** Queued after a failed attempt: when the next one starts (Unix s); else null. */
  retryAt: number | null;
  /** Done without sending: the server already held these bytes. */
  alreadyThere: boolean;
  /** Last change (Unix s). */
  updated: number;
}

/** The dongles librtlsdr sees. */
export interface Dongles {
  /** Whether librtlsdr loaded (false: `note` says why, and how to install it). */
  available: boolean;
  devices: RtlSdrDeviceInfo[];
  /** Why the list is empty (none plugged in, or no librtlsdr), else null. */
  note: string | null;
}

/** Why an rtl_tcp endpoint did not answer as one, in a word or three. */
export type ProbeFailure = 'refused' | 'timed out' | 'not an rtl_tcp server' | 'closed without a greeting' | 'unknown host' | 'no route to host' | 'failed';

export type EndpointProbe =
  | {
      /** HOST:PORT as listed. */
      endpoint: string;
      reachable: true;
      /** The tuner the greeting names, e.g. "Rafael Micro R820T". */
      tuner: string;
      tunerType: number;
      /** Entries in the tuner's gain table, from the greeting. */
      gains: number;
      /** The live view is using it (not probed: a server takes one client at a time). */
      inUse: boolean;
    }
  | {
      endpoint: string;
      reachable: false;
      reason: ProbeFailure;
      /** One sentence: what happened and what to check. */
      detail: string;
    };

export interface ScenarioInfo {
  /** A built-in scenario's name (its file in devices/sim/scenarios/ without .json), or null for the default. */
  name: string | null;
  /** One line, from the scenario file's `description`. */
  description: string;
  /** Antennas the scenario simulates: more than one can be opened as a group (group:sim:0,…,sim:N−1). */
  antennas: number;
}

export interface SimulatorInfo {
  /** The default first, then the built-in scenarios by name. */
  scenarios: ScenarioInfo[];
  /** The scenario the simulator opens with: a built-in name, a file (set by hand in station.json), or null for the default. */
  selected: string | null;
}

/** What the station can listen to: `sources.list`. */
export interface Sources {
  dongles: Dongles;
  rtlTcp: EndpointProbe[];
  simulator: SimulatorInfo;
}

/** What the UI plots of a stored observation: `observations.summary`. */
export interface ObservationSummary {
  id: number;
  /** Channel centres (Hz), fft-shifted order, as the spectra. */
  frequency: number[];
  /** Per input: mean power per spectrum per channel over the observation (arbitrary units). */
  spectrum: number[][];
  /** Start of each (possibly averaged) point (Unix s). */
  time: number[];
  /** Per input: mean total power per spectrum (arbitrary units), averaged over `step` integrations. */
  power: number[][];
  /** Integrations averaged into each time point (1 unless the observation is long). */
  step: number;
}

/** The formats the UI downloads (`observations.export`, `/api/download`). */
export type DownloadFormat = 'fits' | 'csv';

/** An export written for download: `observations.export`. */
export interface ExportedFile {
  id: number;
  format: DownloadFormat;
  /** File name offered to the user. */
  name: string;
  /** Absolute path in the data folder's exports/. */
  path: string;
  bytes: number;
  sha256: string;
}

// ---------------------------------------------------------------- qualification (src/qualify, src/engine/qualify.ts)

export type { Plot as QualificationPlot, Report as QualificationReport, RequirementResult as QualificationResult } from '../qualify/types.ts';

/** Progress of a switched HI observation (`hi.observe`, src/engine/hi-progress.ts): on each change of phase or cycle, every 2 % (at most 10 a second), and at the end. */
export interface HiObserveTaskEvent {
  kind: 'hi-observe';
  switching: 'position' | 'frequency';
  /** The run token the caller gave hi.observe (so a page follows its own run, not another tab's). */
  run?: string;
  observation?: undefined;
  /** 0…1 of the phases' samples (slews not counted); 1 at the end of a complete observation. */
  fraction: number;
  /** on/off (position), lo/hi (frequency), or slew: the dish moving or the receiver settling after a retune. */
  phase: 'on' | 'off' | 'lo' | 'hi' | 'slew';
  /** The cycle now (0-based) of `cycles`. */
  cycle: number;
  cycles: number;
  /** Integrations written so far. */
  integrations: number;
  /** What a person reads: the phase, cycle and integrations, or the outcome. */
  message: string;
  /** Set when it has ended: the observation it made and how it ended. */
  result?: number;
  status?: 'complete' | 'interrupted';
  failed?: boolean;
}

/** Progress of a qualification run (`qualify.run`): one event per requirement finished, and at the end. */
export interface QualifyTaskEvent {
  kind: 'qualify';
  /** The run's id (its folder under the data folder's qualification/). */
  run: string;
  observation?: undefined;
  /** 0…1 */
  fraction: number;
  /** The last requirement finished and its verdict, or the outcome. */
  message: string;
  /** Set when the run has ended: its summary verdict (the report is then listed by qualify.list). */
  result?: 'pass' | 'fail';
  failed?: boolean;
}

/** A stored qualification report, as qualify.list lists it. */
export interface QualificationEntry {
  id: string;
  started: string;
  quick: boolean;
  source: string | null;
  total: number;
  passed: number;
  failed: number;
  verdict: 'pass' | 'fail';
}

/** A scheduled job's occurrence (src/engine/scheduler): times ISO 8601 on the sky clock. */
export interface ScheduleJobView {
  id: number;
  /** The first occurrence's id: every occurrence of a repeating job shares it. */
  series: number;
  state: 'pending' | 'running' | 'done' | 'failed' | 'interrupted';
  spec: import('./inputs.ts').JobSpec;
  plannedStart: string;
  plannedEnd: string;
  started: string | null;
  ended: string | null;
  /** The observations it made (a resumed job: the interrupted one, then the rest). */
  observation: number[];
  /** Why it failed or was interrupted. */
  reason: string | null;
  /** The mode's result of its last observation. */
  result: { summary: string; values: Record<string, number | number[]> } | null;
  /** The post-job command's exit status (null: none, or not run yet). */
  postStatus: number | null;
}

export interface ScheduleLogLine {
  wall: string;
  sky: string;
  message: string;
}

/** The plan view: the next hours' jobs, elevations and conflicts. */
export interface SchedulePlan {
  from: string;
  to: string;
  site: { lat: number; lon: number };
  jobs: { id: number; state: ScheduleJobView['state']; mode: string; target: string | null; start: string; end: string; problem: string | null }[];
  /** Times (ISO) of the elevation samples, and each target's elevation (degrees) then. */
  times: string[];
  tracks: { target: string; el: number[] }[];
  /** Overlapping jobs (ids) and jobs whose constraints fail. */
  conflicts: { jobs: number[]; reason: string }[];
}
/** A calibration to kelvin as the store keeps it (observations/store/calibrations.ts): when, how, with what, per-channel gain (K per unit; null: flagged). */
export type { CalibrationRecordRow as CalibrationView } from '../../observations/store/calibrations.ts';

/** The pointing correction a sun drift measured (src/engine/pointing-correction.ts): degrees to add to a commanded az and el. */
export interface PointingCorrection {
  /** Degrees to add to a commanded azimuth (of azimuth) and elevation. */
  az: number;
  el: number;
  /** The measured offset it undoes (degrees; az on the sky), the elevation it was measured at, the observation and when. */
  measured: { az: number; el: number; elevation: number };
  observation: number;
  measuredAt: string;
}
export type PointingCorrectionView = PointingCorrection;

/** The sun-drift measurement (src/engine/drift-run.ts): how it calibrates, its progress and plan, and its result. */
/** 'sun': on and off the sun, with the entered flux, the dish's efficiency and diameter (analysis/kelvin.ts sunCalibration). */
export type CalibrationMethod = 'noise-diode' | 'hot-load' | 'sun';

export interface DriftProgress {
  phase: 'calibrate' | 'drift' | 'scan';
  /** Integrations done and planned. */
  done: number;
  total: number;
  /** The last integration: the sun's offset from the commanded pointing (degrees on the sky: along the track in the drift, in elevation in the scan) and its band power (K once calibrated, else relative). */
  point?: { offset: number; power: number; unit: 'K' | 'relative' };
}

export interface DriftPlan {
  /** Where the dish is pointed for the drift (degrees) and when the sun passes it (ISO UTC). */
  aim: { az: number; el: number };
  passage: string;
  /** Planned beam (70λ/D degrees) and width of beam ⊗ disk (degrees), the drift's span (sky minutes), integration (sky s). */
  plannedBeamDeg: number;
  spanMinutes: number;
  integrationSkySeconds: number;
  /** The elevation scan's offsets (degrees on the sky), empty without a mount. */
  scanOffsets: number[];
  /** The tuner gain asked for (dB). */
  gainDb: number;
}

export interface DriftRunResult extends DriftResult {
  observation: number;
  plan: DriftPlan;
  calibration: { record: number; method: CalibrationMethod; tsys_k: number; tsys_k_sigma: number; gain_k_per_unit: number; trx_k: number | null; taken: string };
  radiometer: (RadiometerCheck & { passes: boolean }) | null;
  pointing_correction: PointingCorrection | null;
}

/** What a drift will do, before Start (drift.plan): the plan, where and when, the sky it runs in, and what to do by hand. */
export interface DriftPlanView {
  plan: DriftPlan;
  /** The site the sun is computed for (the simulator's scenario's on the simulator); degrees, east longitude. */
  site: { name: string; lat: number; lon: number };
  /** Observing frequency (Hz) and the dish's diameter (m: the one entered, else the simulator's scenario's). */
  frequency: number;
  diameter: number;
  simulated: boolean;
  /** Who points the dish: the station's connected rotator, the simulator's mount, or nobody (the user, by hand: see `notices`). */
  mount: 'rotator' | 'simulator' | 'none';
  /** When the measurement starts on the sky clock (ISO UTC), the sun's transit nearest the passage (ISO UTC, elevation degrees). */
  start: string;
  transit: { time: string; el: number };
  calibration: CalibrationMethod;
  /** The noise diode's excess temperature (K) when one is known. */
  diodeK: number | null;
  /** Sky seconds per second of samples (the simulator runs the drift fast; 1 on a real dish). */
  clockSpeed: number;
  /** What the user should know or do (a low sun; where to point a dish without a mount, and when). */
  notices: string[];
}

/** The day's solar flux interpolated to a frequency (analysis/solar-flux.ts): sfu, the published values used, and whether it was extrapolated. */
export interface SolarFluxView {
  sfu: number;
  from: { mhz: number; sfu: number }[];
  extrapolated: boolean;
}

export type DriftProgressView = DriftProgress;
export type DriftRunView = DriftRunResult;
/** The LSR correction of the live pointing (src/engine/hi-live.ts): km/s, degrees, Unix s. */
export interface LiveLsr {
  correction_kms: number;
  ra: number;
  dec: number;
  l: number | null;
  b: number | null;
  time: number;
}

/** A stored drift's cuts as the wizard's result page plots them (src/engine/drift-view.ts): per cut, points sorted by the offset on the sky (degrees), power (K or relative), the fitted model at each (null where the fit failed), whether each point is in the fit window, and the model on a fine grid (`curve`) for drawing. */
export interface DriftSeriesView {
  observation: number;
  unit: 'K' | 'relative';
  /** The result the live run kept (with calibration, radiometer, pointing correction), else the stored data's analysis alone. */
  result: DriftResult | DriftRunResult;
  cuts: { axis: string; x: number[]; y: number[]; model: (number | null)[]; used: boolean[]; curve: { x: number[]; y: number[] } | null }[];
}

/** A group observation's fringes for its page (engine/fringe-view.ts). Times Unix s, phases degrees. */
export interface FringeView {
  id: number;
  /** Integrations averaged per point (1: every integration). */
  step: number;
  time: number[];
  /** Channel centre frequencies (Hz). */
  frequency: number[];
  /** Per baseline: the band-summed visibility normalised by the autos (re, im, amplitude, phase) against time, and the phase of the recording's summed visibility per channel. */
  baselines: { a: number; b: number; re: number[]; im: number[]; amplitude: number[]; phaseDeg: number[]; spectrumPhaseDeg: number[] }[];
  /** Closure phase of every triangle against time. */
  closures: { triangle: [number, number, number]; deg: number[] }[];
}

/** `fringe baseline` and `fringe size` on a recorded observation, each its JSON or why the data give none. */
export interface FringeFits {
  baseline:
    | {
        baselines: { a: number; b: number; east_m: number; north_m: number; up_m: number; length_m: number; length_err_m: number; phase_deg: number; phase_err_deg: number; residual_rms: number; reduced_chi2: number }[];
        closure_phases_deg: { triangle: [number, number, number]; deg: number }[];
        note: string;
      }
    | { error: string };
  size: { diameter_deg: { value: number; sigma: number } | null; verdict: string; nulls: { hourAngleH: number; qLambda: number }[]; a: number; b: number } | { error: string };
}

/** Where to tune for the HI toward a direction (hi.tuning): its emission window mid-band, line-free channels on both sides. */
export interface HiTuningView {
  centerFrequency: number;
  sampleRate: number;
  l: number;
  b: number;
  /** Velocities (km/s, LSR) its emission can have there, and the line-free flat band left below and above them. */
  window: [number, number];
  margins: [number, number];
  /** Where the DC spike lands (km/s, LSR). */
  dc_kms: number;
  why: string;
  /** Whether the direction is the live dish's own pointing (its LSR correction applied). */
  pointing: boolean;
}
