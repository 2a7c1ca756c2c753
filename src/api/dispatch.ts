/**
 * The engine side of the contract: checks each call's parameters, then
 * calls the station. One function per transport-independent request.
 */
import type { Station } from '../engine/station.ts';
import { addHiMask, hiMaskPath, loadHiMask, removeHiMask } from '../engine/hi-mask.ts';
import { ApiError, checkParams, type MethodName, type Params } from './contract.ts';
import { exportForDownload, summarize } from '../engine/summary.ts';
import { errorCause } from './errors.ts';
import { loadPointingCorrection } from '../engine/pointing-correction.ts';
import { reduceObservation, surveyObservations, surveyProfile } from '../engine/hi.ts';
import { waterfall } from '../engine/waterfall.ts';
import { driftSeries } from '../engine/drift-view.ts';
import { fluxAt } from '../analysis/solar-flux.ts';
import { fringeFits, fringeView } from '../engine/fringe-view.ts';

type Handlers = { [M in MethodName]: (p: Params<M>) => unknown };

export function dispatcher(station: Station): (method: string, params: unknown) => Promise<unknown> {
  const handlers: Handlers = {
    'station.status': () => station.status(),
    'station.setSite': (p) => station.setSite(p),
    'station.setAntennas': (p) => station.setAntennas(p.antennas),
    'station.sun': () => station.sun(),
    'sources.list': () => station.sources(),
    'station.addEndpoint': (p) => station.addEndpoint(p.endpoint),
    'station.removeEndpoint': (p) => station.removeEndpoint(p.endpoint),
    'station.setScenario': (p) => station.setScenario(p.scenario),
    'live.start': (p) => station.startLive(p),
    'live.stop': async () => {
      await station.stopLive();
      return station.status();
    },
    'live.history': () => station.liveHistory(),
    'live.loseSamples': (p) => ({ sample: station.loseSamples(p.input, p.samples) }),
    'record.start': (p) => ({ id: station.startRecording(p) }),
    'record.stop': async () => {
      const id = station.stopRecording();
      await station.recordingsClosed();
      return { id };
    },
    'observations.list': (p) => station.store.listObservations(p),
    'observations.get': (p) => station.store.getObservation(p.id),
    'observations.delete': (p) => {
      station.store.deleteObservation(p.id);
      return { id: p.id };
    },
    'observations.summary': (p) => summarize(station.store, p.id),
    'observations.waterfall': (p) => waterfall(station.store, p.id, p.input),
    'observations.fringes': (p) => fringeView(station.store, p.id),
    'observations.fringeFits': (p) => fringeFits(station.store, p.id),
    'observations.reprocess': (p) => station.reprocess(p),
    'observations.export': (p) => exportForDownload(station.store, p.id, p.format, p.kind),
    'rotator.connect': (p) => station.connectRotator(p),
    'rotator.disconnect': () => station.disconnectRotator(),
    'rotator.goto': (p) => station.rotatorGoto(p.az, p.el),
    'rotator.stop': () => station.rotatorStop(),
    'rotator.park': () => station.rotatorPark(),
    'targets.list': () => station.uploads.listTargets(),
    'targets.add': (p) => station.uploads.addTarget(p),
    'targets.remove': (p) => {
      station.uploads.removeTarget(p.name);
      return { name: p.name };
    },
    'uploads.formats': (p) => ({ id: p.id, formats: station.uploads.formats(p.id) }),
    'uploads.start': (p) => station.uploads.start(p),
    'uploads.list': (p) => station.uploads.jobs(p.id),
    'uploads.retry': (p) => station.uploads.retry(p.job),
    'qualify.run': (p) => station.qualification.run(p),
    'qualify.list': () => station.qualification.list(),
    'qualify.get': (p) => station.qualification.get(p.id),

    'schedule.add': (p) => station.scheduler.add(p),
    'schedule.survey': (p) => station.scheduler.addSurvey(p),
    'schedule.list': () => station.scheduler.list(),
    'schedule.remove': async (p) => {
      await station.scheduler.remove(p.job);
      return { job: p.job };
    },
    'schedule.plan': (p) => station.scheduler.plan(p.hours),
    'schedule.log': (p) => station.scheduler.jobs.logOf(p.job),
    'calibration.current': () => station.store.currentCalibration(),
    'calibration.list': (p) => station.store.calibrations(p.limit),
    'calibration.clear': () => ({ retired: station.store.retireCalibrations() }),
    'pointing.correction': () => loadPointingCorrection(station.dataDir),
    'drift.run': (p) => station.runDrift(p),
    'hi.spectrum': (p) => {
      const r = reduceObservation(station.store, p.id, p.references ?? [], { ...(p.mask ? { mask: p.mask } : {}), ...(p.lineFree?.length ? { lineFree: p.lineFree } : {}), ...(p.tsys !== undefined ? { tsys: p.tsys } : {}) });
      return { ...r, survey_profile: r.l_deg !== null && r.b_deg !== null ? surveyProfile(r.l_deg, r.b_deg) : null };
    },
    'hi.observe': async (p) => {
      const r = await station.observeHi(p);
      return { id: r.observationId, integrations: r.integrations, status: r.status, notices: r.notices, switching: { ...r.switching } };
    },
    'hi.stop': () => station.stopHi(),
    'hi.tuning': (p) => station.hiTuning(p),
    'hi.survey': (p) => surveyObservations(station.store, p.ids, p.references ?? []),
    'hi.mask.list': () => ({ file: hiMaskPath(station.store.dir), ranges: loadHiMask(station.store.dir) }),
    'hi.mask.add': (p) => ({ file: hiMaskPath(station.store.dir), ranges: addHiMask(station.store.dir, p.range, p.note) }),
    'hi.mask.remove': (p) => ({ file: hiMaskPath(station.store.dir), ranges: removeHiMask(station.store.dir, p.range) }),
    'uploads.cancel': (p) => station.uploads.cancel(p.job),
    'drift.series': (p) => driftSeries(station.store, p.observation),
    'drift.stop': () => station.stopDrift(),
    'drift.plan': (p) => station.driftPlan(p),
    'drift.flux': (p) => fluxAt(p.published, p.mhz),
  };
  return async (method, params) => {
    const call = checkParams(method, params);
    try {
      return await (handlers[call.method] as (p: unknown) => unknown)(call.params);
    } catch (err) {
      if (err instanceof ApiError) throw err;
      throw new ApiError('failed', err instanceof Error ? err.message : String(err), errorCause(err));
    }
  };
}
