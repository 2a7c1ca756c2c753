/**
 * Discovery (src/engine/sources.ts) over real TCP on 127.0.0.1: our
 * simulator served by the rtl_tcp server, a closed port, servers that say
 * something else, say nothing or hang up; and the Station's endpoints and
 * scenario, persisted across Station.open.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { serveSim, type SimServer } from '../../../src/cli/commands/sim.ts';
import { discoverSources, endpointProblem, listDongles, listScenarios, probeRtlTcp, probeTimeoutMs, scenarioDir } from '../../../src/engine/sources.ts';
import { Station } from '../../../src/engine/station.ts';

const dir = mkdtempSync(join(tmpdir(), 'fringe-sources-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** The simulator as a real rtl_tcp server on a free port (what `fringe sim --rtl-tcp 127.0.0.1:0` runs). */
async function simServer(): Promise<SimServer & { endpoint: string }> {
  const sim = await serveSim({ host: '127.0.0.1', port: 0 });
  cleanups.push(() => sim.close());
  return Object.assign(sim, { endpoint: `127.0.0.1:${sim.address.port}` });
}

/** A TCP server on a free port that does `onConnection` with each client. */
async function tcpServer(onConnection: (s: net.Socket) => void): Promise<string> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    onConnection(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  );
  return `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return `127.0.0.1:${port}`;
}

async function timed<T>(p: Promise<T>): Promise<{ value: T; ms: number }> {
  const t = performance.now();
  const value = await p;
  return { value, ms: performance.now() - t };
}

describe('probing rtl_tcp endpoints', () => {
  it("finds our simulator's rtl_tcp server with its tuner (R820T, 29 gains) and hangs up, so the next client is served", async () => {
    const sim = await simServer();
    const { value, ms } = await timed(probeRtlTcp(sim.endpoint));
    expect(value).toEqual({ endpoint: sim.endpoint, reachable: true, tuner: 'R820T', tunerType: 5, gains: 29, inUse: false });
    console.log(`probe of a reachable rtl_tcp server: ${ms.toFixed(1)} ms`);
    // The probe let go before it resolved: a client right after it is greeted too, not turned away as a second client.
    expect(await probeRtlTcp(sim.endpoint)).toMatchObject({ reachable: true });
  });

  it('calls a closed port "refused", at once', async () => {
    const endpoint = await closedPort();
    const { value, ms } = await timed(probeRtlTcp(endpoint));
    expect(value).toMatchObject({ endpoint, reachable: false, reason: 'refused', detail: expect.stringMatching(/nothing is listening at 127\.0\.0\.1:\d+/) });
    expect(ms).toBeLessThan(500);
  });

  it('calls a server that greets with something else "not an rtl_tcp server", without waiting for twelve bytes', async () => {
    const ssh = await tcpServer((s) => s.write('SSH-2.0-OpenSSH_9.2p1\r\n'));
    expect(await probeRtlTcp(ssh)).toMatchObject({ reachable: false, reason: 'not an rtl_tcp server', detail: expect.stringMatching(/not with rtl_tcp's 'RTL0' greeting/) });
    // Three bytes, then silence: 'RTX' already differs from 'RTL0'.
    const short = await tcpServer((s) => s.write('RTX'));
    const { value, ms } = await timed(probeRtlTcp(short, 3000));
    expect(value).toMatchObject({ reachable: false, reason: 'not an rtl_tcp server' });
    expect(ms).toBeLessThan(1000);
  });

  it('times out on a server that accepts and says nothing, after the timeout it was given', async () => {
    const silent = await tcpServer(() => {});
    const { value, ms } = await timed(probeRtlTcp(silent, 400));
    expect(value).toMatchObject({ reachable: false, reason: 'timed out', detail: expect.stringMatching(/accepted the connection but sent no rtl_tcp greeting within 400 ms/) });
    expect(ms).toBeGreaterThanOrEqual(390);
    expect(ms).toBeLessThan(1500);
    // Half a greeting, then silence, also times out.
    const half = await tcpServer((s) => s.write('RTL0\0\0'));
    expect(await probeRtlTcp(half, 300)).toMatchObject({ reachable: false, reason: 'timed out' });
  });

  it('says a server that hangs up at once closed without a greeting, and one serving another client timed out (ours keeps a second client waiting, as rtl_tcp does)', async () => {
    const rude = await tcpServer((s) => s.destroy());
    expect(await probeRtlTcp(rude)).toMatchObject({ reachable: false, reason: 'closed without a greeting' });
    const sim = await simServer();
    const { host, port } = sim.address;
    const first = net.connect({ host, port });
    first.on('error', () => {});
    cleanups.push(() => void first.destroy());
    await new Promise((r) => first.once('data', r));
    // Issue 17: the server no longer hangs up on a second client; it waits, like rtl_tcp's backlog.
    expect(await probeRtlTcp(sim.endpoint)).toMatchObject({ reachable: false, reason: 'timed out', detail: expect.stringMatching(/is another client connected to it\?/) });
  });

  it('names a host that does not resolve', async () => {
    // .invalid never resolves (RFC 6761).
    expect(await probeRtlTcp('no-such-host.invalid:1234')).toMatchObject({ reachable: false, reason: 'unknown host', detail: expect.stringMatching(/no host named 'no-such-host\.invalid'/) });
  });

  it("reports a live group's rtl_tcp members in use without probing them, and probes the others", async () => {
    // Closed ports: a probe would say "refused", so "in use" means it was not probed.
    const [a, b, c] = await Promise.all([closedPort(), closedPort(), closedPort()]);
    const { rtlTcp } = await discoverSources({ endpoints: [a, b, c], scenario: null, live: { source: `group:rtltcp:${a},rtltcp:${b}` } });
    expect(rtlTcp).toEqual([
      { endpoint: a, reachable: true, tuner: 'unknown tuner', tunerType: 0, gains: 0, inUse: true },
      { endpoint: b, reachable: true, tuner: 'unknown tuner', tunerType: 0, gains: 0, inUse: true },
      expect.objectContaining({ endpoint: c, reachable: false, reason: 'refused' }),
    ]);
    // A group of simulated antennas uses no endpoint.
    const sims = await discoverSources({ endpoints: [a], scenario: null, live: { source: 'group:sim:0,sim:1' } });
    expect(sims.rtlTcp).toEqual([expect.objectContaining({ endpoint: a, reason: 'refused' })]);
  });

  it('probes every endpoint at once: a listing with a silent one takes about one timeout, not one per endpoint', async () => {
    // At once, not one after another: both silent servers hold their probe's
    // connection at the same time (a prober going one by one, closing each
    // before the next, never has two open). Counted, not timed: the wall time
    // is printed as a figure only.
    let open = 0;
    let most = 0;
    const silent = (s: net.Socket): void => {
      most = Math.max(most, ++open);
      s.once('close', () => open--);
    };
    const [sim, silentA, silentB, closed] = await Promise.all([simServer(), tcpServer(silent), tcpServer(silent), closedPort()]);
    const { value, ms } = await timed(discoverSources({ endpoints: [sim.endpoint, silentA, silentB, closed], scenario: 'sun-drift', timeoutMs: 1500 }));
    expect(value.rtlTcp.map((e) => (e.reachable ? 'reachable' : e.reason))).toEqual(['reachable', 'timed out', 'timed out', 'refused']);
    expect(most, 'silent endpoints probed at the same time').toBe(2);
    expect(value.simulator.selected).toBe('sun-drift');
    console.log(`listing of 4 endpoints (2 silent, 1500 ms timeout): ${ms.toFixed(0)} ms`);
  });
});

describe('checking HOST:PORT', () => {
  it.each(['127.0.0.1:1234', 'pi.local:1234', 'dish-2:65535', '[::1]:1234', '[fe80::1]:1'])('accepts %s', (e) => {
    expect(endpointProblem(e)).toBeNull();
  });

  it.each([
    ['localhost', /not an rtl_tcp endpoint: write HOST:PORT, e\.g\. 192\.168\.1\.20:1234/],
    ['::1:1234', /not an rtl_tcp endpoint/],
    ['my host:1234', /not an rtl_tcp endpoint/],
    ['http://pi:1234', /not an rtl_tcp endpoint/],
    ['pi:', /not an rtl_tcp endpoint/],
    ['pi:0', /port 0 of 'pi:0' is not 1–65535/],
    ['pi:70000', /port 70000 of 'pi:70000' is not 1–65535/],
  ])('refuses %s, saying why', (e, why) => {
    expect(endpointProblem(e)).toMatch(why);
  });
});

describe('dongles and scenarios', () => {
  it('lists no dongles without librtlsdr, with a note saying how to install it (not an error)', async () => {
    const d = await listDongles('/nonexistent/librtlsdr.so.0');
    expect(d).toMatchObject({ available: false, devices: [] });
    expect(d.note).toMatch(/librtlsdr is not installed.*apt install librtlsdr0/s);
  });

  it("lists the default and each built-in scenario with its file's description and antenna count", () => {
    const list = listScenarios();
    expect(list.map((s) => s.name)).toEqual([null, 'hydrogen', 'interferometer', 'sun-drift']);
    for (const s of list.slice(1)) {
      const file = JSON.parse(readFileSync(join(scenarioDir, `${s.name}.json`), 'utf8')) as { description: string; antennas?: unknown[] };
      expect(s.description).toBe(file.description);
      expect(s.description.length).toBeGreaterThan(20);
      // A file without `antennas` has the default's one dish.
      expect(s.antennas).toBe(file.antennas?.length ?? 1);
    }
    expect(list[0]!.description).toMatch(/1 m dish .* tracking the sun/);
    // The UI offers a scenario of several antennas as an interferometer (group:sim:0,…); interferometer.json has west, east, north.
    expect(list.map((s) => s.antennas)).toEqual([1, 1, 3, 1]);
  });
});

describe('the station keeps its sources', () => {
  it('adds and removes rtl_tcp endpoints and chooses a scenario, all kept across Station.open; refuses bad ones with a message', async () => {
    const sim = await simServer();
    const closed = await closedPort();
    const home = join(dir, 'keep');
    const station = Station.open(home);
    expect(station.status().scenario).toBeNull();
    let sources = await station.addEndpoint(` ${sim.endpoint} `);
    expect(sources.rtlTcp).toEqual([{ endpoint: sim.endpoint, reachable: true, tuner: 'R820T', tunerType: 5, gains: 29, inUse: false }]);
    sources = await station.addEndpoint(closed);
    expect(sources.rtlTcp.map((e) => e.reachable)).toEqual([true, false]);
    await expect(station.addEndpoint(sim.endpoint)).rejects.toThrow(`${sim.endpoint} is already listed`);
    await expect(station.addEndpoint('localhost')).rejects.toThrow(/'localhost' is not an rtl_tcp endpoint: write HOST:PORT/);
    await expect(station.addEndpoint('pi:99999')).rejects.toThrow(/port 99999 of 'pi:99999' is not 1–65535/);
    await expect(station.removeEndpoint('10.9.9.9:1234')).rejects.toThrow('10.9.9.9:1234 is not in the list of rtl_tcp endpoints');
    await station.setScenario('sun-drift');
    await expect(station.setScenario('../../etc/passwd')).rejects.toThrow(/no built-in scenario '\.\.\/\.\.\/etc\/passwd': choose one of hydrogen, interferometer, sun-drift, or the default/);
    expect(station.status().scenario).toBe('sun-drift');
    await station.close();

    const again = Station.open(home);
    expect(again.status().scenario).toBe('sun-drift');
    sources = await again.sources();
    expect(sources.rtlTcp.map((e) => e.endpoint)).toEqual([sim.endpoint, closed]);
    expect(sources.simulator.selected).toBe('sun-drift');
    sources = await again.removeEndpoint(closed);
    expect(sources.rtlTcp.map((e) => e.endpoint)).toEqual([sim.endpoint]);
    await again.setScenario(null);
    await again.close();
    expect(JSON.parse(readFileSync(join(home, 'station.json'), 'utf8'))).toMatchObject({ rtlTcpEndpoints: [sim.endpoint], scenario: null });
  });

  it('restarts a live simulator on the chosen scenario, and refuses to while it records', async () => {
    const station = Station.open(join(dir, 'restart'));
    cleanups.push(() => station.close());
    await station.startLive({ backend: 'cpu', threads: 0, channels: 256 });
    // The default scenario: noon at the June solstice, the sun 61° up in the simulated sky.
    expect(station.skySun().el).toBeGreaterThan(60);
    const status = await station.setScenario('hydrogen');
    expect(status.scenario).toBe('hydrogen');
    expect(status.live).toMatchObject({ kind: 'sim', channels: 256, backend: 'cpu' });
    // The hydrogen scenario starts at 22:00 UTC: the sun is below the horizon.
    expect(station.skySun()).toMatchObject({ sky: 'simulator' });
    expect(station.skySun().el).toBeLessThan(0);
    const id = station.startRecording();
    await expect(station.setScenario('sun-drift')).rejects.toThrow(`the simulator is recording observation ${id}: stop the recording before changing its scenario`);
    expect(station.status().scenario).toBe('hydrogen');
    station.stopRecording();
  });

  it('reports the endpoint the live view uses as in use, without probing it (the server would keep a second client waiting)', async () => {
    const sim = await simServer();
    const station = Station.open(join(dir, 'inuse'));
    cleanups.push(() => station.close());
    await station.addEndpoint(sim.endpoint);
    const status = await station.startLive({ source: `rtltcp:${sim.endpoint}`, backend: 'cpu', threads: 0, channels: 256 });
    expect(status.live).toMatchObject({ kind: 'rtltcp', source: `rtltcp:${sim.endpoint}` });
    const sources = await station.sources();
    expect(sources.rtlTcp).toEqual([{ endpoint: sim.endpoint, reachable: true, tuner: 'R820T', tunerType: 5, gains: 29, inUse: true }]);
    // A probe now would get no greeting: it waits behind the live view (issue 17: it was turned away).
    expect(await probeRtlTcp(sim.endpoint, probeTimeoutMs)).toMatchObject({ reachable: false, reason: 'timed out' });
  });
});
