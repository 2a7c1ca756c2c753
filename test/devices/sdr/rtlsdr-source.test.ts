import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DeviceError } from '../../../devices/errors.ts';
import { RtlSdrSource } from '../../../devices/sdr/rtlsdr-source.ts';
import type { Block } from '../../../devices/sdr/source.ts';
import { skipUnless, tools } from '../../helpers/tools.ts';
import { buildFakeLibRtlSdr, counterBytes, firstDifference, resetFakeEnv } from './helpers/fake-librtlsdr.ts';

const skip = skipUnless(tools.cc());

describe.skipIf(skip)('RtlSdrSource against the compiled librtlsdr stand-in', () => {
  let lib = '';
  beforeAll(() => {
    lib = buildFakeLibRtlSdr();
  });
  afterEach(() => resetFakeEnv());

  const open = (extra: Parameters<typeof RtlSdrSource.open>[0] = {}) =>
    RtlSdrSource.open({ libraryPath: lib, bufferLength: 16_384, ...extra });

  it('opens by index and applies the tuning the hardware reports', async () => {
    const src = await open({ tuning: { centerFrequency: 1_420_000_000, sampleRate: 2_400_000, gain: 40, ppm: 3 } });
    try {
      expect(src.info).toEqual({ kind: 'rtlsdr', name: 'Generic RTL2832U OEM (R820T)', serial: 'FAKE0000' });
      expect(src.tuning.centerFrequency).toBe(1_420_000_000);
      expect(src.tuning.sampleRate).toBe(2_400_000);
      expect(await src.setSampleRate(250_000)).toBe(250_000);
      expect(src.tuning.sampleRate).toBe(250_000);
      expect(src.tuning.gain).toBe(40.2); // nearest R820T step to 40 dB
      expect(src.tuning.ppm).toBe(3);
      expect(await src.setPpm(3)).toBe(3); // librtlsdr's −2 "unchanged" is not an error
      expect(src.gains.length).toBe(29);
      expect(src.gains[0]).toBe(0);
      expect(src.gains.at(-1)).toBe(49.6);
      expect(await src.setGain('auto')).toBe('auto');
      expect(await src.setBiasTee(true)).toBe(true);
      expect(await src.setDirectSampling(2)).toBe(2);
    } finally {
      await src.close();
    }
  });

  it('opens by serial, and names the serials present when the serial is wrong', async () => {
    process.env.FAKE_RTLSDR_DEVICES = '3';
    const src = await open({ device: 'FAKE0002' });
    expect(src.info.serial).toBe('FAKE0002');
    await src.close();
    const err = await open({ device: 'NOPE' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceError);
    expect((err as DeviceError).kind).toBe('not-found');
    expect((err as DeviceError).message).toContain("'FAKE0000', 'FAKE0001', 'FAKE0002'");
  });

  it('rejects out-of-range settings with a limit error naming the range', async () => {
    const src = await open();
    try {
      await expect(src.setSampleRate(500_000)).rejects.toMatchObject({ kind: 'limit', message: /900001–3200000/ });
      await expect(src.setCenterFrequency(10_000_000)).rejects.toMatchObject({ kind: 'limit', message: /direct sampling/ });
      expect(src.tuning.sampleRate).toBe(2_400_000); // unchanged
    } finally {
      await src.close();
    }
  });

  it('says the dongle is busy and how to blacklist the DVB driver', async () => {
    process.env.FAKE_RTLSDR_OPEN_ERROR = '-6';
    const err = (await open().catch((e: unknown) => e)) as DeviceError;
    expect(err.kind).toBe('busy');
    expect(err.message).toMatch(/dvb_usb_rtl28xxu/);
    expect(err.message).toMatch(/blacklist/);
  });

  it('says clearly when no dongle is plugged in', async () => {
    process.env.FAKE_RTLSDR_DEVICES = '0';
    await expect(open()).rejects.toMatchObject({ kind: 'not-found', message: /No RTL-SDR dongle found/ });
  });

  it('streams the exact counter pattern with contiguous firstSample indices', async () => {
    const src = await open();
    const got: Block[] = [];
    for await (const b of src.blocks()) {
      got.push(b);
      if (got.length === 40) break;
    }
    await src.close();
    let expected = 0;
    for (const b of got) {
      expect(b.firstSample).toBe(expected);
      expect(b.dropped).toBe(0);
      expect(b.data.length).toBe(16_384);
      expect(firstDifference(b.data, counterBytes(b.firstSample, 8192))).toBe(-1);
      expected += 8192;
    }
  });

  it('can stream again after breaking out, continuing the hardware counter', async () => {
    const src = await open();
    try {
      let first: Block | null = null;
      for await (const b of src.blocks()) {
        first = b;
        break;
      }
      expect(first!.firstSample).toBe(0);
      for await (const b of src.blocks()) {
        // A new stream counts from 0; the stand-in's counter carried on from where it stopped.
        expect(b.firstSample).toBe(0);
        expect(b.data[1]! % 32).toBe(0); // buffers start on a 8192-sample boundary
        break;
      }
    } finally {
      await src.close();
    }
  });

  it('ends the iteration with DeviceError unplugged when the dongle goes away mid-stream', async () => {
    process.env.FAKE_RTLSDR_UNPLUG_AFTER = '5';
    const src = await open();
    const got: Block[] = [];
    const err = await (async () => {
      for await (const b of src.blocks()) got.push(b);
    })().catch((e: unknown) => e);
    expect(got.length).toBe(5);
    expect(firstDifference(got[4]!.data, counterBytes(4 * 8192, 8192))).toBe(-1);
    expect(err).toBeInstanceOf(DeviceError);
    expect((err as DeviceError).kind).toBe('unplugged');
    expect((err as DeviceError).message).toMatch(/unplugged\? Replug/);
    await expect(src.setCenterFrequency(100e6)).rejects.toMatchObject({ kind: 'unplugged' });
    await src.close();
    await src.close(); // idempotent
  });

  it('declares a stream that stops delivering lost after stallMs, instead of hanging', async () => {
    process.env.FAKE_RTLSDR_STALL_AFTER = '3';
    const src = await open({ stallMs: 400 });
    const got: Block[] = [];
    const err = await (async () => {
      for await (const b of src.blocks()) got.push(b);
    })().catch((e: unknown) => e);
    expect(got.length).toBe(3);
    expect(err).toMatchObject({ kind: 'timeout', message: /delivered no samples for 400 ms; was it unplugged/ });
    await src.close();
  });

  it('detects samples lost mid-stream from elapsed time at the sample rate', async () => {
    // Paced like hardware at 1.024 MS/s; after 20 buffers (160 ms) 300 ms of samples are skipped.
    process.env.FAKE_RTLSDR_REALTIME = '1';
    process.env.FAKE_RTLSDR_DROP_AFTER = '20';
    process.env.FAKE_RTLSDR_DROP_SAMPLES = String(307_200);
    const src = await open({ tuning: { sampleRate: 1_024_000 } });
    const got: Block[] = [];
    for await (const b of src.blocks()) {
      got.push(b);
      if (got.length === 150) break; // 1.2 s of samples
    }
    await src.close();
    const total = got.reduce((s, b) => s + b.dropped, 0);
    // Host scheduling jitter is a few ms; allow ±30 ms of samples.
    expect(Math.abs(total - 307_200)).toBeLessThan(30_720);
    expect(got.slice(0, 20).every((b) => b.dropped === 0)).toBe(true);
    for (let i = 1; i < got.length; i++) {
      expect(got[i]!.firstSample).toBe(got[i - 1]!.firstSample + 8192 + got[i]!.dropped);
    }
  });
});
