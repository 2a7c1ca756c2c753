/**
 * Serves any SampleSource over the rtl_tcp protocol, so SDR++, GQRX, SDR#,
 * rtl_tcp clients and our own RtlTcpSource can use a dongle, a recording or
 * the simulated sky.
 *
 * Like rtl_tcp: one client at a time. A second connection waits, as it
 * does in rtl_tcp's listen backlog (rtl_tcp accepts again only when its
 * client leaves): it gets no greeting and its commands are only kept until
 * the first client leaves, then it is served (greeting, a fresh stream,
 * its commands in order). One that gives up while waiting frees its place. So SoapyRTLTCP's probe-then-open, which
 * CubicSDR, SDRangel and Pothos use, opens even when the probe's socket is
 * still closing. Past `maxWaiting` waiting connections a new one is refused
 * (closed at once). The greeting names a tuner and
 * its gain count, then the source's cu8 bytes stream unframed while the
 * client's 5-byte commands are applied to the source through its setters,
 * one at a time. A client slower than the source loses whole blocks once
 * `maxQueuedBytes` wait in the socket (rtl_tcp drops past 500 buffers).
 *
 * Commands never stall the stream: at most one command of each kind waits to
 * be applied, and a newer one of the same kind replaces it (its param wins,
 * `superseded` counts the ones it replaced), so a client that floods the
 * socket with command bytes costs one setter call per kind in flight, not
 * one per 5 bytes. `CommandLog` turns the 'command' events into at most one
 * log line per kind per interval.
 */
import { EventEmitter } from 'node:events';
import net from 'node:net';
import { DeviceError } from '../errors.ts';
import { CommandDecoder, type DecodedCommand, RtlTcpCommand, encodeGreeting } from './rtltcp-codec.ts';
import { SerialQueue } from '../serial-queue.ts';
import type { SampleSource } from './source.ts';
import { TunerType, tunerGains } from './tuners.ts';

export interface RtlTcpServerOptions {
  /** The source to serve. It stays open between clients; the server never closes it. */
  source: SampleSource;
  /** Address to listen on. Default 127.0.0.1 (loopback only). */
  host?: string;
  /** TCP port; 0 picks a free one. Default 1234. */
  port?: number;
  /** Tuner type in the greeting (`enum rtlsdr_tuner`). Default R820T. */
  tunerType?: number;
  /** Bytes allowed to wait in the socket before blocks are dropped. Default 32 MiB. */
  maxQueuedBytes?: number;
  /** Connections that may wait for the client being served (served in order); more are refused. Default 8. */
  maxWaiting?: number;
}

/** What happened to one client command, for logs and tests. */
export interface AppliedCommand extends DecodedCommand {
  /** What the source applied (its setter's result), when it applied anything. */
  applied?: number | boolean | 'auto';
  /** Why it was not applied (a DeviceError message, or "not supported by this source"). */
  error?: string;
  /** Earlier commands of the same kind this one replaced before they were applied (absent when none). */
  superseded?: number;
}

/** Commands of one kind: the IF gain per stage (its param's high 16 bits), the others by command byte. */
function commandKind(c: DecodedCommand): string {
  return c.command === RtlTcpCommand.setIfGain ? `${c.command}:${c.param >>> 16}` : String(c.command);
}

/** Names for log lines. */
const commandNames: Record<number, string> = Object.fromEntries(Object.entries(RtlTcpCommand).map(([name, n]) => [n, name]));

/**
 * At most one log line per command kind per `intervalMs` (default 1000 ms):
 * the first at once, later ones counted and summed up in one line when the
 * interval ends ("setFrequency ×4123 in 1 s, last: …"). `close()` writes
 * what is still counted and stops the timer.
 */
export class CommandLog {
  private readonly kinds = new Map<string, { since: number; count: number; last: AppliedCommand | null }>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly log: (line: string) => void,
    private readonly intervalMs = 1000,
  ) {}

  add(c: AppliedCommand): void {
    const key = commandKind(c);
    const k = this.kinds.get(key);
    const count = 1 + (c.superseded ?? 0);
    if (!k) {
      this.kinds.set(key, { since: Date.now(), count: 0, last: null });
      this.log(`command ${JSON.stringify(c)}`);
      if (count > 1) this.log(`  (replacing ${count - 1} earlier ${commandNames[c.command] ?? `command ${c.command}`} commands not yet applied)`);
      this.timer ??= setInterval(() => this.flush(false), this.intervalMs).unref();
      return;
    }
    k.count += count;
    k.last = c;
  }

  private flush(all: boolean): void {
    const now = Date.now();
    for (const [key, k] of this.kinds) {
      if (!all && now - k.since < this.intervalMs) continue;
      if (k.count > 0 && k.last) {
        const name = commandNames[k.last.command] ?? `command ${k.last.command}`;
        this.log(`command ${name} ×${k.count} in ${((now - k.since) / 1000).toFixed(1)} s, last: ${JSON.stringify(k.last)}`);
      }
      this.kinds.delete(key);
    }
    if (this.kinds.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  close(): void {
    this.flush(true);
  }
}

/** A connection waiting to be served, and the bytes (commands) it sent meanwhile. */
interface Waiting {
  socket: net.Socket;
  who: string;
  held: Buffer[];
  heldBytes: number;
  hold: (d: Buffer) => void;
}

/**
 * Events: 'client' (address: served now), 'waiting' (address: queued behind
 * the client being served), 'refused' (address: past maxWaiting), 'command'
 * (AppliedCommand), 'disconnect' (address), 'source-error' (Error).
 */
export class RtlTcpServer extends EventEmitter {
  private active: net.Socket | null = null;
  /** Connections waiting for the active client to leave, oldest first. */
  private readonly waiting: Waiting[] = [];
  /** The current (or last) client's stream; the next client's waits for it to end. */
  private streamDone: Promise<void> = Promise.resolve();
  private readonly commands = new SerialQueue();
  /** Blocks not sent because the client was too slow. */
  droppedBlocks = 0;

  private constructor(
    private readonly server: net.Server,
    private readonly options: Required<Omit<RtlTcpServerOptions, 'host' | 'port'>>,
  ) {
    super();
    server.on('connection', (socket) => this.accept(socket));
  }

  /** Starts listening. Throws DeviceError 'busy' when the port is taken. */
  static listen(options: RtlTcpServerOptions): Promise<RtlTcpServer> {
    const host = options.host ?? '127.0.0.1';
    const port = options.port ?? 1234;
    const server = net.createServer({ noDelay: true, pauseOnConnect: false });
    const s = new RtlTcpServer(server, {
      source: options.source,
      tunerType: options.tunerType ?? TunerType.r820t,
      maxQueuedBytes: options.maxQueuedBytes ?? 32 * 1024 * 1024,
      maxWaiting: options.maxWaiting ?? 8,
    });
    return new Promise((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(
          new DeviceError(
            err.code === 'EADDRINUSE' ? 'busy' : 'io',
            err.code === 'EADDRINUSE'
              ? `Port ${port} on ${host} is in use (is rtl_tcp already running?). Choose another port.`
              : `Could not listen on ${host}:${port}: ${err.message}`,
            { cause: err },
          ),
        ),
      );
      server.listen(port, host, () => resolve(s));
    });
  }

  /** The address actually listened on (port resolved when 0 was asked). */
  get address(): { host: string; port: number } {
    const a = this.server.address() as net.AddressInfo;
    return { host: a.address, port: a.port };
  }

  /** Whether a client is being served. */
  get busy(): boolean {
    return this.active !== null;
  }

  /** Connections waiting for the client being served to leave. */
  get waitingClients(): number {
    return this.waiting.length;
  }

  private accept(socket: net.Socket): void {
    const who = `${socket.remoteAddress}:${socket.remotePort}`;
    socket.on('error', () => {}); // a client vanishing is not an error of ours
    if (this.active) {
      if (this.waiting.length >= this.options.maxWaiting) {
        this.emit('refused', who);
        socket.destroy();
        return;
      }
      // What it sends meanwhile is kept for when it is served (up to 64 KiB, then it waits in the
      // socket, as in rtl_tcp's backlog); reading on means a client that gives up frees its place at once.
      const w: Waiting = { socket, who, held: [], heldBytes: 0, hold: (d: Buffer) => {
        w.held.push(d);
        w.heldBytes += d.length;
        if (w.heldBytes >= 64 * 1024) socket.pause();
      } };
      socket.on('data', w.hold);
      this.waiting.push(w);
      socket.once('close', () => {
        const k = this.waiting.indexOf(w);
        if (k >= 0) this.waiting.splice(k, 1);
      });
      this.emit('waiting', who);
      return;
    }
    this.serve(socket, who, []);
  }

  /** Serves the next waiting connection that is still open, if any. */
  private serveNext(): void {
    for (let next = this.waiting.shift(); next; next = this.waiting.shift()) {
      if (next.socket.destroyed) continue;
      next.socket.off('data', next.hold);
      this.serve(next.socket, next.who, next.held);
      return;
    }
  }

  /** Serves `socket`: greeting, stream, and its commands (first those `held` while it waited). */
  private serve(socket: net.Socket, who: string, held: Buffer[]): void {
    this.active = socket;
    this.emit('client', who);
    const { source, tunerType } = this.options;
    const gainCount = source.gains.length || tunerGains(tunerType).length;
    socket.write(encodeGreeting({ tunerType, gainCount }));
    const decoder = new CommandDecoder();
    // Commands waiting to be applied, one per kind (see the header).
    const waiting = new Map<string, AppliedCommand>();
    const onData = (chunk: Buffer) => {
      for (const c of decoder.push(chunk)) {
        const key = commandKind(c);
        const queued = waiting.get(key);
        if (queued) {
          Object.assign(queued, c, { superseded: (queued.superseded ?? 0) + 1 });
          continue;
        }
        const entry: AppliedCommand = { ...c };
        waiting.set(key, entry);
        void this.commands.run(async () => {
          waiting.delete(key);
          await this.apply(entry);
          // Let the stream's writes and the socket's reads in between commands.
          await new Promise((r) => setImmediate(r));
        });
      }
    };
    for (const chunk of held) onData(chunk);
    socket.on('data', onData);
    socket.resume();
    let stop = false;
    socket.once('close', () => {
      stop = true;
      this.active = null;
      this.emit('disconnect', who);
      this.serveNext();
    });
    this.streamDone = this.streamDone.then(() => this.stream(socket, () => stop));
  }

  private async stream(socket: net.Socket, stopped: () => boolean): Promise<void> {
    if (stopped()) return;
    try {
      for await (const block of this.options.source.blocks()) {
        if (stopped()) break;
        if (socket.writableLength > this.options.maxQueuedBytes) {
          this.droppedBlocks++;
          continue;
        }
        socket.write(block.data);
      }
    } catch (err) {
      this.emit('source-error', err);
    }
    // The source ended or failed: rtl_tcp closes the client then.
    if (!socket.destroyed) socket.end();
  }

  /** Applies one client command to the source; never throws (rtl_tcp never acknowledges). */
  private async apply(c: AppliedCommand): Promise<void> {
    const src = this.options.source as SampleSource & Partial<Record<string, unknown>>;
    // Setters beyond SampleSource's, which a source may have (RtlSdrSource has them all).
    const optional = (name: string, ...args: unknown[]): Promise<unknown> => {
      const f = src[name];
      if (typeof f !== 'function') throw new DeviceError('invalid', 'not supported by this source');
      return (f as (...a: unknown[]) => Promise<unknown>).apply(src, args);
    };
    const out: AppliedCommand = { ...c };
    try {
      let applied: unknown;
      switch (c.command) {
        case RtlTcpCommand.setFrequency:
          applied = await src.setCenterFrequency(c.param);
          break;
        case RtlTcpCommand.setSampleRate:
          applied = await src.setSampleRate(c.param);
          break;
        case RtlTcpCommand.setGainMode:
          // Manual mode takes effect with the next setGain; keep the current gain meanwhile.
          applied = c.param === 0 ? await src.setGain('auto') : src.tuning.gain;
          break;
        case RtlTcpCommand.setGain:
          applied = await src.setGain(c.signed / 10);
          break;
        case RtlTcpCommand.setFreqCorrection:
          applied = await src.setPpm(c.signed);
          break;
        case RtlTcpCommand.setGainByIndex: {
          const gains = src.gains.length ? src.gains : tunerGains(this.options.tunerType);
          const g = gains[c.param];
          if (g === undefined) throw new DeviceError('limit', `gain index ${c.param} is past the table's ${gains.length} entries`);
          applied = await src.setGain(g);
          break;
        }
        case RtlTcpCommand.setBiasTee:
          applied = await src.setBiasTee(c.param !== 0);
          break;
        case RtlTcpCommand.setDirectSampling:
          applied = await optional('setDirectSampling', c.param);
          break;
        case RtlTcpCommand.setIfGain:
          // (stage << 16) | int16 tenths of dB
          applied = await optional('setIfGain', c.param >>> 16, ((c.param & 0xffff) << 16 >> 16) / 10);
          break;
        case RtlTcpCommand.setTestMode:
          applied = await optional('setTestMode', c.param !== 0);
          break;
        case RtlTcpCommand.setAgcMode:
          applied = await optional('setAgcMode', c.param !== 0);
          break;
        case RtlTcpCommand.setOffsetTuning:
          applied = await optional('setOffsetTuning', c.param !== 0);
          break;
        case RtlTcpCommand.setRtlXtal:
          applied = await optional('setXtal', c.param, 0);
          break;
        case RtlTcpCommand.setTunerXtal:
          applied = await optional('setXtal', 0, c.param);
          break;
        default:
          throw new DeviceError('invalid', 'not supported by this source');
      }
      if (typeof applied === 'number' || typeof applied === 'boolean' || applied === 'auto') out.applied = applied;
    } catch (err) {
      out.error = err instanceof Error ? err.message : String(err);
    }
    this.emit('command', out);
  }

  /** Disconnects the client and those waiting, and stops listening. Leaves the source open. Idempotent. */
  async close(): Promise<void> {
    for (const w of this.waiting.splice(0)) w.socket.destroy();
    this.active?.destroy();
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
