/**
 * The contract between the engine and every UI: methods (request → result)
 * and events (engine → UI). Parameters are validated at runtime on the engine
 * side (every argument from outside is untrusted); results and events are
 * typed for the UI. The transports (WebSocket, Electron MessagePort) carry
 * exactly this, nothing else.
 */
import { z } from 'zod';
import * as inputs from './inputs.ts';
import { endpoint, site, sourceSpec } from './inputs.ts';
import type { LiveHistory, ObservationWaterfall } from './history.ts';
import type { AntennaPosition, Observation } from '../../observations/store/types.ts';
import type { Site } from '../astro/site.ts';
import type { SkyPosition, Transit } from '../astro/sun.ts';
import type {
  ErrorCause,
  ExportFormat,
  ExportedFile,
  FringeFits,
  HiTuningView,
  FringeView,
  ObservationSummary,
  RotatorEvent,
  Sources,
  SpectrumEvent,
  StationErrorEvent,
  StationStatus,
  TargetSummary,
  TaskEvent,
  UploadJobView,
  QualificationEntry,
  QualificationReport,

  ScheduleJobView,
  ScheduleLogLine,
  SchedulePlan,
  CalibrationView,
  PointingCorrectionView,
  DriftProgressView,
  DriftRunView,
  DriftSeriesView,
  DriftPlanView,
  SolarFluxView,
} from './types.ts';
import type { HiMaskView, HiSpectrumView, HiSurveyView } from './hi-types.ts';

/** A qualification run's id: its folder's name (UTC time, e.g. 2026-12-03T17-58-01Z). */
const qualificationRunId = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z(?:-\d+)?$/, 'a qualification run id is its UTC time, e.g. 2026-12-03T17-58-01Z');


const tuning = z
  .object({
    centerFrequency: inputs.frequency.schema,
    sampleRate: inputs.sampleRate.schema,
    gain: inputs.gain.schema,
    ppm: inputs.ppm.schema,
    biasTee: z.boolean(),
  })
  .partial();

/** An upload target's name, as observations/upload/targets.ts takes it. */
const targetName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a target name is 1–64 letters, digits, ., _ or -');
/** Secrets and user names: no control characters (they go into a header or an FTP command); never echoed in an error. */
const credential = z.string().min(1).max(512).regex(/^[^\x00-\x1f\x7f]+$/, 'no control characters');
const targetUrl = (scheme: RegExp, what: string) => z.string().trim().min(1).max(2048).regex(scheme, what);
const uploadTarget = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('http'),
    name: targetName,
    url: targetUrl(/^https?:\/\//i, 'an HTTP target needs an http:// or https:// URL'),
    method: z.enum(['PUT', 'POST']),
    // A bearer token: printable ASCII without spaces (RFC 6750's b64token is narrower still).
    token: z.string().min(1).max(512).regex(/^[\x21-\x7e]+$/, 'the token must be printable ASCII without spaces').optional(),
  }),
  z.object({
    kind: z.literal('ftp'),
    name: targetName,
    url: targetUrl(/^ftp:\/\//i, 'an FTP target needs an ftp:// URL'),
    username: credential.max(128).optional(),
    password: credential.optional(),
  }),
]);
/** The export formats (observations/export/index.ts), spelled out so the UI's bundle needs no exporter. */
const uploadFormat = z.enum(['fits', 'callisto', 'sigmf', 'csv', 'uvfits', 'spd']);
// Fails to compile when the list above and the exporters' drift apart.
const sameFormats: [ExportFormat, z.infer<typeof uploadFormat>] extends [z.infer<typeof uploadFormat>, ExportFormat] ? true : never = true;
void sameFormats;

/** Azimuth and elevation a goto may aim at (degrees): inputs.ts's rules. */
const azimuth = inputs.azimuth.schema;
const elevation = inputs.gotoElevation.schema;
const id = inputs.observationId.schema;

/** Methods: name → parameter schema. Results are typed in `Results`. */
/** A velocity range [lo, hi] (km/s, LSR) with lo < hi. */
const hiRange = z.tuple([z.number().finite(), z.number().finite()]).refine(([a, b]) => a < b, 'a velocity range is [lo, hi] in km/s with lo below hi');

export const methods = {
  'station.status': z.object({}),
  'station.setSite': site,
  /** The group's antennas by input: east, north, up (m from the site), dish diameter (m). */
  'station.setAntennas': z.object({ antennas: inputs.antennaPositions }),
  'station.sun': z.object({}),
  'sources.list': z.object({}),
  'station.addEndpoint': z.object({ endpoint }),
  'station.removeEndpoint': z.object({ endpoint: z.string().trim().min(1).max(262) }),
  /** A built-in scenario's name, or null for the default. */
  'station.setScenario': z.object({ scenario: z.string({ error: "a built-in scenario's name, or null for the default" }).regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a scenario is a built-in one\'s name, e.g. sun-drift, or null for the default').nullable() }),
  'live.start': z
    .object({
      source: sourceSpec,
      tuning,
      channels: inputs.channels.schema,
      taps: inputs.taps.schema,
      integration: inputs.integration.schema,
      backend: z.enum(['cpu', 'gpu', 'auto']),
    })
    .partial(),
  'live.stop': z.object({}),
  'live.history': z.object({}),
  /** `seconds`: stop by itself after that many seconds of samples (default: until record.stop). */
  'record.start': z.object({ mode: z.enum(['spectrum', 'totalpower', 'raw']).optional(), target: inputs.targetName.optional(), seconds: inputs.seconds.schema.optional() }),
  'record.stop': z.object({}),
  /** The simulator only: input `input` of the live source loses `samples` without a trace (a dongle over rtl_tcp does), to see the group's calibration tracking re-align. */
  'live.loseSamples': z.object({ input: inputs.groupInput.schema, samples: inputs.lostSamples.schema }),
  'observations.list': z.object({ status: z.enum(['recording', 'complete', 'interrupted']).optional(), mode: z.string().max(40).optional() }),
  'observations.get': z.object({ id }),
  'observations.delete': z.object({ id }),
  'observations.summary': z.object({ id }),
  'observations.waterfall': z.object({ id, input: z.number().int().min(0).max(7).optional() }),
  /** A group observation's fringes per baseline and closure phases (engine/fringe-view.ts). */
  'observations.fringes': z.object({ id }),
  /** `fringe baseline` and `fringe size` on it, each its result or why none. */
  'observations.fringeFits': z.object({ id }),
  'observations.reprocess': z.object({
    id,
    channels: inputs.channels.schema.optional(),
    taps: inputs.taps.schema.optional(),
    integration: inputs.integration.schema.optional(),
    backend: z.enum(['cpu', 'gpu', 'auto']).optional(),
  }),
  'observations.export': z.object({ id, format: z.enum(['fits', 'csv']), kind: z.enum(['power', 'spectrum']).optional() }),
  'rotator.connect': z.object({
    driver: z.enum(['rotctld', 'gs232a', 'gs232b', 'easycomm', 'rot2prog', 'sim']),
    // A serial device path or HOST:PORT; no spaces or control characters.
    port: z.string().trim().min(1).max(200).regex(/^[^\s\x00-\x1f]+$/, 'a port is a serial device path or HOST:PORT').optional(),
    baud: inputs.baud.schema.optional(),
  }),
  'rotator.disconnect': z.object({}),
  'rotator.goto': z.object({ az: azimuth, el: elevation }),
  'rotator.stop': z.object({}),
  'rotator.park': z.object({}),
  'targets.list': z.object({}),
  'targets.add': uploadTarget,
  'targets.remove': z.object({ name: targetName }),
  'uploads.formats': z.object({ id }),
  'uploads.start': z.object({ id, format: uploadFormat, target: targetName }),
  'uploads.list': z.object({ id: id.optional() }),
  'uploads.retry': z.object({ job: z.number().int().positive() }),
  'qualify.run': z.object({ quick: z.boolean(), only: z.array(inputs.requirementId).max(64).optional() }),
  'qualify.list': z.object({}),
  'qualify.get': z.object({ id: qualificationRunId }),

  'schedule.add': inputs.jobSpec,
  'schedule.list': z.object({}),
  'schedule.remove': z.object({ job: z.number().int().positive() }),
  'schedule.plan': z.object({ hours: z.number().gt(0).max(168).optional() }),
  'schedule.log': z.object({ job: z.number().int().positive() }),
  /** A Galactic-plane survey: one job per longitude, back to back (inputs.jobSpec's survey). */
  'schedule.survey': inputs.jobSpec.extend({ survey: inputs.jobSpec.shape.survey.unwrap() }),
  'calibration.current': z.object({}),
  'calibration.list': z.object({ limit: z.number().int().min(1).max(1000).optional() }),
  'calibration.clear': z.object({}),
  'pointing.correction': z.object({}),
  'drift.run': z.object({
    source: sourceSpec.optional(),
    efficiency: z.number().gt(0).max(1),
    flux: z.number().gt(0).max(1e7).optional(),
    diameter: z.number().min(0.05).max(500).optional(),
    calibration: z.enum(['noise-diode', 'hot-load', 'sun']).optional(),
    /** The noise diode's excess temperature (K, entered: its data sheet's); the simulator's scenario's when not given. */
    diodeK: inputs.loadTemperature.schema.optional(),
    /** 'bias-tee': the dongle's bias tee powers the noise diode, so the station switches it that way (a real dongle). */
    diodeSwitch: z.literal('bias-tee').optional(),
  }),
  /** A reduced 21 cm spectrum (src/engine/hi.ts): references by id (hot, cold, terminated input), masks in km/s LSR. */
  'hi.spectrum': z.object({
    id, references: z.array(id).max(4).optional(), mask: z.array(hiRange).max(20).optional(),
    /** The baseline's line-free ranges (km/s LSR), overriding the automatic choice. */
    lineFree: z.array(hiRange).max(20).optional(),
    /** A switched observation's system temperature (K). */
    tsys: inputs.systemTemperature.schema.optional(),
  }),
  /** A switched HI observation (engine/hi-switch.ts): position (rotator on/off) or frequency (two LO settings), on `source` (default sim). */
  'hi.observe': inputs.hiObserveParams.and(z.object({ source: sourceSpec.optional(), /** Echoed in its 'task' events. */ run: z.string().min(1).max(64).optional() })),
  /** Stops the running hi.observe (it then resolves interrupted, keeping what was recorded). */
  'hi.stop': z.object({}),
  /** Where to tune for the HI toward (l, b), or the live dish's pointing when not given (src/analysis/hi/tuning.ts). */
  'hi.tuning': z.object({ l: z.number().min(-360).max(360).optional(), b: z.number().min(-90).max(90).optional(), sampleRate: z.number().min(225_001).max(3_200_000).optional() }),
  /** The l–v diagram and rotation curve of observations along the plane. */
  'hi.survey': z.object({ ids: z.array(id).min(1).max(500), references: z.array(id).max(4).optional() }),
  /** The user's persistent HI RFI mask (engine/hi-mask.ts), flagged by every reduction: list, add or remove a range (km/s LSR). */
  'hi.mask.list': z.object({}),
  'hi.mask.add': z.object({ range: hiRange, note: z.string().trim().min(1).max(200).optional() }),
  'hi.mask.remove': z.object({ range: hiRange }),
  'uploads.cancel': z.object({ job: z.number().int().positive() }),
  'drift.series': z.object({ observation: id }),
  'drift.stop': z.object({}),
  'drift.plan': z.object({
    source: sourceSpec.optional(),
    diameter: z.number().min(0.05).max(500).optional(),
    calibration: z.enum(['noise-diode', 'hot-load', 'sun']).optional(),
    /** The noise diode's excess temperature (K, entered: its data sheet's); the simulator's scenario's when not given. */
    diodeK: inputs.loadTemperature.schema.optional(),
    /** 'bias-tee': the dongle's bias tee powers the noise diode, so the station switches it that way (a real dongle). */
    diodeSwitch: z.literal('bias-tee').optional(),
  }),
  'drift.flux': z.object({
    published: z.array(z.object({ mhz: z.number().gt(0).max(1e6), sfu: z.number().gt(0).max(1e7) })).min(1).max(16),
    mhz: z.number().gt(0).max(1e6),
  }),
} as const;

export type MethodName = keyof typeof methods;
export type Params<M extends MethodName> = z.infer<(typeof methods)[M]>;

/** A value as it arrives over JSON: Dates become ISO strings, typed arrays plain objects are never sent. */
export type Json<T> = T extends Date ? string : T extends (infer U)[] ? Json<U>[] : T extends object ? { [K in keyof T]: Json<T[K]> } : T;

/** What each method resolves to, as the UI receives it (after JSON). */
export interface Results {
  'station.status': Json<StationStatus>;
  'station.setSite': Json<Site>;
  'station.setAntennas': Json<AntennaPosition[]>;
  /** `sky`: the sun in the sky the dish sees (the simulator's when it is live), for pointing. */
  'station.sun': Json<SkyPosition & { nextTransit: Transit; sky: { az: number; el: number; sky: 'simulator' | 'site' } }>;
  /** Dongles, rtl_tcp endpoints (probed) and the simulator's scenarios. */
  'sources.list': Json<Sources>;
  'station.addEndpoint': Json<Sources>;
  'station.removeEndpoint': Json<Sources>;
  'station.setScenario': Json<StationStatus>;
  'live.start': Json<StationStatus>;
  'live.stop': Json<StationStatus>;
  /** The live view's total power and drops since it started (bounded): a reloaded page plots its past. */
  'live.history': LiveHistory;
  'record.start': { id: number };
  'record.stop': { id: number | null };
  /** The input's sample index from which its stream is shifted. */
  'live.loseSamples': { sample: number };
  'observations.list': Json<Observation[]>;
  'observations.get': Json<Observation>;
  'observations.delete': { id: number };
  'observations.summary': ObservationSummary;
  /** One input's power per channel and integration, averaged down to a few hundred rows and columns. */
  'observations.waterfall': ObservationWaterfall;
  'observations.fringes': FringeView;
  'observations.fringeFits': FringeFits;
  'observations.export': ExportedFile;
  /** The new observation. */
  'observations.reprocess': { id: number; integrations: number; status: string };
  'rotator.connect': Json<StationStatus>;
  'rotator.disconnect': Json<StationStatus>;
  'rotator.goto': { az: number; el: number };
  'rotator.stop': Json<StationStatus>;
  'rotator.park': Json<StationStatus>;
  /** Targets without their secrets (`secret`: whether one is set). */
  'targets.list': TargetSummary[];
  'targets.add': TargetSummary;
  'targets.remove': { name: string };
  /** The formats the observation can be uploaded as, best first. */
  'uploads.formats': { id: number; formats: ExportFormat[] };
  'uploads.start': UploadJobView;
  'uploads.list': UploadJobView[];
  'uploads.retry': UploadJobView;
  /** The run started; 'task' events (kind 'qualify') report its progress. */
  'qualify.run': { id: string; expected: number };
  /** Stored reports, newest first. */
  'qualify.list': QualificationEntry[];
  'qualify.get': QualificationReport;

  'schedule.add': ScheduleJobView;
  'schedule.list': ScheduleJobView[];
  'schedule.remove': { job: number };
  'schedule.plan': SchedulePlan;
  'schedule.log': ScheduleLogLine[];
  'schedule.survey': ScheduleJobView[];
  /** The calibration to kelvin in force (the latest not retired), or null: power is then relative. */
  'calibration.current': CalibrationView | null;
  'calibration.list': CalibrationView[];
  /** Retires every calibration: power is relative until the next one. */
  'calibration.clear': { retired: number };
  /** The pointing correction the last sun drift measured (add to commanded az, el; degrees), or null. */
  'pointing.correction': PointingCorrectionView | null;
  /** The whole sun-drift measurement (engine/drift-run.ts); 'drift' events report its progress. */
  'drift.run': Json<DriftRunView>;
  'hi.spectrum': Json<HiSpectrumView>;
  /** 'task' events (kind 'hi-observe') report its progress while it runs. */
  'hi.observe': { id: number; integrations: number; status: 'complete' | 'interrupted'; notices: string[]; switching: Record<string, unknown> };
  /** stopping: false when no switched observation runs. */
  'hi.stop': { stopping: boolean };
  'hi.survey': Json<HiSurveyView>;
  'hi.tuning': HiTuningView;
  'hi.mask.list': HiMaskView;
  'hi.mask.add': HiMaskView;
  'hi.mask.remove': HiMaskView;
  /** The job, failed with 'cancelled before it started'. */
  'uploads.cancel': UploadJobView;
  /** A stored drift's cuts with the fit, for the result page's plots (engine/drift-view.ts). */
  'drift.series': Json<DriftSeriesView>;
  /** Stops the running drift.run (which then fails saying so; its observation keeps what was recorded, interrupted); stopping: false when none runs. */
  'drift.stop': { stopping: boolean };
  /** What a drift with these settings will do (engine/drift-run.ts planDrift), before Start. */
  'drift.plan': DriftPlanView;
  /** The day's solar flux at `mhz` from published values, log–log (analysis/solar-flux.ts). */
  'drift.flux': SolarFluxView;
}
export type Result<M extends MethodName> = Results[M];

/** Event payloads (spectrum: decoded from its binary frame). */
export interface Events {
  spectrum: SpectrumEvent;
  status: Json<StationStatus>;
  error: StationErrorEvent;
  rotator: RotatorEvent;
  upload: UploadJobView;
  task: TaskEvent;
  schedule: ScheduleJobView;
  drift: DriftProgressView;
}

/** Event names the engine sends. `spectrum` travels as a binary frame (codec.ts). */
export const eventNames = ['spectrum', 'status', 'error', 'rotator', 'upload', 'task', 'schedule', 'drift'] as const;
export type EventName = (typeof eventNames)[number];

/** How a call failed, as its reply carries it. */
export type ApiErrorKind = 'bad-request' | 'unknown-method' | 'failed' | 'unauthorized';

/** A refused or failed call: `{"id", "error": {"kind", "message", "cause"}}` on the wire. */
export interface ApiErrorReply {
  kind: ApiErrorKind;
  message: string;
  /** What went wrong underneath (a 'failed' call's device, disk or network error; 'invalid' for a bad request). */
  cause: ErrorCause;
}

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly kind: ApiErrorKind,
    message: string,
    /** What went wrong underneath (errors.ts errorCause); a bad request is 'invalid'. */
    override readonly cause: ErrorCause = kind === 'bad-request' ? 'invalid' : 'unknown',
  ) {
    super(message);
  }

  /** The reply's `error` member. */
  reply(): ApiErrorReply {
    return { kind: this.kind, message: this.message, cause: this.cause };
  }
}

/** Checks a call from outside; throws ApiError('bad-request') naming each wrong field. */
export function checkParams<M extends MethodName>(method: string, params: unknown): { method: M; params: Params<M> } {
  if (!Object.hasOwn(methods, method)) throw new ApiError('unknown-method', `unknown method '${method}'; known: ${Object.keys(methods).join(', ')}`);
  const result = methods[method as M].safeParse(params ?? {});
  if (!result.success) {
    const why = result.error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'params'}: ${i.message}`).join('; ');
    throw new ApiError('bad-request', `${method}: ${why}`);
  }
  return { method: method as M, params: result.data as Params<M> };
}
