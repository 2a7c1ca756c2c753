/** `fringe sim`: serves the simulated sky over rtl_tcp, so SDR++, GQRX, SDR# or `fringe record` can use it. */
import { DeviceError } from '../../../devices/errors.ts';
import type { SampleSource } from '../../../devices/sdr/source.ts';
import { openSimSource } from '../../../devices/sim/index.ts';
import * as inputs from '../../api/inputs.ts';
import { type Command, UsageError, exitCodes, option } from '../command.ts';

const help = `Usage: fringe sim --rtl-tcp HOST:PORT [--scenario FILE] [--antenna N]

Serves the simulated sky (one antenna's dongle) over the rtl_tcp protocol
until stopped with Ctrl-C. One client at a time; its commands (frequency,
sample rate, gain, ppm) retune the simulated dongle. Samples are paced at the
sample rate the client sets (2.4 MS/s by default); the scenario's "speed"
makes the sky (the sun's motion) run faster, not the byte stream.

Options:
  --rtl-tcp HOST:PORT  address to listen on, e.g. 127.0.0.1:1234 (port 0 picks a free one)
  --scenario FILE      scenario JSON (site, time, antennas, sun, HI, RFI, noise source);
                       default: a 1 m dish at 52° N tracking the sun at 1420.405752 MHz;
                       examples in devices/sim/scenarios/ (see devices/sim/README.md)
  --antenna N          which of the scenario's antennas to serve (default 0)

Exit codes: 0 stopped, 1 could not listen or the simulator failed, 2 bad usage.`;

/** HOST:PORT to listen on, [IPv6]:PORT; port 0 picks a free one (inputs.ts's rule). UsageError otherwise. */
export function parseHostPort(v: string | undefined): { host: string; port: number } {
  try {
    return inputs.parseListenAddress(v ?? '', 'an address to listen on');
  } catch (err) {
    if (err instanceof inputs.InputError) throw new UsageError(`--rtl-tcp needs HOST:PORT, e.g. 127.0.0.1:1234: ${err.problem}.`);
    throw err;
  }
}

export interface SimArgs {
  addr: { host: string; port: number };
  scenario?: string;
  antenna: number;
}

/** The command line read: pure; UsageError for every mistake. */
export function parse(argv: string[]): SimArgs {
  let addr: { host: string; port: number } | undefined;
  let scenario: string | undefined;
  let antenna = 0;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => argv[++i];
    switch (a) {
      case '--rtl-tcp':
        addr = parseHostPort(value());
        break;
      case '--scenario':
        scenario = value();
        if (!scenario || scenario.includes('\u0000')) throw new UsageError('--scenario needs a file.');
        break;
      case '--antenna': {
        const v = value();
        antenna = option('--antenna', v ?? '', {
          parse: (t) => {
            const n = inputs.parseWhole(t, 'needs a whole number from 0 to 999');
            if (n > 999) throw new inputs.InputError('needs a whole number from 0 to 999', t);
            return n;
          },
        })!;
        break;
      }
      default:
        throw new UsageError(`unknown option '${inputs.printable(a)}'.`);
    }
  }
  if (!addr) throw new UsageError('--rtl-tcp HOST:PORT is required.');
  return { addr, antenna, ...(scenario ? { scenario } : {}) };
}

interface Server {
  readonly address: { host: string; port: number };
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  close(): Promise<void>;
}
interface ServerModule {
  RtlTcpServer: { listen(options: { source: SampleSource; host?: string; port?: number }): Promise<Server> };
  CommandLog: new (log: (line: string) => void) => { add(c: unknown): void; close(): void };
}

/** The rtl_tcp server lives in devices/sdr; loaded at run time so `fringe --help` works without it. */
async function loadServer(): Promise<ServerModule> {
  const specifier = '../../../devices/sdr/rtltcp-server.ts';
  let mod: Partial<ServerModule>;
  try {
    mod = (await import(specifier)) as Partial<ServerModule>;
  } catch (err) {
    throw new DeviceError('not-installed', 'the rtl_tcp server (devices/sdr/rtltcp-server.ts) is missing from this build; `fringe sim` needs it.', { cause: err });
  }
  if (typeof mod.RtlTcpServer?.listen !== 'function') {
    throw new DeviceError('not-installed', 'devices/sdr/rtltcp-server.ts has no RtlTcpServer.listen; `fringe sim` needs it.');
  }
  return mod as ServerModule;
}

export interface SimServer {
  address: { host: string; port: number };
  source: SampleSource;
  close(): Promise<void>;
}

/** Opens the simulator and serves it over rtl_tcp; `log` gets one line per client event. */
export async function serveSim(
  options: { host: string; port: number; scenario?: string; antenna?: number },
  log: (line: string) => void = () => {},
): Promise<SimServer> {
  const { RtlTcpServer, CommandLog } = await loadServer();
  const source = await openSimSource({ antenna: options.antenna ?? 0, pacing: 1, ...(options.scenario ? { scenario: options.scenario } : {}) });
  let server: Server;
  try {
    server = await RtlTcpServer.listen({ source, host: options.host, port: options.port });
  } catch (err) {
    await source.close();
    throw err;
  }
  server.on('client', (who) => log(`client ${String(who)} connected`));
  server.on('waiting', (who) => log(`client ${String(who)} waits: one client at a time, it is served when the current one leaves (as rtl_tcp does)`));
  server.on('refused', (who) => log(`client ${String(who)} refused: too many clients waiting`));
  server.on('disconnect', (who) => log(`client ${String(who)} disconnected`));
  // At most one line per command kind per second: a client flooding commands cannot flood the log.
  const commands = new CommandLog(log);
  server.on('command', (c) => commands.add(c));
  server.on('source-error', (e) => log(`simulator failed: ${e instanceof Error ? e.message : String(e)}`));
  return {
    address: server.address,
    source,
    async close() {
      commands.close();
      await server.close();
      await source.close();
    },
  };
}

export const command: Command = {
  name: 'sim',
  summary: 'Serve the simulated sky over rtl_tcp',
  help,
  parse,
  async run(argv) {
    const { addr, scenario, antenna } = parse(argv);
    const log = (line: string) => process.stderr.write(`fringe sim: ${line}\n`);
    const sim = await serveSim({ ...addr, antenna, ...(scenario ? { scenario } : {}) }, log);
    const a = sim.address;
    log(`serving ${sim.source.info.name} on ${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port} (rtl_tcp); Ctrl-C to stop`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await sim.close();
    log('stopped');
    return exitCodes.ok;
  },
};
