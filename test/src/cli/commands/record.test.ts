import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RtlTcpServer } from '../../../../devices/sdr/rtltcp-server.ts';
import { skipUnless, tools } from '../../../helpers/tools.ts';
import { CounterSource } from '../../../devices/sdr/helpers/counter-source.ts';
import { buildFakeLibRtlSdr, counterBytes, firstDifference } from '../../../devices/sdr/helpers/fake-librtlsdr.ts';
import { fringe, fringeBin } from './run-fringe.ts';
import { spawn } from 'node:child_process';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fringe-cli-record-'));
  return () => rmSync(dir, { recursive: true, force: true });
});
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe.skipIf(skipUnless(tools.cc()))('fringe record from a dongle (librtlsdr stand-in)', () => {
  it('records the requested seconds at the requested tuning, with progress on stderr', async () => {
    const out = join(dir, 'dongle.sigmf-meta');
    const r = await fringe(
      ['record', '--source', 'rtlsdr:0', '--library', buildFakeLibRtlSdr(), '--freq', '100M', '--rate', '1.024M', '--gain', '20', '--seconds', '0.5', '--out', out],
      { FAKE_RTLSDR_REALTIME: '1' },
    );
    expect(r.stderr).toContain('Recording 0.5 s from Generic RTL2832U OEM (R820T) at 100000000 Hz, 1024000 S/s, gain 19.7 dB');
    expect(r.stderr).toMatch(/recorded 0\.5 \/ 0\.5 s {2}\(512000 samples, 0 dropped\)/);
    expect(r.code).toBe(0);
    const data = readFileSync(join(dir, 'dongle.sigmf-data'));
    expect(data.length).toBe(1_024_000);
    expect(firstDifference(data, counterBytes(0, 512_000))).toBe(-1);
    const meta = JSON.parse(readFileSync(out, 'utf8'));
    expect(meta.global['core:sample_rate']).toBe(1_024_000);
    expect(meta.captures[0]['core:frequency']).toBe(100_000_000);
    expect(meta.global['core:hw']).toBe('Generic RTL2832U OEM (R820T) (serial FAKE0000)');
  });

  it('stops cleanly on Ctrl-C, keeping what was recorded', async () => {
    const out = join(dir, 'interrupted.sigmf-meta');
    const child = spawn(process.execPath, [fringeBin, 'record', '--source', 'rtlsdr:0', '--library', buildFakeLibRtlSdr(), '--rate', '1.024M', '--seconds', '60', '--out', out], {
      env: { ...process.env, FAKE_RTLSDR_REALTIME: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    // Its first progress line ('recorded …'): the recording is under way (30 s ceiling on a loaded machine).
    await vi.waitUntil(() => stderr.includes('recorded '), { timeout: 30_000, interval: 10 }).catch(() => {});
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stderr).toContain('Stopped early; what was recorded is kept.');
    const meta = JSON.parse(readFileSync(out, 'utf8'));
    const samples = statSync(join(dir, 'interrupted.sigmf-data')).size / 2;
    expect(samples).toBeGreaterThan(0);
    expect(samples).toBeLessThan(60 * 1_024_000);
    expect(meta.captures[0]['core:sample_start']).toBe(0);
    const progress = [...stderr.matchAll(/recorded [\d.]+ \/ 60 s {2}\((\d+) samples/g)].map((m) => Number(m[1]));
    expect(progress.at(-1)).toBe(samples); // the final progress line matches the file
  });

  it('fails with exit 1 and the busy explanation when the dongle is claimed', async () => {
    const r = await fringe(['record', '--source', 'rtlsdr:0', '--library', buildFakeLibRtlSdr(), '--seconds', '1', '--out', join(dir, 'busy.sigmf-meta')], {
      FAKE_RTLSDR_OPEN_ERROR: '-6',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/fringe record: RTL-SDR #0 is busy.*dvb_usb_rtl28xxu/s);
  });
});

describe('fringe record from other sources', () => {
  it('records from an rtl_tcp server on 127.0.0.1', async () => {
    const counter = new CounterSource({ samplesPerBlock: 4096, realtime: true, tuning: { sampleRate: 1_024_000 } });
    const server = await RtlTcpServer.listen({ source: counter, port: 0 });
    cleanups.push(() => server.close());
    const out = join(dir, 'tcp.sigmf-meta');
    const r = await fringe(['record', '--source', `rtltcp:127.0.0.1:${server.address.port}`, '--freq', '433.92M', '--rate', '1024000', '--seconds', '0.25', '--out', out]);
    expect(r.code).toBe(0);
    const data = readFileSync(join(dir, 'tcp.sigmf-data'));
    expect(data.length).toBe(512_000);
    expect(firstDifference(data, counterBytes(0, 256_000))).toBe(-1);
    expect(counter.calls).toContainEqual(['setCenterFrequency', 433_920_000]);
  });

  it('re-records a raw cu8 file as fast as possible, stopping where the file ends', async () => {
    const raw = join(dir, 'in.cu8');
    writeFileSync(raw, counterBytes(0, 30_000));
    const out = join(dir, 'fromfile.sigmf-meta');
    const r = await fringe(['record', '--source', `file:${raw}`, '--rate', '1M', '--seconds', '1', '--fast', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('The source ended after 0.03 s.');
    expect(statSync(join(dir, 'fromfile.sigmf-data')).size).toBe(60_000);
  });

  it('records a group as a SigMF collection, one recording per input, and replays it as the same group (it wrote one stream of alternating blocks)', async () => {
    writeFileSync(join(dir, 'g-in-a.cu8'), counterBytes(0, 20_000));
    writeFileSync(join(dir, 'g-in-b.cu8'), counterBytes(5_000, 20_000));
    const out = join(dir, 'pair.sigmf-meta');
    const r = await fringe(['record', '--source', `group:file:${join(dir, 'g-in-a.cu8')},file:${join(dir, 'g-in-b.cu8')}`, '--rate', '1M', '--seconds', '0.01', '--fast', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`Wrote ${join(dir, 'pair.sigmf-collection')}, a SigMF collection of 2 recordings`);
    const collection = JSON.parse(readFileSync(join(dir, 'pair.sigmf-collection'), 'utf8'));
    expect(collection.collection['core:streams'].map((st: { name: string }) => st.name)).toEqual(['pair-0', 'pair-1']);
    expect(firstDifference(readFileSync(join(dir, 'pair-0.sigmf-data')), counterBytes(0, 10_000))).toBe(-1);
    expect(firstDifference(readFileSync(join(dir, 'pair-1.sigmf-data')), counterBytes(5_000, 10_000))).toBe(-1);
    // Replayed through file:NAME.sigmf-collection: the same two inputs, recorded again as a group.
    const again = join(dir, 'again.sigmf-meta');
    const a = await fringe(['record', '--source', `file:${join(dir, 'pair.sigmf-collection')}`, '--seconds', '0.005', '--fast', '--out', again]);
    expect(a.code, a.stderr).toBe(0);
    expect(readFileSync(join(dir, 'again-0.sigmf-data')).equals(counterBytes(0, 5_000))).toBe(true);
    expect(readFileSync(join(dir, 'again-1.sigmf-data')).equals(counterBytes(5_000, 5_000))).toBe(true);
  });

  it('records the simulated sky', async () => {
    const out = join(dir, 'sim.sigmf-meta');
    const r = await fringe(['record', '--source', 'sim', '--rate', '2.4M', '--seconds', '0.1', '--fast', '--out', out]);
    expect(r.stderr).not.toContain('not yet available');
    expect(r.code).toBe(0);
    expect(statSync(join(dir, 'sim.sigmf-data')).size).toBe(480_000);
  });

  it('checks its arguments before touching a device (exit 2)', async () => {
    const cases: [string[], RegExp][] = [
      [['--seconds', '1', '--out', 'x.sigmf-meta'], /--source is required/],
      [['--source', 'hackrf:0', '--seconds', '1', '--out', 'x.sigmf-meta'], /unknown kind 'hackrf'/],
      [['--source', 'sim', '--out', 'x.sigmf-meta'], /--seconds is required/],
      [['--source', 'sim', '--seconds', '1', '--out', 'x.wav'], /must end in \.sigmf-meta/],
      [['--source', 'sim', '--seconds', '1', '--out', 'x.sigmf-meta', '--freq', 'lots'], /--freq needs a frequency in Hz/],
    ];
    for (const [args, pattern] of cases) {
      const r = await fringe(['record', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(pattern);
    }
  });
});
