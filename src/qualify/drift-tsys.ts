/**
 * SCI-DRIFT-TSYS: the system temperature in kelvin from a calibrated drift
 * (src/engine/drift-run.ts runDrift, hot-load Y-factor), against the one the
 * simulator gives at the drift's pointing: the scenario's hidden receiver
 * tsys plus its sky and ground there, its RFI and the 8-bit ADC's own noise
 * (simSystemTemperature, also the truth of test/src/engine/drift-run.test.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AntennaModel } from '../../devices/sim/model.ts';
import { bandpassPower, countsPerRootKelvin, nearestGain } from '../../devices/sim/frontend.ts';
import { parseScenario } from '../../devices/sim/scenario.ts';
import { planDrift, runDrift } from '../engine/drift-run.ts';
import type { Plot } from './types.ts';

const round = (v: number) => Number(v.toPrecision(4));

type Scenario = ReturnType<typeof parseScenario>;

/** The simulator's temperatures (K) at a pointing and time, over the channels the drift analysis averages. */
export interface SimTemperatures {
  /** Everything: receiver, sky and ground, HI line, RFI, the ADC's own noise at the gain. */
  tsys: number;
  /** The receiver alone (the scenario's tsys less its cold zenith sky). */
  receiver: number;
  /** Sky and ground (the continuum at the pointing: CMB, atmosphere, galaxy, spill-over), without the line. */
  sky: number;
  /** The 8-bit ADC's quantisation noise (1/12 count² per component) in kelvin at the gain. */
  adc: number;
  /** The scenario's RFI tones in the analysed channels, as the band mean's temperature. */
  rfi: number;
}

/**
 * What the simulator gives off the sun at a pointing (the mount's aim; the
 * scenario's pointingError added) and sky time, over the channels the drift
 * analysis averages (inside the band's edges, without the centre), at tuner
 * gain `gain` (dB): receiver, sky and ground, RFI, and the 8-bit ADC's own
 * noise (1/12 count² per component, white, against the bandpass: at the low
 * gain a big dish on the sun needs, several kelvin).
 */
export function simTemperatures(scenario: Scenario, aim: { az: number; el: number }, timeMs: number, gain: number): SimTemperatures {
  const cfg = scenario.antennas[0]!;
  const e = cfg.pointingError;
  const model = new AntennaModel(scenario, cfg, { pointingAt: () => ({ az: aim.az + e.az, el: aim.el + e.el }) });
  const L = 4096, ones = new Float32Array(L).fill(1), amp = new Float32Array(L);
  model.independentAmplitude(timeMs, scenario.tuning.centerFrequency, scenario.tuning.sampleRate, ones, amp);
  const cpr = countsPerRootKelvin(scenario.frontend, cfg.tsys, nearestGain(gain));
  let s = 0, q = 0, n = 0;
  for (let k = 0; k < L; k++) {
    const kk = k < L / 2 ? k : k - L;
    if (Math.abs(kk) < (L * 28) / 64 && Math.abs(kk) >= L / 128) {
      s += amp[k]! ** 2 * L;
      q += 1 / 12 / cpr ** 2 / bandpassPower((2 * kk) / L, scenario.frontend);
      n++;
    }
  }
  // A tone of temperature T has the power of T kelvin of noise over the whole band (L bins) in one channel: calibrated
  // per channel and averaged over the n bins analysed it adds T·L/n, if it falls in them (the simulator leaves out tones
  // beyond ±fs/2, and the analysis the band's edges and centre).
  const fc = scenario.tuning.centerFrequency, fs = scenario.tuning.sampleRate;
  const rfi = scenario.rfi.reduce((a, t) => {
    const k = Math.round(((t.frequency - fc) / fs) * L);
    return a + (Math.abs(k) < (L * 28) / 64 && Math.abs(k) >= L / 128 ? (t.temperature * L) / n : 0);
  }, 0);
  return { tsys: (s + q) / n + rfi, receiver: model.receiverTemperature, sky: model.continuum, adc: q / n, rfi };
}

/** The system temperature (K) the simulator gives off the sun at a pointing (simTemperatures' tsys). */
export function simSystemTemperature(scenario: Scenario, aim: { az: number; el: number }, timeMs: number, gain: number): number {
  return simTemperatures(scenario, aim, timeMs, gain).tsys;
}

/**
 * The qualification's drift: a 4 m dish (η 0.6) with a hidden receiver
 * (tsys 95 K at the zenith) and a (0.3°, −0.2°) pointing error at 52° N in
 * mid-April, tuned to 1415 MHz, off the HI line (the Y-factor takes its
 * loads as flat across the band; the line is not), sample drops on. The
 * date keeps the sun 50° from the galactic plane: near the solstices the
 * sun crosses the plane, whose continuum (+2.8 K on a 3 m dish at 1415 MHz)
 * then lies under the sun, where the drift's linear baseline cannot tell it
 * from the sun. Quick: 80 integrations across the drift in 4 s of samples;
 * full: the wizard's 160 in 16 s.
 */
export const driftTsysScenario = {
  seed: 21, site: { lat: 52, lon: 0 }, start: '2026-04-15T10:30:00Z', tuning: { centerFrequency: 1_415_000_000 },
  antennas: [{ diameter: 4, efficiency: 0.6, tsys: 95, pointingError: { az: 0.3, el: -0.2 } }],
  sun: { flux: 75 }, frontend: { dropProbability: 0.01 },
};
export const driftTsysSizes = { quick: { driftPoints: 80, simSeconds: 4 }, full: { driftPoints: 160, simSeconds: 16 } };
/** The hot load's temperature (K): the simulator's absorber (scenario hotLoad, 290 K by default). */
const hotK = 290;

export interface DriftTsysQualification {
  tsys: number;
  sigma: number | null;
  /** The Y-factor calibration's own T_sys (K), before the drift. */
  calibrationTsys: number;
  /** The simulator's T_sys at the drift's pointing (K), and its parts. */
  truth: SimTemperatures;
  /** The cold sky given to the Y-factor (K): the simulator's at the calibration's pointing and time. */
  coldK: number;
  /** (tsys / truth − 1), %. */
  error: number;
  plots: Plot[];
  verdict: string[];
  config: Record<string, unknown>;
}

/**
 * Runs the calibrated drift on the simulator into a scratch store and
 * compares its T_sys with the simulator's. The Y-factor is given the hot
 * load's 290 K and, as its cold load, the sky the simulator has at the
 * calibration's pointing (as an observer enters it from a sky model): what is
 * qualified is the chain from the two loads to kelvin, not a guess at the sky.
 */
export async function measureDriftTsys(quick: boolean, progress: (f: number) => void = () => {}): Promise<DriftTsysQualification> {
  const dir = mkdtempSync(join(tmpdir(), 'fringe-qualify-tsys-'));
  try {
    const file = join(dir, 'scenario.json');
    writeFileSync(file, JSON.stringify(driftTsysScenario));
    const scenario = parseScenario(driftTsysScenario);
    const a = scenario.antennas[0]!;
    const size = quick ? driftTsysSizes.quick : driftTsysSizes.full;
    const options = { source: 'sim', scenario: file, dataDir: join(dir, 'db'), efficiency: a.efficiency, flux: scenario.sun.flux!, calibration: 'hot-load' as const, hotTemperature: hotK, ...size };
    // The calibration looks where the drift will (the planned aim) during its first integrations.
    const plan = planDrift(options);
    const coldK = simTemperatures(scenario, plan.aim, plan.skyStart + (plan.calIntegrations / 2) * plan.tauSky * 1000, plan.gain).sky;
    const drift: { x: number[]; y: number[] } = { x: [], y: [] };
    const r = await runDrift({
      ...options, coldTemperature: coldK,
      onProgress: (p) => {
        progress(p.done / p.total);
        if (p.phase === 'drift' && p.point?.unit === 'K') {
          drift.x.push(p.point.offset);
          drift.y.push(p.point.power);
        }
      },
    });
    const truth = simTemperatures(scenario, r.plan.aim, Date.parse(r.plan.passage), r.plan.gainDb);
    const tsys = r.tsys_k;
    if (tsys === null) throw new Error(`the drift gave no T_sys: ${r.verdict.join('; ')}`);
    return {
      tsys, sigma: r.tsys_k_sigma, calibrationTsys: r.calibration.tsys_k, truth, coldK, error: 100 * (tsys / truth.tsys - 1),
      verdict: r.verdict,
      plots: [{
        title: 'Calibrated drift (hot-load Y-factor) in kelvin',
        x: { label: 'offset along the sun\'s track (degrees)' }, y: { label: 'band mean (K)', log: true },
        series: [{ name: 'integrations', x: drift.x, y: drift.y, style: 'points' }],
        marks: [{ y: truth.tsys, label: `simulator's T_sys ${truth.tsys.toFixed(1)} K` }],
      }],
      config: {
        scenario: `4 m dish, η 0.6, hidden tsys 95 K and pointing error (0.3°, −0.2°), 52° N 0° E from ${driftTsysScenario.start}, 1415 MHz, 1 % of blocks dropped, seed ${driftTsysScenario.seed}`,
        scenarioFile: driftTsysScenario, calibration: `hot-load Y-factor, ${hotK} K against the simulator's sky at the aim, ${coldK.toFixed(2)} K`, channels: 64, ...size,
        gainDb: round(r.plan.gainDb), aim: `az ${r.plan.aim.az.toFixed(2)}°, el ${r.plan.aim.el.toFixed(2)}°`, passage: r.plan.passage, run: 'src/engine/drift-run.ts runDrift (fringe drift --source sim)',
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
