/**
 * The coherent group: members tuned alike, their blocks merged fairly and
 * renumbered, a member's failure named; and, end to end over real sockets,
 * two rtl_tcp servers on two antennas of the simulated interferometer lined
 * up by the station's delay calibration.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CoherentGroup } from '../../../devices/sdr/group.ts';
import { parseSourceSpec } from '../../../devices/sdr/open.ts';
import { RtlTcpServer } from '../../../devices/sdr/rtltcp-server.ts';
import { openSimSource } from '../../../devices/sim/index.ts';
import { Station } from '../../../src/engine/station.ts';
import { spectra } from '../../helpers/station.ts';
import { startSimChild } from '../../helpers/sim-child.ts';
import net from 'node:net';
import { CounterSource } from './helpers/counter-source.ts';

const dir = mkdtempSync(join(tmpdir(), 'fringe-group-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('a coherent group', () => {
  it('is written group:SPEC,SPEC and refuses fewer than 2 or more than 8 members, or groups in groups', () => {
    expect(parseSourceSpec('group:rtlsdr:0,rtltcp:pi.local:1234')).toEqual({ kind: 'group', members: [{ kind: 'rtlsdr', device: 0 }, { kind: 'rtltcp', host: 'pi.local', port: 1234 }] });
    expect(() => parseSourceSpec('group:sim:0')).toThrow(/2–8 members/);
    expect(() => parseSourceSpec(`group:${Array(9).fill('sim').join(',')}`)).toThrow(/2–8 members/);
    // Commas separate members, so a group inside a group splits into members that do not parse.
    expect(() => parseSourceSpec('group:sim,group:sim,sim')).toThrow(/2–8 members/);
  });

  it('tunes every member alike and yields the members’ blocks as they come, as input 0…N−1, counts kept, none starved', async () => {
    const members = [new CounterSource({ samplesPerBlock: 1000, blocks: 100 }), new CounterSource({ samplesPerBlock: 700, blocks: 100 })];
    const group = await CoherentGroup.join(members);
    expect(group.inputs).toBe(2);
    await group.setCenterFrequency(1.4204e9);
    await group.setGain(29.7);
    expect(members.map((m) => [m.tuning.centerFrequency, m.tuning.gain])).toEqual([[1.4204e9, 29.7], [1.4204e9, 29.7]]);
    const next = [0, 0];
    const count = [0, 0];
    let lead = 0;
    for await (const b of group.blocks()) {
      expect(b.firstSample).toBe(next[b.input]);
      next[b.input] = b.firstSample + b.data.length / 2;
      count[b.input]!++;
      lead = Math.max(lead, Math.abs(count[0]! - count[1]!));
    }
    // The counter sources pause every 16 blocks: neither gets further ahead than that, and the group ends when the
    // first runs out (a group has no common samples after that).
    expect(lead).toBeLessThanOrEqual(17);
    expect(Math.max(...count)).toBe(100);
    expect(Math.min(...count)).toBeGreaterThan(80);
    await group.close();
    expect(members.every((m) => m.closed)).toBe(true);
  });

  it('refuses members that apply different settings: they are not identical dongles', async () => {
    const sim = await openSimSource({ pacing: false });
    // The simulated R820T applies the nearest of its gains (40.2 dB), the counter the number asked (40 dB).
    await expect(CoherentGroup.join([new CounterSource({ tuning: { gain: 40 } }), sim])).rejects.toThrow(/applied different gains \(test counter: 40; sim: antenna 0 .*: 40\.2\); a coherent group needs identical dongles/);
  });

  it('ends with an error naming the member that failed', async () => {
    const sim = await openSimSource({ pacing: 2 });
    const server = await RtlTcpServer.listen({ source: sim, port: 0 });
    cleanups.push(async () => {
      await server.close();
      await sim.close();
    });
    const { openSource } = await import('../../../devices/sdr/open.ts');
    const group = await openSource(`group:sim,rtltcp:127.0.0.1:${server.address.port}`, { pacing: 2 });
    cleanups.push(() => group.close());
    let n = 0;
    await expect(
      (async () => {
        for await (const b of group.blocks()) {
          if (b.input === 1 && ++n === 3) void server.close();
        }
      })(),
    ).rejects.toThrow(/group member 1 \(rtl_tcp/);
  });
});

describe('two rtl_tcp servers on two antennas of the simulated interferometer', () => {
  it('become one coherent pair: the station measures their offset over the network and the baselines stay coherent', async () => {
    const scenario = join(process.cwd(), 'devices/sim/scenarios/interferometer.json');
    // Each server in its own process, as on two machines: the station's 2 s wide delay search must not stall them.
    // Real time, the margin this relies on: each server must stream in real time and the station read both without a gap
    // for the calibration's samples; an rtl_tcp server drops what its client does not take, and rtl_tcp cannot say so.
    // At 250 kS/s (the dongle's low range) that holds with a tenth of the CPU 2.4 MS/s takes: on a loaded 2-core
    // machine the simulated sky at 2.4 MS/s fell behind, dropped, and the pair never became coherent.
    const servers = await Promise.all([0, 1].map((a) => startSimChild(['--scenario', scenario, '--antenna', String(a)])));
    cleanups.push(async () => {
      await Promise.all(servers.map((s) => s.stop()));
    });
    const station = Station.open(join(dir, 'pair'));
    cleanups.push(() => station.close());
    const status = await station.startLive({ source: `group:rtltcp:${servers[0]!.endpoint},rtltcp:${servers[1]!.endpoint}`, backend: 'cpu', channels: 256, integration: 0.25, tuning: { sampleRate: 250_000 } });
    expect(status.live!.kind).toBe('group');
    const m = /Group delays measured from [\d,]+ samples: 0: (\d+), 1: 0 samples/.exec(status.notices.map((n) => n.text).join(' '));
    expect(m, status.notices.map((n) => n.text).join(' ')).not.toBeNull();
    // West is read later by the scenario's 1234-sample offset plus east's head start (the group connects to west first,
    // and an rtl_tcp server streams from its client's connection).
    expect(Number(m![1])).toBeGreaterThanOrEqual(1234);
    // From the second integration: the first holds the noise source's first pulse, common to both without the sun's geometric phase.
    const events = (await spectra(station, 6)).slice(1);
    for (const e of events) {
      expect(e.power).toHaveLength(2);
      expect(e.baselines![0]!.coherence).toBeGreaterThan(0.3);
    }
  }, 120_000);

  it('found far apart (east 100,000 samples ahead) by the wide search, on the samples the calibration read', async () => {
    const scenario = 'devices/sim/scenarios/interferometer.json';
    const ports: number[] = [];
    for (const antenna of [0, 1]) {
      const sim = await openSimSource({ scenario, antenna, pacing: 1 });
      // East's server has served 100,000 samples already (to another client): 101,234 samples ahead of west in all.
      if (antenna === 1) sim.read(100_000);
      const server = await RtlTcpServer.listen({ source: sim, port: 0, host: '127.0.0.1' });
      cleanups.push(async () => {
        await server.close();
        await sim.close();
      });
      ports.push(server.address.port);
    }
    const station = Station.open(join(dir, 'far'));
    cleanups.push(() => station.close());
    const status = await station.startLive({ source: `group:rtltcp:127.0.0.1:${ports[0]},rtltcp:127.0.0.1:${ports[1]}`, backend: 'cpu', channels: 256, integration: 0.25 });
    expect(status.notices.map((n) => n.text).join(' ')).toMatch(/Group delays measured from [\d,]+ samples: 0: 101234, 1: 0 samples/);
    // Only the first integration is checked: these servers share the station's process, so the 2 s the wide search
    // holds the event loop stalls them too, and their simulated dongles lose samples rtl_tcp cannot report.
    const [e] = await spectra(station, 1);
    expect(e!.baselines![0]!.coherence).toBeGreaterThan(0.3);
  }, 120_000);
});
