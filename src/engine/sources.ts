/**
 * What the station can listen to: the RTL-SDR dongles on this machine
 * (librtlsdr), the rtl_tcp servers the user listed (each probed: connect,
 * read the 12-byte greeting, hang up), and the simulator with its built-in
 * scenarios. `fringe devices` and the Station page's Sources card show this
 * one listing.
 */
import { readdirSync } from 'node:fs';
import net from 'node:net';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RtlSdrDeviceInfo } from '../../devices/sdr/rtlsdr-devices.ts';
import { GREETING_LENGTH, type Greeting, decodeGreeting } from '../../devices/sdr/rtltcp-codec.ts';
import { parseSourceSpec } from '../../devices/sdr/spec.ts';
import { endpointProblem, parseHostPort } from '../api/inputs.ts';
import { tunerName } from '../../devices/sdr/tuners.ts';
import { defaultScenario, defaultScenarioDescription, loadScenario } from '../../devices/sim/scenario.ts';
import type { Dongles, EndpointProbe, ProbeFailure, ScenarioInfo, Sources } from '../api/types.ts';

export type { Dongles, EndpointProbe, ProbeFailure, ScenarioInfo, SimulatorInfo, Sources } from '../api/types.ts';

/** How long a probe waits for the connection and the greeting together (ms): long enough for a LAN or Wi-Fi, short enough for a page. */
export const probeTimeoutMs = 2000;

/** How long a probe that got its greeting waits for the server to close its side before dropping the connection (ms). */
const hangUpMs = 500;

/** The folder of the built-in scenarios. */
export const scenarioDir = fileURLToPath(new URL('../../devices/sim/scenarios/', import.meta.url));

const noDongles =
  'No RTL-SDR dongles found. Plug one in (on Linux `lsusb` should show 0bda:2838 or 0bda:2832), or use an rtl_tcp server or the simulator.';

/** The dongles librtlsdr sees; never throws: a missing librtlsdr is a note, not a failure. */
export async function listDongles(library?: string): Promise<Dongles> {
  try {
    // Loaded here, not at the top: koffi is a native module, and a station without it still has rtl_tcp and the simulator.
    const { loadLibRtlSdr } = await import('../../devices/sdr/librtlsdr.ts');
    const { listRtlSdrDevices } = await import('../../devices/sdr/rtlsdr-devices.ts');
    const devices = listRtlSdrDevices(loadLibRtlSdr(library));
    return { available: true, devices, note: devices.length ? null : noDongles };
  } catch (err) {
    return { available: false, devices: [], note: err instanceof Error ? err.message : String(err) };
  }
}

/** The built-in scenarios' names, sorted. */
export function builtInScenarioNames(): string[] {
  return readdirSync(scenarioDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => basename(f, '.json'))
    .sort();
}

/** The default, then each built-in scenario with its description and antenna count. */
export function listScenarios(): ScenarioInfo[] {
  const info = (name: string): ScenarioInfo => {
    const s = loadScenario(join(scenarioDir, `${name}.json`));
    return { name, description: s.description ?? '', antennas: s.antennas.length };
  };
  return [{ name: null, description: defaultScenarioDescription, antennas: defaultScenario().antennas.length }, ...builtInScenarioNames().map(info)];
}

/**
 * The scenario file for a setting: a built-in name becomes its file in
 * devices/sim/scenarios/, anything else is a path as written in
 * station.json; null (the default scenario) is undefined.
 */
export function scenarioFile(setting: string | null): string | undefined {
  if (setting === null) return undefined;
  return builtInScenarioNames().includes(setting) ? join(scenarioDir, `${setting}.json`) : setting;
}

/** The greeting's first four bytes (osmocom rtl_tcp.c: "RTL0"). */
const magic = Buffer.from('RTL0', 'latin1');

/** What is wrong with an rtl_tcp endpoint as typed, or null when it is a valid HOST:PORT (IPv6 in brackets): the boundary's rule (src/api/inputs.ts). */
export { endpointProblem };

/** Host and port of a valid endpoint (brackets off an IPv6 host). */
export function splitEndpoint(endpoint: string): { host: string; port: number } {
  return parseHostPort(endpoint, 'an rtl_tcp endpoint');
}

/**
 * Connects to an rtl_tcp endpoint, reads its greeting and hangs up. Resolves
 * (never rejects) to what it found within `timeoutMs` (connection and
 * greeting together).
 */
export function probeRtlTcp(endpoint: string, timeoutMs = probeTimeoutMs): Promise<EndpointProbe> {
  // station.json is edited by hand too: a malformed entry is listed as such, not thrown.
  const problem = endpointProblem(endpoint);
  if (problem) return Promise.resolve({ endpoint, reachable: false, reason: 'failed', detail: problem });
  const { host, port } = splitEndpoint(endpoint);
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let got = Buffer.alloc(0);
    let connected = false;
    let settled = false;
    const done = (p: EndpointProbe) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.removeListener('close', onClose);
      socket.destroy();
      resolve(p);
    };
    /**
     * An rtl_tcp server serves one client at a time and turns others away
     * until it has seen this one go: hang up politely (FIN, reading what
     * still streams in) and wait for the server to close its side, so a
     * client connecting right after the probe is served. At most `hangUpMs`.
     */
    const hangUp = (p: EndpointProbe) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.removeListener('close', onClose);
      const grace = setTimeout(() => socket.destroy(), hangUpMs);
      socket.once('close', () => {
        clearTimeout(grace);
        resolve(p);
      });
      socket.end();
    };
    const failed = (reason: ProbeFailure, detail: string) => done({ endpoint, reachable: false, reason, detail });
    const timer = setTimeout(
      () =>
        connected
          ? failed('timed out', `${endpoint} accepted the connection but sent no rtl_tcp greeting within ${timeoutMs} ms: is it an rtl_tcp server, and is another client connected to it?`)
          : failed('timed out', `no answer from ${endpoint} within ${timeoutMs} ms: check the host, the port and any firewall.`),
      timeoutMs,
    );
    const onClose = () =>
      failed('closed without a greeting', `${endpoint} closed the connection without an rtl_tcp greeting: it may be serving another client.`);
    socket.on('connect', () => (connected = true));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      switch (err.code) {
        case 'ECONNREFUSED':
          return failed('refused', `nothing is listening at ${endpoint}: start rtl_tcp there (\`rtl_tcp -a ADDRESS -p ${port}\`) or check the port.`);
        case 'ENOTFOUND':
        case 'EAI_AGAIN':
          return failed('unknown host', `no host named '${host}': check the spelling, or use its IP address.`);
        case 'EHOSTUNREACH':
        case 'ENETUNREACH':
          return failed('no route to host', `${host} cannot be reached from here: check the network.`);
        case 'ECONNRESET':
          return onClose();
        default:
          return failed('failed', `${endpoint}: ${err.message}`);
      }
    });
    socket.on('close', onClose);
    socket.on('data', (chunk: Buffer) => {
      if (settled) return; // samples streaming in while hanging up
      got = Buffer.concat([got, chunk]);
      // Judge from the first bytes: a server that says something else may never send twelve.
      const n = Math.min(got.length, magic.length);
      if (!got.subarray(0, n).equals(magic.subarray(0, n))) {
        return failed('not an rtl_tcp server', `${endpoint} answered, but not with rtl_tcp's 'RTL0' greeting: check the port (rtl_tcp listens on 1234 by default).`);
      }
      if (got.length < GREETING_LENGTH) return;
      const greeting = decodeGreeting(got, endpoint);
      hangUp({ endpoint, reachable: true, tuner: tunerName(greeting.tunerType), tunerType: greeting.tunerType, gains: greeting.gainCount, inUse: false });
    });
  });
}

export interface DiscoverOptions {
  /** The rtl_tcp endpoints to probe (HOST:PORT), as listed in the settings. */
  endpoints: string[];
  /** The simulator's scenario setting. */
  scenario: string | null;
  /**
   * The live view's source spec and, for rtl_tcp, the greeting it got: the endpoints it uses (alone or as a
   * group's members) are reported in use, not probed; a group's members with an unknown tuner (no greeting given).
   */
  live?: { source: string; greeting?: Greeting | null } | null;
  /** librtlsdr file (default: $FRINGE_LIBRTLSDR, else the system's). */
  library?: string;
  timeoutMs?: number;
}

/** Whether a live source spec names this endpoint, alone or as a group's member (rtltcp:HOST defaults to port 1234). */
function isLiveEndpoint(endpoint: string, liveSource: string | undefined): boolean {
  if (!liveSource?.includes('rtltcp:')) return false;
  try {
    const live = parseSourceSpec(liveSource);
    const e = splitEndpoint(endpoint);
    const members = live.kind === 'group' ? live.members : [live];
    return members.some((m) => m.kind === 'rtltcp' && m.host.toLowerCase() === e.host.toLowerCase() && m.port === e.port);
  } catch {
    return false;
  }
}

/** Everything the station could listen to; the probes run in parallel, so this takes at most about one probe timeout. */
export async function discoverSources(o: DiscoverOptions): Promise<Sources> {
  const probe = (endpoint: string): Promise<EndpointProbe> => {
    const g = o.live?.greeting;
    if (isLiveEndpoint(endpoint, o.live?.source)) {
      return Promise.resolve(
        g
          ? { endpoint, reachable: true, tuner: tunerName(g.tunerType), tunerType: g.tunerType, gains: g.gainCount, inUse: true }
          : { endpoint, reachable: true, tuner: 'unknown tuner', tunerType: 0, gains: 0, inUse: true },
      );
    }
    return probeRtlTcp(endpoint, o.timeoutMs);
  };
  const [dongles, rtlTcp] = await Promise.all([listDongles(o.library), Promise.all(o.endpoints.map(probe))]);
  return { dongles, rtlTcp, simulator: { scenarios: listScenarios(), selected: o.scenario } };
}
