import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { skipUnless, tools } from '../../../helpers/tools.ts';
import { buildFakeLibRtlSdr } from '../../../devices/sdr/helpers/fake-librtlsdr.ts';
import { fringe } from './run-fringe.ts';


describe.skipIf(skipUnless(tools.cc()))('fringe devices with the librtlsdr stand-in', () => {
  let lib = '';
  beforeAll(() => {
    lib = buildFakeLibRtlSdr();
  });

  it('lists each dongle with its index, name and serial', async () => {
    const r = await fringe(['devices', '--library', lib], { FAKE_RTLSDR_DEVICES: '2' });
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      '0   Generic RTL2832U OEM  (Realtek RTL2838UHIDIR)  serial FAKE0000',
      '1   Generic RTL2832U OEM  (Realtek RTL2838UHIDIR)  serial FAKE0001',
    ]);
  });

  it('prints JSON with --json', async () => {
    const r = await fringe(['devices', '--json'], { FRINGE_LIBRTLSDR: lib, FAKE_RTLSDR_DEVICES: '1' });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([{ index: 0, name: 'Generic RTL2832U OEM', manufacturer: 'Realtek', product: 'RTL2838UHIDIR', serial: 'FAKE0000' }]);
  });
});

describe('fringe devices without dongles or without librtlsdr', () => {
  it('says how to install librtlsdr when it is missing, exit 1', async () => {
    const r = await fringe(['devices', '--library', '/nonexistent/librtlsdr.so.0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/librtlsdr is not installed.*apt install librtlsdr0.*brew install librtlsdr/s);
  });

  it.skipIf(skipUnless(existsSync('/usr/lib/x86_64-linux-gnu/librtlsdr.so.0') || existsSync('/usr/lib/aarch64-linux-gnu/librtlsdr.so.0') ? null : 'needs librtlsdr0'))(
    "says clearly that none are found with Debian's real librtlsdr",
    async () => {
      const r = await fringe(['devices']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^No RTL-SDR dongles found\. Plug one in/);
      const j = await fringe(['devices', '--json']);
      expect(JSON.parse(j.stdout)).toEqual([]);
    },
  );

  it('rejects unknown options with exit 2', async () => {
    const r = await fringe(['devices', '--frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--frobnicate'");
  });
});
