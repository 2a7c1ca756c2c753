/**
 * `fringe rotator`: read, move, stop or park a rotator through any driver.
 * `goto` prints one JSON line per position read ({"az":…,"el":…,"t":…},
 * degrees and seconds since the epoch) and exits 0 once arrived.
 */
import * as inputs from '../../api/inputs.ts';
import { type Command, UsageError, exitCodes, option } from '../command.ts';
import {
  ControllerSim, type DriverName, type Responder, drivers, easycommResponder, gs232Responder, openRotator, rot2progResponder,
} from '../../../devices/rotator/index.ts';
import type { Mount } from '../../../devices/rotator/mount.ts';
import { type Limits, goto } from '../../../devices/rotator/rotator.ts';

const help = `Usage: fringe rotator --driver DRIVER [--port PORT] [options] ACTION

Actions:
  position        print the position as one JSON line {"az":…,"el":…,"t":…}
  goto AZ EL      move to AZ, EL (degrees), printing a JSON line per position
                  read; exits 0 once within the tolerance
  stop            stop all motion
  park            send the rotator to its park position (rotctld: its own;
                  others: az 0, el 90, or --park-az/--park-el)
  serve           be the controller: run our simulator of a gs232a, gs232b,
                  easycomm or rot2prog controller on --port (one end of a
                  socat pty pair or a null-modem cable) until interrupted,
                  so Hamlib, Gpredict or fringe itself can drive it

Options:
  --driver D      rotctld | gs232a | gs232b | easycomm | rot2prog | sim
  --port P        serial port path (/dev/ttyUSB0), or HOST:PORT for rotctld
                  (default 127.0.0.1:4533); not used by sim
  --baud N        serial baud rate (default 9600; rot2prog 600)
  --az-min, --az-max, --el-min, --el-max DEG
                  soft limits, degrees (default 0–360 and 0–90; rotctld: its
                  own, narrowed by these)
  --park-az, --park-el DEG
                  park position for protocols without a park command
  --tolerance DEG arrived when both axes are this close (default 1)
  --timeout S     give up a goto after this many seconds (default 120)
  --interval S    seconds between position reads while moving (default 0.5)
  --az-rate, --el-rate DEG_PER_S
                  slew rates of the simulated mount (sim and serve; default
                  6 and 3)

Exit codes: 0 done or arrived; 1 timeout, limit or device error; 2 bad usage.`;

interface Parsed {
  opts: Map<string, string>;
  positional: string[];
}

const valued = new Set([
  'driver', 'port', 'baud', 'az-min', 'az-max', 'el-min', 'el-max', 'park-az', 'park-el', 'tolerance', 'timeout', 'interval',
  'az-rate', 'el-rate',
]);

/** The controller simulator for each serial driver. */
const responders: Partial<Record<DriverName, (m: Mount) => Responder>> = {
  gs232a: (m) => gs232Responder('a', m),
  gs232b: (m) => gs232Responder('b', m),
  easycomm: (m) => easycommResponder(m),
  rot2prog: (m) => rot2progResponder(m),
};

/** Runs the controller simulator on `port` until SIGINT or SIGTERM. */
async function serve(driver: DriverName, port: string, baud: number | undefined, mount: ConstructorParameters<typeof Mount>[0]): Promise<number> {
  const responder = responders[driver];
  if (!responder) throw new UsageError(`serve simulates a serial controller: one of ${Object.keys(responders).join(', ')}`);
  const sim = await ControllerSim.start(responder, { path: port, baud, mount });
  console.error(`fringe rotator: simulating a ${driver} controller on ${port}; interrupt to stop`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await sim.close();
  return exitCodes.ok;
}

function parseArgv(argv: string[]): Parsed {
  const opts = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) {
      positional.push(a); // numbers such as -5 are positional
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if (!valued.has(name)) throw new UsageError(`unknown option --${inputs.printable(name)}`);
    const value = eq < 0 ? argv[++i] : a.slice(eq + 1);
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    opts.set(name, value);
  }
  return { opts, positional };
}

/** An option read by its rule (src/api/inputs.ts). */
function num<T>(p: Parsed, name: string, rule: Pick<inputs.Rule<T>, 'parse'>): T | undefined {
  return option(`--${name}`, p.opts.get(name), rule);
}

function limitsFrom(p: Parsed): Limits | undefined {
  const l = [num(p, 'az-min', inputs.azimuth), num(p, 'az-max', inputs.azimuth), num(p, 'el-min', inputs.elevation), num(p, 'el-max', inputs.elevation)];
  if (l.every((x) => x === undefined)) return undefined;
  const [azMin = 0, azMax = 360, elMin = 0, elMax = 90] = l;
  const limits = { azMin, azMax, elMin, elMax };
  const problem = inputs.rotatorLimitsProblem(limits);
  if (problem) throw new UsageError(`--az-min/--az-max/--el-min/--el-max: ${problem}`);
  return limits;
}

const actions = ['position', 'goto', 'stop', 'park', 'serve'] as const;

/** The command line read: pure; UsageError for every mistake. */
export function parse(argv: string[]) {
  const p = parseArgv(argv);
  const driver = p.opts.get('driver');
  if (!driver) throw new UsageError(`--driver is required: one of ${drivers.join(', ')}`);
  if (!(drivers as readonly string[]).includes(driver)) throw new UsageError(`unknown driver "${inputs.printable(driver)}": one of ${drivers.join(', ')}`);
  const [action, ...args] = p.positional;
  if (!action || !(actions as readonly string[]).includes(action)) throw new UsageError(`the action must be one of ${actions.join(', ')}${action ? `, not "${inputs.printable(action)}"` : ''}`);
  const want = action === 'goto' ? 2 : 0;
  if (args.length !== want) throw new UsageError(action === 'goto' ? 'goto needs AZ and EL in degrees' : `${action} takes no arguments`);
  const target = action === 'goto'
    ? [option('AZ', args[0]!, inputs.azimuth)!, option('EL', args[1]!, inputs.gotoElevation)!]
    : [];
  const port = p.opts.get('port');
  if (driver !== 'sim' && driver !== 'rotctld' && !port) throw new UsageError(`--port is required for ${driver} (a serial port such as /dev/ttyUSB0)`);
  if (port !== undefined && !/^[^\s\x00-\x1f\x7f]{1,200}$/.test(port)) throw new UsageError(`--port must be a serial device path or HOST:PORT, without spaces or control characters (got '${inputs.printable(port)}')`);
  const baud = num(p, 'baud', inputs.baud);
  const parkAz = num(p, 'park-az', inputs.azimuth);
  const parkEl = num(p, 'park-el', inputs.elevation);
  const gotoOpts = { tolerance: num(p, 'tolerance', inputs.tolerance), timeout: num(p, 'timeout', inputs.timeout), interval: num(p, 'interval', inputs.interval) };
  const azRate = num(p, 'az-rate', inputs.slewRate);
  const elRate = num(p, 'el-rate', inputs.slewRate);
  const parkAt = parkAz !== undefined || parkEl !== undefined ? { az: parkAz ?? 0, el: parkEl ?? 90 } : undefined;
  return { driver: driver as DriverName, action: action as (typeof actions)[number], target, port, baud, limits: limitsFrom(p), parkAt, gotoOpts, azRate, elRate };
}

export const command: Command = {
  name: 'rotator',
  summary: 'Read, move, stop or park an antenna rotator (rotctld, GS-232, Easycomm, Rot2Prog, sim)',
  help,
  parse,
  async run(argv) {
    const { driver, action, target, port, baud, limits, parkAt, gotoOpts, azRate, elRate } = parse(argv);
    if (action === 'serve') return serve(driver, port!, baud, { limits, azRate, elRate, parkAt });
    const rot = await openRotator({ driver, port, baud, limits, parkAt, azRate, elRate });
    const line = (q: { az: number; el: number }, t = Date.now() / 1000) =>
      console.log(JSON.stringify({ az: round(q.az), el: round(q.el), t: Math.round(t * 1000) / 1000 }));
    try {
      if (action === 'position') line(await rot.position());
      else if (action === 'stop') await rot.stop();
      else if (action === 'park') await rot.park();
      else {
        rot.on('error', () => undefined); // goto rejects with the same error; main prints it
        await goto(rot, target[0]!, target[1]!, { ...gotoOpts, onPosition: (q) => line(q, q.t) });
      }
      return exitCodes.ok;
    } finally {
      await rot.close();
    }
  },
};

const round = (x: number) => Math.round(x * 1000) / 1000;
