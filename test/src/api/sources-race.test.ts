/**
 * The Station page lists the sources again whenever the live view changes
 * source, so a `sources.list` arrives while `live.start` is still opening the
 * new one. An rtl_tcp server serves one client at a time: a probe that
 * reached a server before the group did took it, and the group failed with
 * "closed the connection before sending its 12-byte greeting" (the e2e group
 * test's 30 s wait for the group to start, every time on a 2-core machine).
 * Real rtl_tcp servers (the simulator's, in this process) and the real
 * dispatcher.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Result } from '../../../src/api/contract.ts';
import { dispatcher } from '../../../src/api/dispatch.ts';
import { serveSim, type SimServer } from '../../../src/cli/commands/sim.ts';
import { Station } from '../../../src/engine/station.ts';

const dir = mkdtempSync(join(tmpdir(), 'fringe-api-sources-race-'));
const station = Station.open(dir);
const call = dispatcher(station);
const servers: SimServer[] = [];
afterAll(async () => {
  await station.close();
  for (const s of servers) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('sources while the live view changes source', () => {
  it('sources.list while live.start opens an rtl_tcp group does not take the servers from the group', async () => {
    for (let i = 0; i < 2; i++) servers.push(await serveSim({ host: '127.0.0.1', port: 0 }));
    const [a, b] = servers.map((s) => `127.0.0.1:${s.address.port}`);
    for (const e of [a, b]) await call('station.addEndpoint', { endpoint: e });
    await call('live.start', { source: 'sim', channels: 256, backend: 'cpu' });
    // As the Station page does: a status saying the source changes makes it list the sources at once.
    const spec = `group:rtltcp:${a},rtltcp:${b}`;
    let listing = null as Promise<unknown> | null;
    station.on('status', (s) => {
      if (s.starting === spec && !listing) listing = call('sources.list', {});
    });
    const started = (await call('live.start', { source: spec, channels: 256, backend: 'cpu' })) as Result<'live.start'>;
    expect(started.live?.source).toBe(spec);
    expect(listing).not.toBeNull();
    // Listed while the group was opening: its servers are reported in use, not probed (a probe would have taken them).
    const listed = (await listing) as Result<'sources.list'>;
    expect(listed.rtlTcp.map((p) => [p.endpoint, p.reachable && p.inUse])).toEqual([
      [a, true],
      [b, true],
    ]);
    await call('live.stop', {});
  }, 60_000);
});
