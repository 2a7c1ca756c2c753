/**
 * Yaesu GS-232A and GS-232B controllers over serial (8N1, 9600 baud by
 * default). Whole degrees on the wire; each command's CR acknowledgement is
 * awaited, so a controller that stopped answering is noticed at once.
 */
import { Link } from './link.ts';
import { type Gs232Variant, encode, parseAck, parsePosition, wireLimits } from './codec-gs232.ts';
import { type AzEl, defaultLimits } from './rotator.ts';
import { type WireOptions, WireRotator, limitsWithin } from './wire-rotator.ts';

export interface SerialOptions extends WireOptions {
  /** Serial port path (`/dev/ttyUSB0`, `COM3`). */
  path: string;
  /** Baud rate (default per protocol). */
  baud?: number;
}

export class Gs232Rotator extends WireRotator {
  /** Opens a GS-232A (`variant` 'a') or GS-232B ('b') on a serial port; default 9600 baud. */
  static async open(variant: Gs232Variant, opts: SerialOptions): Promise<Gs232Rotator> {
    const limits = limitsWithin({ ...(opts.limits ?? defaultLimits) }, wireLimits, `gs232${variant}`);
    const link = await Link.openSerial(opts.path, opts.baud ?? 9600, {
      timeoutMs: opts.timeoutMs ?? 1000,
      retries: opts.retries ?? 2,
    });
    return new Gs232Rotator(`gs232${variant}`, link, limits, opts.parkAt);
  }

  protected async sendGoto(t: AzEl): Promise<AzEl> {
    await this.link.exchange({ request: encode.goto(t.az, t.el), label: 'W (go to)', parse: parseAck });
    return { az: Math.round(t.az), el: Math.round(t.el) };
  }

  protected async readPosition(): Promise<AzEl> {
    return (await this.link.exchange({ request: encode.readBoth(), label: 'C2 (read position)', parse: parsePosition }))!;
  }

  protected async sendStop(): Promise<void> {
    await this.link.exchange({ request: encode.stop(), label: 'S (stop)', parse: parseAck });
  }
}
