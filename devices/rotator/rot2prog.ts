/**
 * SPID Rot2Prog controllers over serial (8N1, 600 baud by default; MD-01/02
 * up to 460 800). The controller ignores the pulses per degree a set carries,
 * so they are read from a status reply at open; sets have no reply.
 */
import { Link } from './link.ts';
import { encode, parseStatus, wireLimits } from './codec-rot2prog.ts';
import { type AzEl, type Limits, defaultLimits } from './rotator.ts';
import { WireRotator, limitsWithin } from './wire-rotator.ts';
import type { SerialOptions } from './gs232.ts';
import { DeviceError } from '../errors.ts';

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
    const limits = limitsWithin({ ...(opts.limits ?? defaultLimits) }, wireLimits, 'rot2prog');
    const link = await Link.openSerial(opts.path, opts.baud ?? 600, {
      timeoutMs: opts.timeoutMs ?? 1000,
      retries: opts.retries ?? 2,
      postWriteMs: 20,
    });
    try {
      const s = (await link.exchange({ request: encode.status(), label: 'status', parse: parseStatus }))!;
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
    await this.link.exchange({ request: encode.set(t.az, t.el, this.ph, this.pv), label: 'set' });
    return { az: Math.round(this.ph * t.az) / this.ph, el: Math.round(this.pv * t.el) / this.pv };
  }

  protected async readPosition(): Promise<AzEl> {
    const s = (await this.link.exchange({ request: encode.status(), label: 'status', parse: parseStatus }))!;
    return { az: s.az, el: s.el };
  }

  protected async sendStop(): Promise<void> {
    await this.link.exchange({ request: encode.stop(), label: 'stop', parse: parseStatus });
  }
}
