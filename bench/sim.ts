/**
 * Simulator speed: 8 inputs at 2.4 MS/s on one core (the main thread), as
 * fast as it computes. Prints one JSON line: MS/s per input and the
 * real-time factor (> 1: faster than real time), from wall time and from the
 * process's CPU time (which a busy machine does not inflate).
 *
 *   node --import tsx bench/sim.ts [inputs] [seconds of samples] [disk|point]
 *
 * The array is compact (5 m spacing), so with the default 'disk' sun every
 * dongle mixes several of the sun's independent spectra (sundisk.ts); 'point'
 * shows the cost without that.
 */
import { openSimGroup } from '../devices/sim/index.ts';

const inputs = Number(process.argv[2] ?? 8);
const seconds = Number(process.argv[3] ?? 10);
const sunModel = process.argv[4] === 'point' ? 'point' : 'disk';
const rate = 2_400_000;
const antennas = Array.from({ length: inputs }, (_, i) => ({
  name: `dish${i}`,
  position: [5 * i, 3 * (i % 3), 0],
  sampleOffset: 17 * i,
  loPhase: 40 * i,
}));
const group = await openSimGroup({
  scenario: { antennas, sun: { model: sunModel }, noiseSource: { temperature: 50, on: true }, tuning: { sampleRate: rate } },
  blockSamples: 65536,
  pacing: false,
});
// Warm up (JIT, the HI profiles), then measure.
for (let i = 0; i < 8; i++) group.read();
const blocks = Math.ceil((seconds * rate) / 65536);
const t0 = performance.now();
const cpu0 = process.cpuUsage();
let check = 0;
for (let i = 0; i < blocks; i++) for (const b of group.read()) check += b.data[i % b.data.length];
const dt = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const samples = blocks * 65536;
const msps = samples / dt / 1e6;
const mspsCpu = samples / cpuSeconds / 1e6;
console.log(
  JSON.stringify({
    bench: 'sim',
    inputs,
    sun: sunModel,
    sampleRate: rate,
    samplesPerInput: samples,
    seconds: Number(dt.toFixed(3)),
    cpuSeconds: Number(cpuSeconds.toFixed(3)),
    mspsPerInput: Number(msps.toFixed(3)),
    realTimeFactor: Number((msps / (rate / 1e6)).toFixed(3)),
    mspsPerInputCpu: Number(mspsCpu.toFixed(3)),
    realTimeFactorCpu: Number((mspsCpu / (rate / 1e6)).toFixed(3)),
    checksum: check,
  }),
);
await group.close();
