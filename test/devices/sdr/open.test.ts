import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeviceError } from '../../../devices/errors.ts';
import { openSource, parseSourceSpec } from '../../../devices/sdr/open.ts';
import { RtlTcpServer } from '../../../devices/sdr/rtltcp-server.ts';
import { skipUnless, tools } from '../../helpers/tools.ts';
import { CounterSource } from './helpers/counter-source.ts';
import { buildFakeLibRtlSdr, counterBytes, firstDifference } from './helpers/fake-librtlsdr.ts';

describe('parseSourceSpec', () => {
  it('parses every kind', () => {
    expect(parseSourceSpec('rtlsdr:0')).toEqual({ kind: 'rtlsdr', device: 0 });
    expect(parseSourceSpec('rtlsdr:12')).toEqual({ kind: 'rtlsdr', device: 12 });
    expect(parseSourceSpec('rtlsdr')).toEqual({ kind: 'rtlsdr', device: 0 });
    expect(parseSourceSpec('rtlsdr:00000001')).toEqual({ kind: 'rtlsdr', device: '00000001' }); // the stock serial
    expect(parseSourceSpec('rtlsdr:serial=7')).toEqual({ kind: 'rtlsdr', device: '7' });
    expect(parseSourceSpec('rtlsdr:ANT-WEST')).toEqual({ kind: 'rtlsdr', device: 'ANT-WEST' });
    expect(parseSourceSpec('rtltcp:192.168.1.5:1235')).toEqual({ kind: 'rtltcp', host: '192.168.1.5', port: 1235 });
    expect(parseSourceSpec('rtltcp:pi.local')).toEqual({ kind: 'rtltcp', host: 'pi.local', port: 1234 });
    expect(parseSourceSpec('rtltcp:[::1]:7373')).toEqual({ kind: 'rtltcp', host: '::1', port: 7373 });
    expect(parseSourceSpec('file:/data/a b.sigmf-meta')).toEqual({ kind: 'file', path: '/data/a b.sigmf-meta' });
    expect(parseSourceSpec('file:C:\\rec\\x.cu8')).toEqual({ kind: 'file', path: 'C:\\rec\\x.cu8' });
    expect(parseSourceSpec('sim')).toEqual({ kind: 'sim', antenna: 0 });
    expect(parseSourceSpec('sim:3')).toEqual({ kind: 'sim', antenna: 3 });
  });

  it('rejects malformed specs, listing the accepted forms', () => {
    for (const [spec, why] of [
      ['hackrf:0', /unknown kind 'hackrf'/],
      ['rtltcp:host:99999', /port 99999/],
      ['rtltcp:', /rtltcp:HOST/],
      ['file:', /path is empty/],
      ['sim:x', /antenna 'x'/],
      ['rtlsdr:serial=', /serial is empty/],
    ] as const) {
      let err: unknown;
      try {
        parseSourceSpec(spec);
      } catch (e) {
        err = e;
      }
      expect(err, spec).toBeInstanceOf(DeviceError);
      expect((err as DeviceError).message, spec).toMatch(why);
      expect((err as DeviceError).message, spec).toContain('rtlsdr:INDEX | rtlsdr:SERIAL | rtltcp:HOST:PORT | file:PATH');
    }
  });
});

describe('openSource', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fringe-open-'));
    return () => rmSync(dir, { recursive: true, force: true });
  });

  it('opens a raw file with the rate and frequency given', async () => {
    const path = join(dir, 'x.cu8');
    writeFileSync(path, counterBytes(0, 100));
    const src = await openSource(`file:${path}`, { tuning: { sampleRate: 1_024_000, centerFrequency: 50e6 }, pacing: false });
    expect(src.info.kind).toBe('file');
    expect(src.tuning).toMatchObject({ sampleRate: 1_024_000, centerFrequency: 50e6 });
    await src.close();
  });

  it('opens an rtl_tcp server and tunes it', async () => {
    const counter = new CounterSource({ samplesPerBlock: 512 });
    const server = await RtlTcpServer.listen({ source: counter, port: 0 });
    try {
      const src = await openSource(`rtltcp:127.0.0.1:${server.address.port}`, { tuning: { centerFrequency: 145_800_000 } });
      for await (const b of src.blocks()) {
        expect(firstDifference(b.data.subarray(0, 1024), counterBytes(0, 512))).toBe(-1);
        break;
      }
      await src.close();
      expect(counter.calls).toContainEqual(['setCenterFrequency', 145_800_000]);
    } finally {
      await server.close();
    }
  });

  it.skipIf(skipUnless(tools.cc()))('opens a dongle by serial through the given library', async () => {
    const src = await openSource('rtlsdr:FAKE0000', { libraryPath: buildFakeLibRtlSdr(), tuning: { centerFrequency: 162_000_000 } });
    expect(src.info.serial).toBe('FAKE0000');
    expect(src.tuning.centerFrequency).toBe(162_000_000);
    await src.close();
  });

  it('opens the simulator (devices/sim) tuned as asked', async () => {
    const src = await openSource('sim', { tuning: { centerFrequency: 1_420_000_000, sampleRate: 2_048_000, gain: 30 }, pacing: false });
    expect(src.info.kind).toBe('sim');
    expect(src.tuning).toMatchObject({ centerFrequency: 1_420_000_000, sampleRate: 2_048_000 });
    let n = 0;
    let next = 0;
    for await (const b of src.blocks()) {
      expect(b.firstSample).toBe(next);
      expect(b.data.length % 2).toBe(0);
      next += b.data.length / 2;
      if (++n === 3) break;
    }
    await src.close();
  });
});
