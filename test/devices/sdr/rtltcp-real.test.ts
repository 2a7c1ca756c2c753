/**
 * Our rtl_tcp client against Debian's real rtl_tcp program (osmocom
 * rtl-sdr 0.6), run on the librtlsdr stand-in through LD_LIBRARY_PATH: the
 * real server's greeting, command handling and streaming check the client,
 * and the stand-in's log shows what rtl_tcp applied to the "dongle". Then our
 * RtlTcpServer, serving the stand-in through RtlSdrSource, must leave the
 * dongle in the same state for the same commands.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeviceError } from '../../../devices/errors.ts';
import { RtlTcpSource } from '../../../devices/sdr/rtltcp-client.ts';
import { RtlTcpServer } from '../../../devices/sdr/rtltcp-server.ts';
import { RtlSdrSource } from '../../../devices/sdr/rtlsdr-source.ts';
import { skipUnless, tools } from '../../helpers/tools.ts';
import { buildFakeLibRtlSdr, counterBytes, firstDifference } from './helpers/fake-librtlsdr.ts';

const skip = skipUnless(tools.cc()) ?? skipUnless(process.platform === 'linux' ? tools.command('rtl_tcp') : 'needs Linux rtl_tcp');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe.skipIf(skip)("RtlTcpSource against Debian's rtl_tcp on the librtlsdr stand-in", () => {
  let child: ChildProcess | null = null;
  let port = 0;
  let log = '';
  let stderr = '';
  let dir = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fringe-rtltcp-real-'));
    symlinkSync(buildFakeLibRtlSdr(), join(dir, 'librtlsdr.so.0'));
    log = join(dir, 'settings.log');
    port = await freePort();
    child = spawn('rtl_tcp', ['-a', '127.0.0.1', '-p', String(port), '-s', '1024000'], {
      env: { ...process.env, LD_LIBRARY_PATH: dir, FAKE_RTLSDR_REALTIME: '1', FAKE_RTLSDR_LOG: log },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    // Its start-up lines, up to the first tuning (a loaded machine takes longer; 30 s is the ceiling).
    await new Promise<void>((resolve) => {
      const ceiling = setTimeout(resolve, 30_000);
      child!.stderr!.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes('Tuned to')) (clearTimeout(ceiling), resolve());
      });
    });
    expect(stderr).toContain('SN: FAKE0000'); // rtl_tcp really runs on the stand-in
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(1500)]); // a ceiling: rtl_tcp 0.6 sometimes ignores SIGTERM in its accept loop
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  });

  /** rtl_tcp prints 'listening' only to a buffered stdout: retry while the port is not yet open. */
  async function connect(): Promise<RtlTcpSource> {
    for (let i = 0; ; i++) {
      try {
        return await RtlTcpSource.connect({
          port,
          blockLength: 65_536,
          tuning: { centerFrequency: 1_420_405_752, sampleRate: 2_048_000, gain: 40, ppm: -3, biasTee: true },
        });
      } catch (err) {
        if (!(err instanceof DeviceError && err.kind === 'not-found') || i >= 50) throw err;
        await sleep(100);
      }
    }
  }

  it('reads the greeting, streams exact samples and has every command applied', async () => {
    const src = await connect();
    expect(src.greeting).toEqual({ tunerType: 5, gainCount: 29 });
    let n = 0;
    let next = 0;
    for await (const b of src.blocks()) {
      expect(b.firstSample).toBe(next);
      expect(firstDifference(b.data, counterBytes(b.firstSample, 32_768))).toBe(-1);
      next += 32_768;
      if (++n === 20) break;
    }
    await sendEveryCommand(src);
    const lines = await settingsAfter(log);
    // After rtl_tcp's own start-up settings (-s 1024000, auto gain), ours in order.
    const ours = lines.slice(lines.lastIndexOf('sample_rate 2048000'));
    expect(ours).toEqual([
      'sample_rate 2048000',
      'center_freq 1420405752',
      'freq_correction -3',
      'tuner_gain_mode 1',
      'tuner_gain 402',
      'bias_tee 1',
      'direct_sampling 2',
      'agc_mode 1',
      'offset_tuning 1',
      'testmode 1',
      'tuner_if_gain_stage 1',
      'tuner_if_gain 60',
      'xtal_freq 28800100',
      'tuner_xtal_freq 0',
      'xtal_freq 0',
      'tuner_xtal_freq 28799900',
      'tuner_gain 77',
    ]);
    expect(finalState(lines)).toEqual(expectedFinal);
    await src.close();
  });
});

/** Every standard command but frequency/rate/gain/ppm/bias (sent by connect). */
async function sendEveryCommand(src: RtlTcpSource): Promise<void> {
  await src.setDirectSampling(2);
  await src.setAgcMode(true);
  await src.setOffsetTuning(true);
  await src.setTestMode(true);
  await src.setIfGain(1, 6);
  await src.setRtlXtal(28_800_100);
  await src.setTunerXtal(28_799_900);
  expect(await src.setGainByIndex(5)).toBe(7.7);
}

/** The stand-in's settings log, once the last command (gain by index 5 → 7.7 dB) has landed. */
async function settingsAfter(log: string): Promise<string[]> {
  let lines: string[] = [];
  await vi
    .waitUntil(() => (lines = readFileSync(log, 'utf8').trim().split('\n')).at(-1) === 'tuner_gain 77', { timeout: 30_000, interval: 20 })
    .catch(() => {}); // the caller's expectation names what is missing
  return lines;
}

/** The last value of each setting. */
function finalState(lines: string[]): Record<string, number> {
  return Object.fromEntries(lines.map((l) => l.split(' ')).map(([k, v]) => [k!, Number(v)]));
}

/** What the dongle ends up with after connect() and sendEveryCommand(), through any rtl_tcp server. */
const expectedFinal = {
  sample_rate: 2_048_000,
  center_freq: 1_420_405_752,
  freq_correction: -3,
  tuner_gain_mode: 1,
  tuner_gain: 77,
  bias_tee: 1,
  direct_sampling: 2,
  agc_mode: 1,
  offset_tuning: 1,
  testmode: 1,
  tuner_if_gain_stage: 1,
  tuner_if_gain: 60,
  xtal_freq: 0, // rtl_tcp sets the tuner crystal with set_xtal_freq(dev, 0, hz)
  tuner_xtal_freq: 28_799_900,
};

describe.skipIf(skipUnless(tools.cc()))('RtlTcpServer serving the stand-in, driven like rtl_tcp', () => {
  it('leaves the dongle in the same state as the real rtl_tcp does for the same commands', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fringe-rtltcp-ours-'));
    const log = join(dir, 'settings.log');
    process.env.FAKE_RTLSDR_LOG = log;
    const dongle = await RtlSdrSource.open({ libraryPath: buildFakeLibRtlSdr(), bufferLength: 65_536 });
    const server = await RtlTcpServer.listen({ source: dongle, port: 0 });
    try {
      const src = await RtlTcpSource.connect({
        port: server.address.port,
        blockLength: 65_536,
        tuning: { centerFrequency: 1_420_405_752, sampleRate: 2_048_000, gain: 40, ppm: -3, biasTee: true },
      });
      for await (const b of src.blocks()) {
        expect(firstDifference(b.data, counterBytes(b.firstSample, 32_768))).toBe(-1);
        break;
      }
      await sendEveryCommand(src);
      expect(finalState(await settingsAfter(log))).toEqual(expectedFinal);
      await src.close();
    } finally {
      delete process.env.FAKE_RTLSDR_LOG;
      await server.close();
      await dongle.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
