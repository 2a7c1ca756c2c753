/**
 * The byte link under every wire driver: a serial port (the `serialport`
 * package) or a TCP socket, with one command at a time through a small
 * serial queue, timeouts and retries, and clear errors that name the port and
 * what was heard. After a command has gone unanswered through all its
 * retries the link is dead: it sends nothing more and every later command
 * rejects with the same 'timeout' error, so a rotator that stopped answering
 * mid-move stops being commanded.
 */
import net from 'node:net';
import { SerialPort } from 'serialport';
import { DeviceError } from '../errors.ts';
import { SerialQueue } from '../serial-queue.ts';
import type { Parsed } from './codec.ts';

/** How one command is sent and its reply awaited. */
export interface Exchange<T> {
  /** The bytes to send. */
  request: Uint8Array | string;
  /** A short name for messages (`C2`, `get_pos`). */
  label: string;
  /** Reads a reply from the bytes heard so far; undefined: send and do not wait. */
  parse?: (heard: Buffer) => Parsed<T>;
  /** Milliseconds to wait for a complete reply per try (default: the link's). */
  timeoutMs?: number;
  /** Extra tries after a timeout or a garbled reply (default: the link's). */
  retries?: number;
}

export interface LinkOptions {
  /** Milliseconds per try (default 1000; Hamlib uses 400 for GS-232 on real wires). */
  timeoutMs?: number;
  /** Extra tries (default 2; Hamlib uses 3). */
  retries?: number;
  /** Milliseconds to wait after a write that expects no reply (default 0; Hamlib 50 for GS-232). */
  postWriteMs?: number;
}

type Wire = { write(b: Buffer): void; close(): Promise<void> };

/** Printable form of bytes heard, for messages: text stays text, the rest becomes \xNN. */
export function showBytes(b: Uint8Array): string {
  let s = '';
  for (const c of b.subarray(0, 80)) {
    if (c === 0x0d) s += '\\r';
    else if (c === 0x0a) s += '\\n';
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return `"${s}${b.length > 80 ? '…' : ''}"`;
}

export class Link {
  private rx = Buffer.alloc(0);
  private wake: (() => void) | undefined;
  private readonly queue = new SerialQueue();
  private dead: DeviceError | undefined;
  private closed = false;
  private readonly opts: Required<LinkOptions>;

  private constructor(
    /** The port as the user named it: `/dev/ttyUSB0` or `host:port`. */
    readonly port: string,
    private readonly wire: Wire,
    opts: LinkOptions,
  ) {
    this.opts = { timeoutMs: opts.timeoutMs ?? 1000, retries: opts.retries ?? 2, postWriteMs: opts.postWriteMs ?? 0 };
  }

  private onData(d: Buffer): void {
    this.rx = Buffer.concat([this.rx, d]);
    this.wake?.();
  }

  private onLost(err: DeviceError): void {
    this.dead ??= err;
    this.wake?.();
  }

  /** Opens a serial port at `baud` (8N1, no flow control). */
  static async openSerial(path: string, baud: number, opts: LinkOptions = {}): Promise<Link> {
    const sp = new SerialPort({ path, baudRate: baud, autoOpen: false });
    await new Promise<void>((resolve, reject) =>
      sp.open((err) => {
        if (!err) return resolve();
        const busy = /lock|busy/i.test(err.message);
        reject(
          new DeviceError(
            busy ? 'busy' : /No such file|ENOENT|cannot open/i.test(err.message) ? 'not-found' : 'io',
            `cannot open serial port ${path}: ${err.message}` +
              (busy ? ' (is another program using it?)' : ' (is the rotator controller plugged in, and may you open the port? on Linux join the dialout group)'),
            { cause: err },
          ),
        );
      }),
    );
    const link = new Link(path, {
      write: (b) => void sp.write(b),
      close: () => new Promise<void>((r) => (sp.isOpen ? sp.close(() => r()) : r())),
    }, opts);
    sp.on('data', (d: Buffer) => link.onData(d));
    sp.on('close', () => link.onLost(new DeviceError('unplugged', `serial port ${path} closed (was the controller unplugged?)`)));
    sp.on('error', (e: Error) => link.onLost(new DeviceError('io', `serial port ${path}: ${e.message}`, { cause: e })));
    return link;
  }

  /** Connects to `host:port` over TCP. */
  static async openTcp(host: string, port: number, opts: LinkOptions = {}): Promise<Link> {
    const name = `${host}:${port}`;
    const sock = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect({ host, port });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new DeviceError('timeout', `no answer from ${name} within 5 s (is rotctld running there?)`));
      }, 5000);
      s.once('connect', () => (clearTimeout(timer), resolve(s)));
      s.once('error', (e) => {
        clearTimeout(timer);
        reject(new DeviceError('not-found', `cannot connect to ${name}: ${e.message} (is rotctld running there?)`, { cause: e }));
      });
    });
    sock.setNoDelay(true);
    const link = new Link(name, {
      write: (b) => void sock.write(b),
      close: () => new Promise<void>((r) => (sock.destroyed ? r() : sock.end(() => (sock.destroy(), r())))),
    }, opts);
    sock.on('data', (d) => link.onData(d));
    sock.on('close', () => link.onLost(new DeviceError('unplugged', `connection to ${name} closed by the other end`)));
    sock.on('error', (e) => link.onLost(new DeviceError('io', `connection to ${name}: ${e.message}`, { cause: e })));
    return link;
  }

  /** Sends one command and waits for its reply, one command at a time. */
  exchange<T>(x: Exchange<T>): Promise<T | undefined> {
    return this.queue.run(() => this.exchangeNow(x));
  }

  private async exchangeNow<T>(x: Exchange<T>): Promise<T | undefined> {
    if (this.closed) throw new DeviceError('closed', `${this.port} is closed`);
    if (this.dead) throw this.dead;
    const tries = 1 + (x.retries ?? this.opts.retries);
    const timeoutMs = x.timeoutMs ?? this.opts.timeoutMs;
    let last: DeviceError | undefined;
    for (let attempt = 1; attempt <= tries; attempt++) {
      this.rx = Buffer.alloc(0); // stale bytes (alarms, log lines, late replies) belong to no command
      this.wire.write(Buffer.from(x.request));
      if (!x.parse) {
        if (this.opts.postWriteMs > 0) await sleep(this.opts.postWriteMs);
        return undefined;
      }
      const r = await this.await(x.parse, timeoutMs);
      if (r.status === 'ok') return r.value;
      if (this.dead) throw this.dead;
      if (r.status === 'rejected') {
        throw new DeviceError('protocol', `${this.port}: ${x.label} refused (${r.reason}): heard ${showBytes(this.rx)}`);
      }
      last =
        r.status === 'garbled'
          ? new DeviceError('protocol', `${this.port}: garbled reply to ${x.label} (${r.reason}): heard ${showBytes(this.rx)}`)
          : new DeviceError(
              'timeout',
              `${this.port}: no ${this.rx.length ? 'complete ' : ''}reply to ${x.label} within ${timeoutMs} ms ` +
                `after ${attempt} ${attempt === 1 ? 'try' : 'tries'}: heard ${this.rx.length ? showBytes(this.rx) : 'nothing'} ` +
                '(is the controller powered, on this port, at this baud rate?)',
            );
    }
    if (last!.kind === 'timeout') {
      // It stopped answering: command it no more, so a half-heard move is not repeated blindly.
      this.dead = new DeviceError('timeout', `${last!.message}; no further commands will be sent to ${this.port}`);
      throw this.dead;
    }
    throw last!;
  }

  /** Waits until parse says ok/garbled/rejected, or the timeout passes (status 'partial'). */
  private async await<T>(parse: (b: Buffer) => Parsed<T>, timeoutMs: number): Promise<Parsed<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = parse(this.rx);
      if (r.status !== 'partial' || this.dead) return r;
      const left = deadline - Date.now();
      if (left <= 0) return r;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.wake = () => (clearTimeout(t), resolve());
      });
      this.wake = undefined;
    }
  }

  /** True once the peer stopped answering or went away. */
  get isDead(): boolean {
    return this.dead !== undefined;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.run(() => this.wire.close());
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
