/**
 * The serial rotator drivers (8N1, no flow control, through the `serialport`
 * package), each a thin layer over its pure codec:
 *
 * - Yaesu GS-232A and GS-232B, 9600 baud by default: whole degrees on the
 *   wire; each command's CR acknowledgement is awaited, so a controller that
 *   stopped answering is noticed at once.
 * - Easycomm II, 9600 baud: sets and stops have no reply; the position query
 *   is answered `AZaaa.a ELee.e`. 0.1° on the wire.
 * - SPID Rot2Prog, 600 baud (MD-01/02 up to 460 800): the controller ignores
 *   the pulses per degree a set carries, so they are read from a status
 *   reply at open; sets have no reply.
 *
 * Degrees throughout.
 */
import { DeviceError } from '../errors.ts';
import * as easycomm from './codec-easycomm.ts';
import * as gs232 from './codec-gs232.ts';
import * as rot2prog from './codec-rot2prog.ts';
import { Link } from './link.ts';
import { type AzEl, type Limits, defaultLimits } from './rotator.ts';
import { type WireOptions, WireRotator, limitsWithin } from './wire-rotator.ts';

export interface SerialOptions extends WireOptions {
  /** Serial port path (`/dev/ttyUSB0`, `COM3`). */
  path: string;
  /** Baud rate (default per protocol). */
  baud?: number;
}

export class Gs232Rotator extends WireRotator {
  /** Opens a GS-232A (`variant` 'a') or GS-232B ('b') on a serial port; default 9600 baud. */
  static async open(variant: gs232.Gs232Variant, opts: SerialOptions): Promise<Gs232Rotator> {
    const limits = limitsWithin({ ...(opts.limits ?? defaultLimits) }, gs232.wireLimits, `gs232${variant}`);
    const link = await Link.openSerial(opts.path, opts.baud ?? 9600, {
      timeoutMs: opts.timeoutMs ?? 1000,
      retries: opts.retries ?? 2,
    });
    return new Gs232Rotator(`gs232${variant}`, link, limits, opts.parkAt);
  }

  protected async sendGoto(t: AzEl): Promise<AzEl> {
    await this.link.exchange({ request: gs232.encode.goto(t.az, t.el), label: 'W (go to)', parse: gs232.parseAck });
    return { az: Math.round(t.az), el: Math.round(t.el) };
  }

  protected async readPosition(): Promise<AzEl> {
    return (await this.link.exchange({ request: gs232.encode.readBoth(), label: 'C2 (read position)', parse: gs232.parsePosition }))!;
  }

  protected async sendStop(): Promise<void> {
    await this.link.exchange({ request: gs232.encode.stop(), label: 'S (stop)', parse: gs232.parseAck });
  }
}

/** Easycomm carries any decimal; these bound what a sane controller accepts, degrees. */
const easycommWireLimits = { azMin: -360, azMax: 720, elMin: -90, elMax: 180 };

export class EasycommRotator extends WireRotator {
  /** Opens an Easycomm II controller on a serial port; default 9600 baud. */
  static async open(opts: SerialOptions): Promise<EasycommRotator> {
    const limits = limitsWithin({ ...(opts.limits ?? defaultLimits) }, easycommWireLimits, 'easycomm');
    const link = await Link.openSerial(opts.path, opts.baud ?? 9600, {
      timeoutMs: opts.timeoutMs ?? 1000,
      retries: opts.retries ?? 2,
      postWriteMs: 20,
    });
    return new EasycommRotator('easycomm', link, limits, opts.parkAt);
  }

  protected async sendGoto(t: AzEl): Promise<AzEl> {
    await this.link.exchange({ request: easycomm.encode.goto(t.az, t.el), label: 'AZ EL (go to)' });
    return { az: Math.round(t.az * 10) / 10, el: Math.round(t.el * 10) / 10 };
  }

  protected async readPosition(): Promise<AzEl> {
    return (await this.link.exchange({ request: easycomm.encode.query(), label: 'AZ EL (read position)', parse: easycomm.parsePosition }))!;
  }

  protected async sendStop(): Promise<void> {
    await this.link.exchange({ request: easycomm.encode.stop(), label: 'SA SE (stop)' });
  }
}

export class Rot2ProgRotator extends WireRotator {
  private constructor(
    link: Link,
    limits: Limits,
    parkAt: AzEl | undefined,
    /** Pulses per degree, azimuth and elevation, as the controller reported. */
    readonly ph: number,
    readonly pv: number,
  ) {
    super('rot2prog', link, limits, parkAt);
  }

  /** Opens a Rot2Prog on a serial port and reads its resolution; default 600 baud. */
  static async open(opts: SerialOptions): Promise<Rot2ProgRotator> {
    const limits = limitsWithin({ ...(opts.limits ?? defaultLimits) }, rot2prog.wireLimits, 'rot2prog');
    const link = await Link.openSerial(opts.path, opts.baud ?? 600, {
      timeoutMs: opts.timeoutMs ?? 1000,
      retries: opts.retries ?? 2,
      postWriteMs: 20,
    });
    try {
      const s = (await link.exchange({ request: rot2prog.encode.status(), label: 'status', parse: rot2prog.parseStatus }))!;
      if (![1, 2, 4].includes(s.ph) || ![1, 2, 4].includes(s.pv)) {
        throw new DeviceError('protocol', `${opts.path}: Rot2Prog reported ${s.ph}/${s.pv} pulses per degree; expected 1, 2 or 4`);
      }
      return new Rot2ProgRotator(link, limits, opts.parkAt, s.ph, s.pv);
    } catch (err) {
      await link.close();
      throw err;
    }
  }

  protected async sendGoto(t: AzEl): Promise<AzEl> {
    await this.link.exchange({ request: rot2prog.encode.set(t.az, t.el, this.ph, this.pv), label: 'set' });
    return { az: Math.round(this.ph * t.az) / this.ph, el: Math.round(this.pv * t.el) / this.pv };
  }

  protected async readPosition(): Promise<AzEl> {
    const s = (await this.link.exchange({ request: rot2prog.encode.status(), label: 'status', parse: rot2prog.parseStatus }))!;
    return { az: s.az, el: s.el };
  }

  protected async sendStop(): Promise<void> {
    await this.link.exchange({ request: rot2prog.encode.stop(), label: 'stop', parse: rot2prog.parseStatus });
  }
}
