/**
 * The station's dish: a connected rotator (rotator.ts) streaming its
 * position as events, and what the station tells the user about a simulated
 * dish that follows it. The station restarts a simulated live view when the
 * rotator comes or goes; the dish only holds the connection and the words.
 */
import { EventEmitter } from 'node:events';
import { RotatorControl, type RotatorConnect, type RotatorEvent } from './rotator.ts';

export const followPrefix = 'The simulated dish follows the rotator';

export interface DishEvents {
  /** A new position (2 Hz while connected). */
  position: [RotatorControl];
  /** A commanded move arrived: az/el in degrees. */
  arrived: [RotatorControl, { az: number; el: number; target?: unknown }];
  /** The controller stopped answering; it is closed. */
  lost: [RotatorControl, { kind: string; message: string }];
}

export class Dish extends EventEmitter<DishEvents> {
  private ctl: RotatorControl | null = null;

  get rotator(): RotatorControl | null {
    return this.ctl;
  }

  /** Connects a rotator, replacing any connected one. */
  async connect(spec: RotatorConnect): Promise<RotatorControl> {
    await this.disconnect();
    const ctl = await RotatorControl.connect(spec);
    this.ctl = ctl;
    ctl.on('position', () => this.emit('position', ctl));
    ctl.on('arrived', (p) => this.emit('arrived', ctl, p));
    ctl.on('error', (err) => {
      if (this.ctl === ctl) this.ctl = null;
      this.emit('lost', ctl, { kind: err.kind, message: err.message });
    });
    return ctl;
  }

  /** Closes the connected rotator, if any; returns it (closed) for its last position. */
  async disconnect(): Promise<RotatorControl | null> {
    const ctl = this.ctl;
    if (!ctl) return null;
    this.ctl = null;
    await ctl.close();
    return ctl;
  }

  need(): RotatorControl {
    if (!this.ctl) throw new DishError('no rotator connected: connect one on the Station page first');
    return this.ctl;
  }

  event(ctl: RotatorControl, sun: RotatorEvent['sun']): RotatorEvent {
    return { ...ctl.snapshot(), driver: ctl.driver, port: ctl.port, sun };
  }
}

export class DishError extends Error {
  override name = 'DishError';
}

/** What the user is told when a rotator a simulated dish followed is gone. */
export function stayNotice(ctl: RotatorControl, why: 'stopped answering' | 'disconnected'): string {
  const where = `az ${ctl.last.az.toFixed(1)}° el ${ctl.last.el.toFixed(1)}°`;
  return why === 'disconnected' ? `Rotator disconnected: the simulated dish stays at ${where} until the live view restarts.` : `The rotator stopped answering: the simulated dish stays at ${where} until the live view restarts.`;
}
