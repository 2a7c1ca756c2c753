/**
 * Hamlib rotctld over TCP (default port 4533), in extended mode. The limits
 * come from rotctld's own `dump_state`, narrowed by any the caller gives.
 */
import { Link } from './link.ts';
import { encode, parseAck, parseLimits, parsePosition } from './codec-rotctld.ts';
import { parseAddress } from '../sdr/spec.ts';
import type { AzEl, Limits } from './rotator.ts';
import { validateLimits } from './rotator.ts';
import { type WireOptions, WireRotator } from './wire-rotator.ts';

export interface RotctldOptions extends WireOptions {
  /** Host name or address (default 127.0.0.1). */
  host?: string;
  /** TCP port (default 4533). */
  port?: number;
}

/** Splits `HOST:PORT` (or `PORT`, or `HOST`) into its parts; default 127.0.0.1:4533. The HOST:PORT grammar is devices/sdr/spec.ts's (one for every door). */
export function parseHostPort(s: string): { host: string; port: number } {
  return parseAddress(s, { host: '127.0.0.1', port: 4533 }, 'a rotctld address (HOST:PORT, HOST or PORT)');
}

export class RotctldRotator extends WireRotator {
  /** Connects to rotctld and reads its limits. */
  static async open(opts: RotctldOptions = {}): Promise<RotctldRotator> {
    const host = opts.host ?? '127.0.0.1';
    const port = opts.port ?? 4533;
    const link = await Link.openTcp(host, port, { timeoutMs: opts.timeoutMs ?? 2000, retries: opts.retries ?? 1 });
    try {
      const theirs = (await link.exchange({ request: encode.dumpState(), label: 'dump_state', parse: parseLimits }))!;
      const limits = opts.limits
        ? validateLimits({
            azMin: Math.max(theirs.azMin, opts.limits.azMin), azMax: Math.min(theirs.azMax, opts.limits.azMax),
            elMin: Math.max(theirs.elMin, opts.limits.elMin), elMax: Math.min(theirs.elMax, opts.limits.elMax),
          })
        : validateLimits(theirs);
      return new RotctldRotator('rotctld', link, limits, opts.parkAt);
    } catch (err) {
      await link.close();
      throw err;
    }
  }

  protected async sendGoto(t: AzEl): Promise<AzEl> {
    const sent = { az: Math.round(t.az * 100) / 100, el: Math.round(t.el * 100) / 100 };
    await this.link.exchange({ request: encode.setPos(sent.az, sent.el), label: 'set_pos', parse: (b) => parseAck(b, 'set_pos') });
    return sent;
  }

  protected async readPosition(): Promise<AzEl> {
    return (await this.link.exchange({ request: encode.getPos(), label: 'get_pos', parse: parsePosition }))!;
  }

  protected async sendStop(): Promise<void> {
    await this.link.exchange({ request: encode.stop(), label: 'stop', parse: (b) => parseAck(b, 'stop') });
  }

  /** rotctld has a park command of its own (`K`). */
  protected override async sendPark(): Promise<void> {
    await this.link.exchange({ request: encode.park(), label: 'park', parse: (b) => parseAck(b, 'park') });
  }

  /** rotctld's own limits, as read at open and narrowed by the caller's. */
  get rotctldLimits(): Limits {
    return this.limits;
  }
}
