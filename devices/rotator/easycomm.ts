/**
 * Easycomm II controllers over serial (8N1, 9600 baud by default). Sets and
 * stops have no reply in Easycomm II; the position query is answered
 * `AZaaa.a ELee.e`. 0.1° on the wire.
 */
import { Link } from './link.ts';
import { encode, parsePosition } from './codec-easycomm.ts';
import { type AzEl, defaultLimits } from './rotator.ts';
import { WireRotator, limitsWithin } from './wire-rotator.ts';
import type { SerialOptions } from './gs232.ts';

/** Easycomm carries any decimal; these bound what a sane controller accepts, degrees. */
const wireLimits = { azMin: -360, azMax: 720, elMin: -90, elMax: 180 };

export class EasycommRotator extends WireRotator {
  /** Opens an Easycomm II controller on a serial port; default 9600 baud. */
  static async open(opts: SerialOptions): Promise<EasycommRotator> {
    const limits = limitsWithin({ ...(opts.limits ?? defaultLimits) }, wireLimits, 'easycomm');
    const link = await Link.openSerial(opts.path, opts.baud ?? 9600, {
      timeoutMs: opts.timeoutMs ?? 1000,
      retries: opts.retries ?? 2,
      postWriteMs: 20,
    });
    return new EasycommRotator('easycomm', link, limits, opts.parkAt);
  }

  protected async sendGoto(t: AzEl): Promise<AzEl> {
    await this.link.exchange({ request: encode.goto(t.az, t.el), label: 'AZ EL (go to)' });
    return { az: Math.round(t.az * 10) / 10, el: Math.round(t.el * 10) / 10 };
  }

  protected async readPosition(): Promise<AzEl> {
    return (await this.link.exchange({ request: encode.query(), label: 'AZ EL (read position)', parse: parsePosition }))!;
  }

  protected async sendStop(): Promise<void> {
    await this.link.exchange({ request: encode.stop(), label: 'SA SE (stop)' });
  }
}
