/**
 * The requirement table: every requirement's id, title, limit, unit,
 * verification method and the function that measures it. `fringe qualify`
 * runs these, and the project's tests (test/src/qualify/) call the same
 * `measure` functions and assert the same limits, so the suite and the report
 * cannot disagree. Science requirements not measurable yet (none now):
 * science.ts `pendingScience`; hardware (--source): hardware.ts.
 */
import { CpuBackend } from '../../correlator/cpu.ts';
import type { FxConfig } from '../../correlator/types.ts';
import { backendAgreement, backendCases, linearityPlot, measureDelays, measureLinearity, measurePfb, measureSk, measureTone } from './correlator.ts';
import { hardwareRequirements, rotatorRequirement } from './hardware.ts';
import { allanPlots, gainDrift, integratesDownTo, noisePowerSeries, scatterPlot, scatterVsTau, simPowerSeries } from './radiometer.ts';
import { measureHi } from './hi.ts';
import { measureBaselines, measureFractionalDelays } from './interferometer.ts';
import { measureDriftTsys } from './drift-tsys.ts';
import { measureDrift } from './science.ts';
import { liveRun, throughput } from './system.ts';
import type { MeasureContext, Requirement } from './types.ts';

const pfb = (ctx: MeasureContext) => ctx.once('pfb', async () => measurePfb(ctx.quick));
const linearity = (ctx: MeasureContext) => ctx.once('linearity', () => measureLinearity(ctx.seed + 1, ctx.quick));
const toneRun = (ctx: MeasureContext) => ctx.once('tone', () => measureTone());
const delays = (ctx: MeasureContext) => ctx.once('delays', () => measureDelays(ctx.seed + 2, ctx.quick));
const simSeries = (ctx: MeasureContext) => ctx.once('sim-series', () => simPowerSeries(ctx.quick ? 4 : 40, ctx.progress));
const live = (ctx: MeasureContext) => ctx.once('live', () => liveRun(ctx.quick ? 5 : 60, ctx.progress));
const drift = (ctx: MeasureContext) => ctx.once('drift', () => measureDrift(4));
const fracDelays = (ctx: MeasureContext) => ctx.once('int-delays', () => measureFractionalDelays(ctx.quick ? 1 << 18 : 1 << 21));
const driftTsys = (ctx: MeasureContext) => ctx.once('drift-tsys', () => measureDriftTsys(ctx.quick, ctx.progress));
const baselines = (ctx: MeasureContext) => ctx.once('int-baselines', () => measureBaselines(ctx.quick, ctx.progress));
const hi = (ctx: MeasureContext) => ctx.once('hi', async () => measureHi(ctx.quick));
const worstBy = <T,>(a: T[], f: (x: T) => number) => a.reduce((w, x) => (Math.abs(f(x)) > Math.abs(f(w)) ? x : w));
const round = (v: number, digits = 4) => Number(v.toPrecision(digits));

/** The GPU backend when a WebGPU device can be made here (llvmpipe included), else null with the reason. */
async function gpuFactory(): Promise<{ make: (c: FxConfig) => Promise<import('../../correlator/backend.ts').FxBackend>; description: string } | { reason: string }> {
  const { acquireGpu, createGpuBackend } = await import('../../kernels/index.ts');
  try {
    const ctx = await acquireGpu();
    const description = `${ctx.description} (${ctx.path})`;
    ctx.destroy();
    return { make: (c) => createGpuBackend(c), description };
  } catch (e) {
    return { reason: `no WebGPU device here: ${(e as Error).message.split('\n')[0]}` };
  }
}

export const requirements: Requirement[] = [
  {
    id: 'COR-PFB-WIDTH', title: 'PFB channel: full width at −3 dB', group: 'correlator', limit: { min: 0.7, max: 1.0 }, unit: 'channels', method: 'analysis', needs: 'signals', seconds: [0.2, 1],
    procedure: 'A unit tone swept over ±2.5 channels of channel j (C = 64, T = 4, float samples: the filter, not 8-bit noise, sets the floor); the power in channel j against the offset, the −3 dB points interpolated. A plain FFT (rectangular window) beside it.',
    async measure(ctx) {
      const r = await pfb(ctx);
      return { value: r.pfb.width3dB, figures: { 'FFT −3 dB width (channels)': round(r.fft.width3dB) }, plots: r.plot, config: { channels: 64, taps: 4 } };
    },
  },
  {
    id: 'COR-PFB-ADJACENT', title: 'PFB: leakage of a tone in the central half of a channel into the adjacent channel', group: 'correlator', limit: { max: -20 }, unit: 'dB', method: 'analysis', needs: 'signals', seconds: [0, 0],
    procedure: 'From the same sweep: the worst response of a channel to a tone 0.75–1.25 channels from its centre (the neighbour\'s central half).',
    async measure(ctx) {
      const r = await pfb(ctx);
      return { value: r.pfb.adjacentLeakage, figures: { 'FFT, same measure (dB)': round(r.fft.adjacentLeakage) }, config: { channels: 64, taps: 4 } };
    },
  },
  {
    id: 'COR-PFB-FAR', title: 'PFB: leakage of a tone into channels two or more away', group: 'correlator', limit: { max: -60 }, unit: 'dB', method: 'analysis', needs: 'signals', seconds: [0, 0],
    procedure: 'From the same sweep: the worst response of a channel to a tone 1.5 or more channels from its centre.',
    async measure(ctx) {
      const r = await pfb(ctx);
      return { value: r.pfb.farLeakage, figures: { 'FFT, same measure (dB)': round(r.fft.farLeakage) }, config: { channels: 64, taps: 4 } };
    },
  },
  {
    id: 'COR-PFB-RIPPLE', title: 'PFB: passband ripple over the central half of a channel', group: 'correlator', limit: { max: 1.5 }, unit: 'dB', method: 'analysis', needs: 'signals', seconds: [0, 0],
    procedure: 'From the same sweep: peak-to-peak response for tones within ¼ channel of the centre.',
    async measure(ctx) {
      const r = await pfb(ctx);
      return { value: r.pfb.ripple, figures: { 'FFT, same measure (dB)': round(r.fft.ripple) }, config: { channels: 64, taps: 4 } };
    },
  },
  {
    id: 'COR-LINEARITY', title: 'Linearity: power ∝ input power up to 32 counts rms', group: 'correlator', limit: { max: 0.05 }, unit: 'dB', method: 'test', needs: 'signals', seconds: [3, 8],
    procedure: 'One seeded Gaussian noise stream scaled to 1 … 192 counts rms per component, quantised like a dongle, through the CPU backend (C = 64, T = 4); total power against σ² + 1/12 LSB² (quantisation noise), gain fitted at 8 counts. Worst |deviation| up to 32 counts (the simulator\'s dongle runs at 20).',
    async measure(ctx) {
      const l = await linearity(ctx);
      return { value: l.worst, plots: linearityPlot(l), figures: Object.fromEntries(l.counts.map((c, i) => [`deviation at ${c} counts (dB)`, round(l.deviation[i]!, 3)])), config: { channels: 64, taps: 4, seed: ctx.seed + 1 } };
    },
  },
  {
    id: 'COR-CLIP', title: 'Clipping point: input level at 1 dB compression', group: 'correlator', limit: { min: 64 }, unit: 'counts rms', method: 'test', needs: 'signals', seconds: [0, 0],
    procedure: 'From the linearity run: the input rms (per component) where the power falls 1 dB below the linear law; samples at 0 or 255 counted by the correlator beside it.',
    async measure(ctx) {
      const l = await linearity(ctx);
      return {
        value: l.clip1dB,
        figures: Object.fromEntries(l.counts.map((c, i) => [`clipped fraction at ${c} counts`, round(l.clippedFraction[i]!, 3)])),
        notes: l.clip1dB === null ? ['the power never fell 1 dB below the linear law up to 192 counts rms'] : [],
      };
    },
  },
  {
    id: 'COR-TONE-AMP', title: 'Tone amplitude in its channel (A·Σh)', group: 'correlator', limit: { max: 1 }, unit: '%', method: 'test', needs: 'signals', seconds: [1, 1],
    procedure: 'A tone of amplitude 0.6 at the centre of channel 40 of 64 (T = 4, K = 20) on two inputs, 8-bit; |√(V_00/K) / (A·Σh) − 1|.',
    async measure(ctx) {
      const t = await toneRun(ctx);
      return { value: t.amplitudeError, config: t.config };
    },
  },
  {
    id: 'COR-TONE-PHASE', title: 'Tone phase: cross phase against the inputs\' phase difference', group: 'correlator', limit: { max: 0.01 }, unit: 'rad', method: 'test', needs: 'signals', seconds: [0, 0],
    procedure: 'The same tone with a 1.1 rad phase difference between the inputs: |arg V_01 − 1.1|.',
    async measure(ctx) {
      const t = await toneRun(ctx);
      return { value: t.phaseError, config: t.config };
    },
  },
  {
    id: 'COR-DELAY-SLOPE', title: 'Delay from the phase slope 2πd/C (integer and fractional delays)', group: 'correlator', limit: { max: 0.01 }, unit: 'samples', method: 'test', needs: 'signals', seconds: [4, 12],
    procedure: 'Band-limited noise (|ν| < 0.4) delayed exactly (frequency domain) by d samples on input 1, 8-bit, C = 64, T = 4; the cross phase slope fitted (src/analysis/phase.ts). Worst |measured − d|.',
    async measure(ctx) {
      const d = await delays(ctx);
      return {
        value: d.worstError, plots: d.plot,
        figures: Object.fromEntries(d.cases.map((c) => [`d = ${c.truth}: measured (samples)`, `${c.measured.toFixed(5)} ± ${c.sigma.toFixed(5)}`])),
        config: { channels: 64, taps: 4, seed: ctx.seed + 2, delays: d.cases.map((c) => c.truth) },
      };
    },
  },
  {
    id: 'COR-DELAY-CORRECTED', title: 'Fractional delay correction: residual after setCalibration({ delays })', group: 'correlator', limit: { max: 0.01 }, unit: 'samples', method: 'test', needs: 'signals', seconds: [0, 0],
    procedure: 'The same streams with the true delay applied by the pipeline (integer read offset + phase slope in the gains); worst |residual slope delay|.',
    async measure(ctx) {
      const d = await delays(ctx);
      return { value: d.worstResidual, figures: Object.fromEntries(d.cases.map((c) => [`d = ${c.truth}: residual (samples)`, `${c.residual.toFixed(5)} ± ${c.residualSigma.toFixed(5)}`])) };
    },
  },
  {
    id: 'COR-CPU-REFERENCE', title: 'CPU backend against the float64 reference', group: 'correlator', limit: { max: 1e-4 }, unit: 'of peak', method: 'test', needs: 'signals', seconds: [3, 8],
    procedure: 'fx.md\'s tolerance: worst |V − V_ref| / max |V_ref| (and the same for Σ|X|⁴) over configurations from N = 1–8, C = 16–4096, T = 4–16, delays, autos mode; half the inputs clipping random bytes, half Gaussian noise; odd block sizes.',
    async measure(ctx) {
      const cases = backendCases(ctx.quick);
      const r = await backendAgreement((c) => CpuBackend.create(c, { threads: 2 }), cases, ctx.seed + 3);
      return { value: r.worst, figures: Object.fromEntries(cases.map((c, i) => [`N=${c.inputs} C=${c.channels} T=${c.taps}${c.mode === 'autos' ? ' autos' : ''}`, r.perCase[i]!.toExponential(2)])), config: { seed: ctx.seed + 3, threads: 2 } };
    },
  },
  {
    id: 'COR-GPU-REFERENCE', title: 'GPU (WebGPU) backend against the float64 reference', group: 'correlator', limit: { max: 1e-4 }, unit: 'of peak', method: 'test', needs: 'signals', seconds: [15, 40],
    procedure: 'As for the CPU backend, on the WebGPU device found (a real GPU, else Mesa\'s llvmpipe); not applicable where no WebGPU device can be made.',
    async measure(ctx) {
      const gpu = await gpuFactory();
      if ('reason' in gpu) return { value: null, notApplicable: gpu.reason };
      const cases = backendCases(ctx.quick);
      const r = await backendAgreement(gpu.make, cases, ctx.seed + 3);
      return { value: r.worst, figures: { device: gpu.description, ...Object.fromEntries(cases.map((c, i) => [`N=${c.inputs} C=${c.channels} T=${c.taps}${c.mode === 'autos' ? ' autos' : ''}`, r.perCase[i]!.toExponential(2)])) }, config: { seed: ctx.seed + 3 } };
    },
  },
  {
    id: 'COR-SK', title: 'Spectral kurtosis of Gaussian noise ≈ 1', group: 'correlator', limit: { min: 0.95, max: 1.05 }, unit: '', method: 'test', needs: 'signals', seconds: [1, 1],
    procedure: 'White noise, 8-bit, C = 128, T = 4, K = 256: mean SK over the band (edges and DC left out); a tone pulsed at 25 % duty on a second input must give SK ≫ 1 in its channel.',
    async measure(ctx) {
      const s = await measureSk(ctx.seed + 4);
      return {
        value: s.mean, sigma: s.sigma, figures: { 'SK of the pulsed tone\'s channel': round(s.pulsed) },
        plots: [{ title: 'Spectral kurtosis of white noise per channel', x: { label: 'channel' }, y: { label: 'SK' }, series: [{ name: 'noise', x: s.sk.map((_, j) => j), y: s.sk, style: 'points' }], marks: [{ y: 1, label: 'Gaussian' }] }],
        notes: s.pulsed > 2 ? [] : [`the pulsed tone gave SK ${s.pulsed.toFixed(2)}, not ≫ 1`],
        config: { channels: 128, taps: 4, spectra: 256, seed: ctx.seed + 4 },
      };
    },
  },
  {
    id: 'RAD-SCATTER', title: 'Radiometer: scatter of total power against T_sys/√(Bτ)', group: 'radiometer', limit: { min: 0.9, max: 1.1 }, unit: 'ratio', method: 'test', needs: 'signals', seconds: [4, 12],
    procedure: 'Seeded white noise (20 counts rms) at 2.4 MS/s through the CPU backend (C = 256, τ₀ ≈ 10 ms), band power over the unflagged channels; rms about a fitted line against √F·P/√(Bτ) (B the noise-equivalent bandwidth, F the PFB\'s variance factor from its overlapping windows and channels), at τ₀ and re-binned to 2ⁿτ₀. The value is the ratio at τ₀; every τ is plotted.',
    async measure(ctx) {
      const s = await noisePowerSeries(ctx.quick ? 4 : 20, ctx.seed + 5);
      const pts = scatterVsTau(s, [1, 2, 4, 8, 16, 32, 64, 128]);
      const worst = Math.max(...pts.map((p) => Math.abs(p.ratio - 1) / p.sigma));
      return {
        value: pts[0]!.ratio, sigma: pts[0]!.sigma, plots: [scatterPlot([{ name: 'white noise through the CPU backend', points: pts }])],
        figures: { 'PFB variance factor F': round(s.factor), 'bandwidth B (Hz)': Math.round(s.bandwidth), 'worst |ratio − 1|/σ over τ': round(worst, 3) },
        notes: worst > 3 ? [`at some τ the ratio is ${worst.toFixed(1)}σ from 1`] : [],
        config: s.config,
      };
    },
  },
  {
    id: 'RAD-ALLAN', title: 'Radiometer: integrates down (Allan variance white) to at least 1 s', group: 'radiometer', limit: { min: 1 }, unit: 's', method: 'test', needs: 'sim', seconds: [2, 15],
    procedure: 'The simulator\'s hydrogen scenario (a fixed dish on cold sky), unpaced, through the CPU backend in 10 ms integrations; Allan variance of the band power, normalised to white noise; the longest τ before it rises 3σ above white.',
    async measure(ctx) {
      const s = await simSeries(ctx);
      const a = integratesDownTo(s);
      const below = a.normalised.map((v, i) => ({ v, i })).filter(({ v, i }) => 1 - v > 3 * (a.points[i]!.sigma / a.points[i]!.variance));
      return {
        value: a.tau, plots: allanPlots(s, a),
        figures: { 'stops integrating down': a.limited ? `at ${a.tau.toFixed(2)} s` : `not within the run (≥ ${a.tau.toFixed(2)} s)`, 'longest τ tested (s)': round(a.points.at(-1)!.tau) },
        notes: below.length ? [`the simulator's band power averages down faster than white noise at τ = ${below.map(({ i }) => a.points[i]!.tau.toFixed(2)).join(', ')} s (normalised Allan variance ${below.map(({ v }) => v.toFixed(2)).join(', ')}): its samples are not independent over those times`] : [],
        config: s.config,
      };
    },
  },
  {
    id: 'RAD-GAIN', title: 'Radiometer: gain drift over the run', group: 'radiometer', limit: { min: -0.5, max: 0.5 }, unit: '%', method: 'test', needs: 'sim', seconds: [0, 0],
    procedure: 'From the same run: a straight line fitted to the band power; its change over the run relative to the mean.',
    async measure(ctx) {
      const s = await simSeries(ctx);
      const g = gainDrift(s);
      return { value: g.drift, sigma: g.sigma, figures: { 'run (s)': round(s.power.length * s.tau0) }, config: s.config };
    },
  },
  {
    id: 'SYS-DROPS', title: 'Samples lost by the station\'s live stages at 2.4 MS/s, C = 1024', group: 'system', limit: { max: 0 }, unit: 'samples/h', method: 'demonstration', needs: 'sim', seconds: [6, 62],
    procedure: 'The station\'s own live session (Session + LiveView: reader, FX core, sink over bounded queues) on the simulator paced at 2.4 MS/s, C = 1024, T = 4, 0.25 s integrations, CPU backend; samples the source reported lost plus blocks the blocks stage dropped, scaled to an hour.',
    async measure(ctx) {
      const r = await live(ctx);
      const { loadavg, cpus } = await import('node:os');
      return {
        value: r.droppedPerHour,
        figures: { 'run (s)': round(r.seconds), 'samples received': r.samples, 'samples lost': r.dropped, 'load average (1 min)': round(loadavg()[0]!, 3), cores: cpus().length },
        notes: [...r.drops.slice(0, 8).map((d) => `${d.samples} samples lost at ${d.at.toFixed(2)} s`), ...(r.drops.length > 8 ? [`… and ${r.drops.length - 8} more losses, the last at ${r.drops.at(-1)!.at.toFixed(2)} s`] : [])],
        config: r.config,
      };
    },
  },
  {
    id: 'SYS-LATENCY', title: 'Latency from a sample\'s arrival to its integration leaving for the UI (95th percentile)', group: 'system', limit: { max: 0.5 }, unit: 's', method: 'demonstration', needs: 'sim', seconds: [0, 0],
    procedure: 'From the same live run: for every integration, the wall time from the arrival of the block holding its last sample to the sink (which sends it to the UI). The UI\'s own drawing (one animation frame) is not included.',
    async measure(ctx) {
      const r = await live(ctx);
      const sorted = [...r.latency].sort((a, b) => a - b);
      if (!sorted.length) return { value: null, notes: ['no integration arrived during the run'] };
      const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
      return {
        value: q(0.95), figures: { 'median (s)': round(q(0.5), 3), 'max (s)': round(sorted.at(-1)!, 3), integrations: sorted.length },
        plots: [{ title: 'Latency per integration', x: { label: 'integration' }, y: { label: 'latency (s)' }, series: [{ name: 'sample → sink', x: r.latency.map((_, i) => i), y: r.latency, style: 'points' }] }],
      };
    },
  },
  {
    id: 'SYS-HEADROOM', title: 'Throughput headroom: inputs at 2.4 MS/s the CPU backend sustains (20 % margin)', group: 'system', limit: { min: 2 }, unit: 'inputs', method: 'test', needs: 'signals', seconds: [5, 20],
    procedure: 'The CPU backend (2 threads at most), C = 1024, T = 4, full correlation, on N = 1, 2, 4 (8 in the full run) inputs of noise after a warm-up; the most inputs whose rate per input is ≥ 2.88 MS/s. The simulator and the store, which also take CPU in a live session, are not included.',
    async measure(ctx) {
      const t = await throughput(ctx.quick);
      return {
        value: t.sustained, figures: Object.fromEntries(t.inputs.map((n, i) => [`N = ${n}: MS/s per input`, round(t.rate[i]!, 3)])),
        plots: [{ title: 'FX throughput per input', x: { label: 'inputs' }, y: { label: 'MS/s per input' }, series: [{ name: 'CPU backend', x: t.inputs, y: t.rate }], marks: [{ y: 2.4, label: '2.4 MS/s' }] }],
        notes: t.sustained === t.inputs.at(-1) ? [`sustains every N tried; the headroom may be larger than ${t.sustained}`] : [],
      };
    },
  },
  {
    id: 'SCI-DRIFT-BEAM', title: 'Drift: the dish\'s beam from a simulated sun drift, against 1.2λ/D', group: 'science', limit: { min: -3, max: 3 }, unit: '%', method: 'test', needs: 'sim', seconds: [3, 3],
    procedure: 'The sun-drift scenario (1 m dish) with its sky at 3600× so 4 s of samples span 10:00–14:00 UTC; recorded with observe() (total power, C = 64, 20 ms), fitted as `fringe drift` does (baseline + beam ⊗ 0.533° disk); the deconvolved HPBW against the scenario\'s beam.',
    async measure(ctx) {
      const d = await drift(ctx);
      return {
        value: Number.isFinite(d.beamError) ? d.beamError : null,
        sigma: d.result.hpbw_deg_sigma !== null ? (100 * d.result.hpbw_deg_sigma) / d.truthBeam : undefined,
        figures: { 'HPBW (°)': d.result.hpbw_deg, 'HPBW σ (°)': d.result.hpbw_deg_sigma, 'truth 1.2λ/D (°)': round(d.truthBeam) },
        plots: d.plots, notes: d.result.verdict, config: d.config,
      };
    },
  },
  {
    id: 'SCI-DRIFT-POINTING', title: 'Drift: pointing offset (the scenario\'s dish has none)', group: 'science', limit: { min: -0.5, max: 0.5 }, unit: '°', method: 'test', needs: 'sim', seconds: [0, 0],
    procedure: 'From the same drift: the fitted peak position against the ephemeris\' sun (az on the sky).',
    async measure(ctx) {
      const d = await drift(ctx);
      const p = d.result.pointing_offset_deg.az;
      return { value: p, sigma: d.result.pointing_offset_deg_sigma.az ?? undefined, config: d.config };
    },
  },
  {
    id: 'SCI-DRIFT-TSYS', title: 'Drift: T_sys in kelvin against the simulator\'s at the drift\'s pointing', group: 'science', limit: { min: -5, max: 5 }, unit: '%', method: 'test', needs: 'sim', seconds: [2, 6],
    procedure: 'A 4 m dish with a hidden receiver (tsys 95 K at the zenith) and a pointing error, 52° N in mid-April (the sun far from the galactic plane), 1415 MHz (off the HI line); the live drift (src/engine/drift-run.ts runDrift, as `fringe drift --source sim`) calibrated with the hot load (Y-factor, 290 K against the simulator\'s sky at the aim as the cold load), then the drift and the elevation scan fitted; the T_sys it reports (the off-sun baseline under the sun) against the simulator\'s receiver + sky and ground + ADC noise at the drift\'s pointing and passage. Quick: 80 integrations across the drift; full: 160.',
    async measure(ctx) {
      const d = await driftTsys(ctx);
      return {
        value: round(d.error), sigma: d.sigma !== null ? round((100 * d.sigma) / d.truth.tsys, 3) : undefined,
        figures: {
          'T_sys (K)': round(d.tsys), 'T_sys σ (K)': d.sigma !== null ? round(d.sigma, 3) : null, 'simulator\'s T_sys at the pointing (K)': round(d.truth.tsys),
          'of which receiver (K)': round(d.truth.receiver), 'of which sky and ground (K)': round(d.truth.sky), 'of which ADC noise (K)': round(d.truth.adc, 3), 'of which RFI (K)': round(d.truth.rfi, 3),
          'calibration\'s T_sys (K, before the drift)': round(d.calibrationTsys), 'cold load given (K)': round(d.coldK),
        },
        plots: d.plots, notes: d.verdict, config: d.config,
      };
    },
  },
  {
    id: 'SCI-HI-VELOCITY', title: 'HI: v_LSR of the simulated line against the scenario\'s profile (under one 0.25 km/s channel)', group: 'science', limit: { min: -0.25, max: 0.25 }, unit: 'km/s', method: 'test', needs: 'sim', seconds: [5, 10],
    procedure: 'The simulator\'s antenna model (1.5 m dish, hydrogen with its LSR, seed 1) read in kelvin at 2048 channels over 2.4 MHz, four integrations 30 s apart, reduced by reduceHi (src/analysis/hi/reduce.ts) with the LSR correction; the shift that best aligns the reduced profile with 0.7 × the sim\'s beam-averaged profile at the pointing\'s (l, b) (least squares within ±150 km/s of its peak). Quick: one site/date/pointing; full: four (52°N June, Green Bank January, Sydney September, Hawaii March); the worst is the value.',
    async measure(ctx) {
      const h = await hi(ctx);
      const w = worstBy(h.cases, (r) => r.velocityOffset);
      const figures: Record<string, number> = { 'channel (km/s)': round(w.channelKms) };
      h.cases.forEach((r, i) => { figures[`case ${i + 1} offset (km/s)`] = r.velocityOffset; figures[`case ${i + 1} LSR correction (km/s)`] = round(r.lsrCorrection); figures[`case ${i + 1} truth peak v_LSR (km/s)`] = round(r.truthPeakVelocity); });
      return { value: w.velocityOffset, figures, plots: h.plots, config: h.config };
    },
  },
  {
    id: 'SCI-HI-KELVIN', title: 'HI: kelvin scale of the simulated line\'s peak against the scenario\'s brightness', group: 'science', limit: { min: -10, max: 10 }, unit: '%', method: 'test', needs: 'sim', seconds: [0, 0],
    procedure: 'From the same reductions: the reduced spectrum\'s peak (K) against the peak of 0.7 × the sim\'s beam-averaged profile; the worst case is the value.',
    async measure(ctx) {
      const h = await hi(ctx);
      const w = worstBy(h.cases, (r) => r.kelvinError);
      const figures: Record<string, number> = {};
      h.cases.forEach((r, i) => { figures[`case ${i + 1} peak (K)`] = round(r.peak); figures[`case ${i + 1} truth (K)`] = round(r.truthPeak); });
      return { value: round(w.kelvinError), figures, config: h.config };
    },
  },
  {
    id: 'SCI-INT-DELAY', title: 'Interferometer: delays (integer + fractional) against the scenario\'s sample offsets and cables', group: 'science', limit: { min: -0.05, max: 0.05 }, unit: 'samples', method: 'test', needs: 'sim', seconds: [2, 8],
    procedure: 'The three-dish interferometer scenario with hidden cable delays 0/150/95 ns (0, 0.36, 0.23 samples at 2.4 MS/s) on its sample offsets, a switched 500 K noise source: integer delays by cross-correlation (src/analysis/delay.ts), then solveGroupCalibration (src/analysis/groupcal.ts) on noise-on minus noise-off sums (float64 reference PFB, C = 64); the worst input\'s delay error relative to input 0. Quick: 2^18 samples per state; full: 2^21.',
    async measure(ctx) {
      const d = await fracDelays(ctx);
      const worstIndex = d.errors.reduce((w, e, i) => (Math.abs(e) > Math.abs(d.errors[w]!) ? i : w), 0);
      const figures: Record<string, string> = {};
      d.delays.forEach((v, a) => { if (a > 0) { figures[`input ${a} solved (samples)`] = v.toFixed(4); figures[`input ${a} truth (samples)`] = d.truth[a]!.toFixed(4); figures[`input ${a} error (samples)`] = d.errors[a]!.toExponential(2); } });
      return { value: d.errors[worstIndex]!, sigma: d.sigma[worstIndex] || undefined, figures, plots: d.plots, config: d.config };
    },
  },
  {
    id: 'SCI-INT-BASELINE', title: 'Interferometer: baseline lengths from a sun transit against the antennas\' positions', group: 'science', limit: { min: -1, max: 1 }, unit: '%', method: 'test', needs: 'sim', seconds: [3, 10],
    procedure: 'The three-dish scenario on positions the analysis does not read ((−5, 0), (5, 0), (0, 8) m: baselines of 10 and 9.43 m), hidden cables 0/150/95 ns, calibrated from its switched noise source (delays and gains, src/analysis/groupcal.ts), then a transit of a point sun correlated (float64 reference PFB, C = 64) and fitted by `fringe baseline` (src/engine/fringes.ts baselineReport: hour angle and declination from the ephemeris). The worst baseline\'s length error. Quick: 2^18 calibration samples, 3 h of sky in 60 s integrations; full: 2^20, 6 h in 30 s.',
    async measure(ctx) {
      const d = await baselines(ctx);
      const w = d.baselines[d.worstLength]!;
      const figures: Record<string, string | number> = {};
      for (const b of d.baselines) {
        figures[`${b.a}–${b.b}: solved east, north (m)`] = `${b.east.toFixed(3)}, ${b.north.toFixed(3)}`;
        figures[`${b.a}–${b.b}: positions east, north (m)`] = `${b.truthEast}, ${b.truthNorth}`;
        figures[`${b.a}–${b.b}: length (m)`] = `${b.length.toFixed(4)} ± ${b.lengthSigma.toFixed(4)}`;
        figures[`${b.a}–${b.b}: length error (%)`] = `${b.lengthError.toFixed(3)} ± ${b.lengthErrorSigma.toFixed(3)}`;
      }
      d.closureDeg.forEach((c, i) => { figures[`closure phase ${i + 1} (°)`] = round(c, 3); });
      return { value: round(w.lengthError), sigma: round(w.lengthErrorSigma, 3), figures, plots: [d.plots.length, d.plots.stopped], config: d.config };
    },
  },
  {
    id: 'SCI-INT-BASELINE-DIR', title: 'Interferometer: baseline directions from the same transit against the antennas\' positions', group: 'science', limit: { min: -1, max: 1 }, unit: '°', method: 'test', needs: 'sim', seconds: [0, 0],
    procedure: 'From the same fit: each baseline\'s direction (east of north) against the positions\'; the worst baseline\'s error.',
    async measure(ctx) {
      const d = await baselines(ctx);
      const w = d.baselines[d.worstDirection]!;
      return {
        value: round(w.directionError), sigma: round(w.directionErrorSigma, 3),
        figures: Object.fromEntries(d.baselines.map((b) => [`${b.a}–${b.b}: direction error (°)`, `${b.directionError.toFixed(3)} ± ${b.directionErrorSigma.toFixed(3)}`])),
        plots: [d.plots.direction], config: d.config,
      };
    },
  },
];

/** Every requirement this run measures: the table, plus the hardware self-test when a source is given and the rotator's round trip when a rotator is. */
export function allRequirements(o: { source?: string; rotator?: string }): Requirement[] {
  return [...requirements, ...(o.source !== undefined ? hardwareRequirements : []), ...(o.rotator !== undefined ? [rotatorRequirement] : [])];
}
