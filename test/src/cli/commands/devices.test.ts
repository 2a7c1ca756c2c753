import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipUnless, tools } from '../../../helpers/tools.ts';
import { buildFakeLibRtlSdr } from '../../../devices/sdr/helpers/fake-librtlsdr.ts';
import { fringe as run } from './run-fringe.ts';

// An empty data folder: no rtl_tcp servers listed, the default scenario.
const dataDir = mkdtempSync(join(tmpdir(), 'fringe-devices-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const fringe = (args: string[], env: Record<string, string> = {}) => run(args, { FRINGE_DATA_DIR: dataDir, ...env });

describe.skipIf(skipUnless(tools.cc()))('fringe devices with the librtlsdr stand-in', () => {
  let lib = '';
  beforeAll(() => {
    lib = buildFakeLibRtlSdr();
  });

  it('lists each dongle with its index, name and serial', async () => {
    const r = await fringe(['devices', '--library', lib], { FAKE_RTLSDR_DEVICES: '2' });
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').slice(0, 5)).toEqual([
      'RTL-SDR dongles (librtlsdr):',
      '  0   Generic RTL2832U OEM  (Realtek RTL2838UHIDIR)  serial FAKE0000',
      '  1   Generic RTL2832U OEM  (Realtek RTL2838UHIDIR)  serial FAKE0001',
      'rtl_tcp servers (add them on the Station page):',
      '  none listed',
    ]);
    expect(r.stdout).toMatch(/^\* default +A 1 m dish/m);
    expect(r.stdout).toMatch(/^  sun-drift +A 1 m dish parked on the meridian/m);
  });

  it('prints JSON with --json', async () => {
    const r = await fringe(['devices', '--json'], { FRINGE_LIBRTLSDR: lib, FAKE_RTLSDR_DEVICES: '1' });
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.dongles).toEqual({ available: true, note: null, devices: [{ index: 0, name: 'Generic RTL2832U OEM', manufacturer: 'Realtek', product: 'RTL2838UHIDIR', serial: 'FAKE0000' }] });
    expect(j.rtlTcp).toEqual([]);
    expect(j.simulator.selected).toBeNull();
    expect(j.simulator.scenarios.map((s: { name: string | null }) => s.name)).toEqual([null, 'hydrogen', 'interferometer', 'sun-drift']);
  });
});

describe('fringe devices without dongles or without librtlsdr', () => {
  it('says how to install librtlsdr when it is missing, exit 1, and still lists the simulator', async () => {
    const r = await fringe(['devices', '--library', '/nonexistent/librtlsdr.so.0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/librtlsdr is not installed.*apt install librtlsdr0.*brew install librtlsdr/s);
    expect(r.stdout).toMatch(/librtlsdr is not available/);
    expect(r.stdout).toMatch(/^  hydrogen +A 1\.5 m dish/m);
  });

  it.skipIf(skipUnless(existsSync('/usr/lib/x86_64-linux-gnu/librtlsdr.so.0') || existsSync('/usr/lib/aarch64-linux-gnu/librtlsdr.so.0') ? null : 'needs librtlsdr0'))(
    "says clearly that none are found with Debian's real librtlsdr",
    async () => {
      const r = await fringe(['devices']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^  No RTL-SDR dongles found\. Plug one in/m);
      const j = await fringe(['devices', '--json']);
      expect(JSON.parse(j.stdout).dongles).toMatchObject({ available: true, devices: [] });
    },
  );

  it("probes the rtl_tcp servers in the data folder's station.json and marks the selected scenario", async () => {
    const listed = mkdtempSync(join(tmpdir(), 'fringe-devices-listed-'));
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    try {
      writeFileSync(join(listed, 'station.json'), JSON.stringify({ rtlTcpEndpoints: [`127.0.0.1:${port}`], scenario: 'hydrogen' }));
      const r = await fringe(['devices', '--db', listed]);
      expect(r.stdout).toContain(`  127.0.0.1:${port}  unreachable (refused): nothing is listening at 127.0.0.1:${port}`);
      expect(r.stdout).toMatch(/^\* hydrogen +A 1\.5 m dish/m);
      expect(r.stdout).toMatch(/^  default +A 1 m dish/m);
    } finally {
      rmSync(listed, { recursive: true, force: true });
    }
  });

  it('rejects unknown options with exit 2', async () => {
    const r = await fringe(['devices', '--frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--frobnicate'");
  });
});
