import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { DeviceError } from '../../../devices/errors.ts';
import { loadLibRtlSdr, openError } from '../../../devices/sdr/librtlsdr.ts';
import { RtlSdrSource } from '../../../devices/sdr/rtlsdr-source.ts';
import { listRtlSdrDevices } from '../../../devices/sdr/rtlsdr-devices.ts';
import { skipUnless, tools } from '../../helpers/tools.ts';
import { buildFakeLibRtlSdr, resetFakeEnv } from './helpers/fake-librtlsdr.ts';

describe('loading librtlsdr', () => {
  it('says how to install it on Debian, macOS and Windows when it is missing', () => {
    let err: unknown;
    try {
      loadLibRtlSdr('/nonexistent/librtlsdr.so.0');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DeviceError);
    expect((err as DeviceError).kind).toBe('not-installed');
    const msg = (err as DeviceError).message;
    expect(msg).toContain('/nonexistent/librtlsdr.so.0');
    expect(msg).toContain('apt install librtlsdr0');
    expect(msg).toContain('brew install librtlsdr');
    expect(msg).toContain('rtlsdr.dll');
  });

  it('turns librtlsdr open codes into errors that say what to do', () => {
    expect(openError(-6, 0, '#0')).toMatchObject({ kind: 'busy', message: /rmmod dvb_usb_rtl28xxu/ });
    expect(openError(-3, 0, '#0')).toMatchObject({ kind: 'busy', message: /plugdev/ });
    expect(openError(-1, 2, '#2')).toMatchObject({ kind: 'not-found', message: /fringe devices/ });
    expect(openError(-99, 0, '#0')).toMatchObject({ kind: 'io', message: /-99/ });
  });
});

describe.skipIf(skipUnless(tools.cc()))('enumeration through the compiled stand-in', () => {
  let lib = '';
  beforeAll(() => {
    lib = buildFakeLibRtlSdr();
  });

  it('lists names and USB strings of every dongle', () => {
    process.env.FAKE_RTLSDR_DEVICES = '2';
    try {
      expect(listRtlSdrDevices(loadLibRtlSdr(lib))).toEqual([
        { index: 0, name: 'Generic RTL2832U OEM', manufacturer: 'Realtek', product: 'RTL2838UHIDIR', serial: 'FAKE0000' },
        { index: 1, name: 'Generic RTL2832U OEM', manufacturer: 'Realtek', product: 'RTL2838UHIDIR', serial: 'FAKE0001' },
      ]);
      process.env.FAKE_RTLSDR_DEVICES = '0';
      expect(listRtlSdrDevices(loadLibRtlSdr(lib))).toEqual([]);
    } finally {
      resetFakeEnv();
    }
  });

  it('loads the library named by FRINGE_LIBRTLSDR', () => {
    process.env.FRINGE_LIBRTLSDR = lib;
    try {
      expect(loadLibRtlSdr().path).toBe(lib);
    } finally {
      delete process.env.FRINGE_LIBRTLSDR;
    }
  });
});

// Debian's real librtlsdr0, with no dongle on this machine's USB bus.
const realLib = '/usr/lib/x86_64-linux-gnu/librtlsdr.so.0';
const realSkip = skipUnless(
  existsSync(realLib) || existsSync('/usr/lib/aarch64-linux-gnu/librtlsdr.so.0') ? null : 'needs librtlsdr0 (install with scripts/install-system-deps.sh)',
);

describe.skipIf(realSkip)("Debian's real librtlsdr without a dongle", () => {
  it('loads by its default name and finds no dongles', () => {
    const lib = loadLibRtlSdr();
    expect(lib.path).toBe('librtlsdr.so.0');
    expect(listRtlSdrDevices(lib)).toEqual([]);
    expect(lib.getIndexBySerial('00000001')).toBe(-2); // −2: no devices
  });

  it('fails to open index 0 with the clear not-found error', async () => {
    const err = await RtlSdrSource.open({ device: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceError);
    expect((err as DeviceError).kind).toBe('not-found');
    expect((err as DeviceError).message).toMatch(/No RTL-SDR dongle found.*fringe devices/);
  });

  it('fails to open a serial with the clear not-found error', async () => {
    await expect(RtlSdrSource.open({ device: 'ABC123' })).rejects.toMatchObject({ kind: 'not-found', message: /No RTL-SDR dongle found/ });
  });
});
