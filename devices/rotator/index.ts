/**
 * Opens any rotator by driver name: the one entry point the engine and the
 * CLI use. Everything a caller needs is re-exported from here.
 */
import { DeviceError } from '../errors.ts';
import { EasycommRotator, Gs232Rotator, Rot2ProgRotator } from './serial-drivers.ts';
import { SimRotator } from './mount.ts';
import { RotctldRotator, parseHostPort } from './rotctld.ts';
import type { AzEl, Limits, Rotator } from './rotator.ts';

export const drivers = ['rotctld', 'gs232a', 'gs232b', 'easycomm', 'rot2prog', 'sim'] as const;
export type DriverName = (typeof drivers)[number];

/** Default baud rate per serial driver (rotators.md): GS-232 and Easycomm 9600, Rot2Prog 600. */
export const defaultBaud: Record<'gs232a' | 'gs232b' | 'easycomm' | 'rot2prog', number> = {
  gs232a: 9600, gs232b: 9600, easycomm: 9600, rot2prog: 600,
};

export interface OpenRotatorOptions {
  driver: DriverName;
  /** Serial port path, or HOST:PORT for rotctld (default 127.0.0.1:4533); unused by 'sim'. */
  port?: string;
  /** Baud rate for serial drivers (default per driver). */
  baud?: number;
  /** Soft limits, degrees (default per driver; rotctld's own, narrowed by these). */
  limits?: Limits;
  /** Park position, degrees, for protocols without a park command. */
  parkAt?: AzEl;
  /** Milliseconds per reply and extra tries (defaults per driver). */
  timeoutMs?: number;
  retries?: number;
  /** 'sim' only: slew rates, degrees per second, and the start position. */
  azRate?: number;
  elRate?: number;
  start?: AzEl;
}

/** Opens the rotator `opts.driver` names. */
export async function openRotator(opts: OpenRotatorOptions): Promise<Rotator> {
  const common = { limits: opts.limits, parkAt: opts.parkAt, timeoutMs: opts.timeoutMs, retries: opts.retries };
  const serial = () => {
    if (!opts.port) throw new DeviceError('invalid', `the ${opts.driver} driver needs a serial port (--port /dev/ttyUSB0)`);
    return { ...common, path: opts.port, baud: opts.baud };
  };
  switch (opts.driver) {
    case 'rotctld':
      return RotctldRotator.open({ ...common, ...parseHostPort(opts.port ?? '127.0.0.1:4533') });
    case 'gs232a':
      return Gs232Rotator.open('a', serial());
    case 'gs232b':
      return Gs232Rotator.open('b', serial());
    case 'easycomm':
      return EasycommRotator.open(serial());
    case 'rot2prog':
      return Rot2ProgRotator.open(serial());
    case 'sim':
      return SimRotator.open({ limits: opts.limits, parkAt: opts.parkAt, azRate: opts.azRate, elRate: opts.elRate, start: opts.start });
    default:
      throw new DeviceError('invalid', `unknown rotator driver "${String(opts.driver)}"; one of ${drivers.join(', ')}`);
  }
}

export * from './rotator.ts';
export { Mount, SimRotator, type MountOptions } from './mount.ts';
export { RotctldRotator, parseHostPort } from './rotctld.ts';
export { EasycommRotator, Gs232Rotator, Rot2ProgRotator, type SerialOptions } from './serial-drivers.ts';
export {
  ControllerSim, type ControllerSimOptions, type Responder, type Rot2ProgSimOptions,
  easycommResponder, gs232Responder, rot2progResponder,
} from './sim-controllers.ts';
