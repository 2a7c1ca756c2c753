/**
 * An rtl_tcp server (osmocom rtl_tcp, `fringe sim --rtl-tcp`, our own
 * RtlTcpServer) as a SampleSource.
 *
 * rtl_tcp never acknowledges a command, so setters resolve to what was sent
 * (the gain snapped to the tuner's table named in the greeting). The server
 * streams from the moment of connection; the socket is paused until blocks()
 * is called, and resumed while iterating. Blocks are cut to `blockLength`
 * bytes whatever the TCP read sizes, so I/Q pairs stay aligned; firstSample
 * counts from the first byte after the greeting. Samples the server drops
 * when we are slow are invisible to us; blocks we drop because our consumer
 * is slow are counted in `dropped`.
 */
import net from 'node:net';
import { DeviceError } from '../errors.ts';
import { BlockQueue } from './block-queue.ts';
import { IqAssembler } from './iq-assembler.ts';
import { GREETING_LENGTH, type Greeting, RtlTcpCommand, decodeGreeting, encodeCommand, ifGainParam } from './rtltcp-codec.ts';
import { SerialQueue } from '../serial-queue.ts';
import { type Block, type SampleSource, type SourceInfo, type Tuning, defaultTuning } from './source.ts';
import { nearestGain, tunerGains, tunerName } from './tuners.ts';

export interface RtlTcpOptions {
  host?: string;
  /** TCP port. Default 1234. */
  port?: number;
  /** Initial tuning, sent after the greeting; unset fields take `defaultTuning`. */
  tuning?: Partial<Tuning>;
  /**
   * Deadlines (ms), default 5000: for the connection and the whole greeting
   * together (an overall deadline, however the bytes trickle in), and while
   * streaming for each block (a minimum rate: one block of `blockLength`
   * bytes per timeoutMs; a server that drips bytes fails like a silent one).
   */
  timeoutMs?: number;
  /** Bytes per block (even). Default 262 144. */
  blockLength?: number;
  /** Blocks held for a slow consumer before whole blocks are dropped. Default 64. */
  queueBlocks?: number;
  /** Block.input for this source. Default 0. */
  input?: number;
}

interface Connection {
  socket: net.Socket;
  /** Bytes that came with the greeting's read, to be streamed first. */
  leftover: Uint8Array;
  greeting: Greeting;
}

export class RtlTcpSource implements SampleSource {
  readonly info: SourceInfo;
  private conn: Connection | null;
  private current: Tuning;
  private readonly commands = new SerialQueue();
  private streaming = false;
  private closed = false;
  private readonly where: string;

  private constructor(
    private readonly options: Required<Omit<RtlTcpOptions, 'tuning'>>,
    conn: Connection,
  ) {
    this.conn = conn;
    this.where = `rtl_tcp server ${options.host}:${options.port}`;
    this.info = { kind: 'rtltcp', name: `rtl_tcp ${options.host}:${options.port} (${tunerName(conn.greeting.tunerType)})` };
    this.current = { ...defaultTuning };
  }

  /** Connects, checks the greeting and sends the tuning. Throws DeviceError (not-found, timeout, protocol, io). */
  static async connect(options: RtlTcpOptions = {}): Promise<RtlTcpSource> {
    const resolved = {
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 1234,
      timeoutMs: options.timeoutMs ?? 5000,
      blockLength: options.blockLength ?? 262_144,
      queueBlocks: options.queueBlocks ?? 64,
      input: options.input ?? 0,
    };
    if (resolved.blockLength % 2 !== 0 || resolved.blockLength < 2) {
      throw new DeviceError('invalid', `blockLength must be an even number of bytes (got ${resolved.blockLength}).`);
    }
    const conn = await openConnection(resolved.host, resolved.port, resolved.timeoutMs);
    const source = new RtlTcpSource(resolved, conn);
    try {
      await source.applyTuning({ ...defaultTuning, ...options.tuning });
    } catch (err) {
      // A refused tuning (5 GHz) must not keep the connection: the server serves one client at a time.
      await source.close();
      throw err;
    }
    return source;
  }

  get tuning(): Readonly<Tuning> {
    return this.current;
  }

  /** The tuner's gains (dB) by the tuner type in the greeting. */
  get gains(): readonly number[] {
    return this.conn ? tunerGains(this.conn.greeting.tunerType) : [];
  }

  /** What the server said on connect. */
  get greeting(): Greeting | null {
    return this.conn?.greeting ?? null;
  }

  /**
   * Drops the connection (if any), connects again, checks the greeting and
   * sends the current tuning. Call after a stream ended with an error; the
   * next blocks() counts firstSample from 0 again.
   */
  async reconnect(): Promise<void> {
    if (this.closed) throw new DeviceError('closed', `${this.where}: this source was closed; connect a new one.`);
    this.conn?.socket.destroy();
    this.conn = null;
    this.conn = await openConnection(this.options.host, this.options.port, this.options.timeoutMs);
    await this.applyTuning(this.current);
  }

  private async applyTuning(t: Tuning): Promise<void> {
    await this.setSampleRate(t.sampleRate);
    await this.setCenterFrequency(t.centerFrequency);
    await this.setPpm(t.ppm);
    await this.setGain(t.gain);
    await this.setBiasTee(t.biasTee);
  }

  /** Sends one raw command (any of RtlTcpCommand). Resolves once written. */
  send(command: number, param: number): Promise<void> {
    return this.commands.run(
      () =>
        new Promise<void>((resolve, reject) => {
          const conn = this.conn;
          if (!conn || conn.socket.destroyed) {
            reject(new DeviceError(this.closed ? 'closed' : 'unplugged', `${this.where}: not connected; call reconnect().`));
            return;
          }
          conn.socket.write(encodeCommand(command, param), (err) =>
            err ? reject(new DeviceError('io', `${this.where}: could not send a command (${err.message}).`, { cause: err })) : resolve(),
          );
        }),
    );
  }

  /** Tunes (Hz, 1 … 2³²−1). */
  async setCenterFrequency(hz: number): Promise<number> {
    if (!Number.isInteger(hz) || hz <= 0 || hz > 0xffffffff) {
      throw new DeviceError('invalid', `Centre frequency must be a whole number of Hz between 1 and 4294967295 (got ${hz}).`);
    }
    await this.send(RtlTcpCommand.setFrequency, hz);
    return (this.current = { ...this.current, centerFrequency: hz }).centerFrequency;
  }

  /** Sets the sample rate (Hz, librtlsdr's ranges 225001–300000 and 900001–3200000). */
  async setSampleRate(hz: number): Promise<number> {
    if (!Number.isInteger(hz) || hz <= 225_000 || hz > 3_200_000 || (hz > 300_000 && hz <= 900_000)) {
      throw new DeviceError('limit', `An RTL-SDR cannot sample at ${hz} Hz: it accepts 225001–300000 and 900001–3200000 Hz.`);
    }
    await this.send(RtlTcpCommand.setSampleRate, hz);
    return (this.current = { ...this.current, sampleRate: hz }).sampleRate;
  }

  /** Sets the gain (dB, snapped to the tuner's table) or 'auto'. */
  async setGain(db: number | 'auto'): Promise<number | 'auto'> {
    if (db === 'auto') {
      await this.send(RtlTcpCommand.setGainMode, 0);
      return (this.current = { ...this.current, gain: 'auto' }).gain;
    }
    if (!Number.isFinite(db)) throw new DeviceError('invalid', `Gain must be a number of dB or 'auto' (got ${db}).`);
    const g = nearestGain(this.gains, db);
    await this.send(RtlTcpCommand.setGainMode, 1);
    await this.send(RtlTcpCommand.setGain, Math.round(g * 10));
    return (this.current = { ...this.current, gain: g }).gain;
  }

  /** Sets the frequency correction (ppm, integer, may be negative). */
  async setPpm(ppm: number): Promise<number> {
    if (!Number.isInteger(ppm)) throw new DeviceError('invalid', `ppm must be a whole number (got ${ppm}).`);
    await this.send(RtlTcpCommand.setFreqCorrection, ppm);
    return (this.current = { ...this.current, ppm }).ppm;
  }

  async setBiasTee(on: boolean): Promise<boolean> {
    await this.send(RtlTcpCommand.setBiasTee, on ? 1 : 0);
    return (this.current = { ...this.current, biasTee: on }).biasTee;
  }

  /** Direct sampling: 0 off, 1 I branch, 2 Q branch. */
  async setDirectSampling(mode: 0 | 1 | 2): Promise<number> {
    await this.send(RtlTcpCommand.setDirectSampling, mode);
    return mode;
  }

  /** IF gain of one stage (E4000 only), dB. */
  async setIfGain(stage: number, db: number): Promise<void> {
    await this.send(RtlTcpCommand.setIfGain, ifGainParam(stage, Math.round(db * 10)));
  }

  setAgcMode(on: boolean): Promise<void> {
    return this.send(RtlTcpCommand.setAgcMode, on ? 1 : 0);
  }

  setOffsetTuning(on: boolean): Promise<void> {
    return this.send(RtlTcpCommand.setOffsetTuning, on ? 1 : 0);
  }

  setTestMode(on: boolean): Promise<void> {
    return this.send(RtlTcpCommand.setTestMode, on ? 1 : 0);
  }

  /** Crystal frequencies (Hz) of the RTL2832 and of the tuner. */
  setRtlXtal(hz: number): Promise<void> {
    return this.send(RtlTcpCommand.setRtlXtal, hz);
  }

  setTunerXtal(hz: number): Promise<void> {
    return this.send(RtlTcpCommand.setTunerXtal, hz);
  }

  /** Gain by index into the tuner's table; resolves to that gain (dB) where the table is known. */
  async setGainByIndex(index: number): Promise<number | undefined> {
    await this.send(RtlTcpCommand.setGainByIndex, index);
    const g = this.gains[index];
    if (g !== undefined) this.current = { ...this.current, gain: g };
    return g;
  }

  /**
   * Streams blocks. Ends by throwing DeviceError 'unplugged' when the server
   * closes the connection, 'timeout' when no whole block arrives within
   * timeoutMs (silent, or dripping bytes far below any dongle's rate).
   */
  async *blocks(): AsyncGenerator<Block> {
    const conn = this.conn;
    if (this.closed || !conn) throw new DeviceError('closed', `${this.where}: not connected; call reconnect() or connect again.`);
    if (conn.socket.destroyed) throw new DeviceError('unplugged', `${this.where}: the connection is gone; call reconnect().`);
    if (this.streaming) throw new DeviceError('busy', `${this.where}: already streaming; one blocks() loop at a time.`);
    this.streaming = true;
    const { socket } = conn;
    const { input, blockLength, timeoutMs, queueBlocks } = this.options;
    const where = this.where;
    const queue = new BlockQueue(queueBlocks, () => socket.pause());
    const assembler = new IqAssembler(blockLength);
    let position = 0;
    /** Bytes heard since the last whole block. */
    let trickle = 0;
    const emit = (data: Uint8Array) => {
      queue.push({ input, firstSample: position, data, receivedAt: Date.now(), dropped: 0 });
      position += data.length >>> 1;
      trickle = 0;
      deadline.refresh();
    };
    const onData = (chunk: Buffer) => {
      trickle += chunk.length;
      assembler.push(chunk, emit);
    };
    const onEnd = (why: DeviceError) => {
      const rest = assembler.flush();
      if (rest) emit(rest);
      clearTimeout(deadline);
      queue.fail(why);
      socket.destroy();
    };
    // The socket's own timeout only sees idleness; this one sees a stream too slow to be a dongle's.
    // A consumer that pauses the socket (queue full) is not the server's fault: the deadline waits then.
    const deadline: NodeJS.Timeout = setTimeout(function expire() {
      if (socket.isPaused()) {
        deadline.refresh();
        return;
      }
      if (trickle === 0) {
        onTimeout();
        return;
      }
      onEnd(
        new DeviceError(
          'timeout',
          `${where} sent only ${trickle} bytes in ${timeoutMs} ms, less than one block of ${blockLength}: far below any dongle's rate ` +
            `(2 bytes per sample). Is the network link that slow, or the server stalled? Call reconnect() to try again.`,
        ),
      );
    }, timeoutMs);
    const onClose = () => onEnd(new DeviceError('unplugged', `${this.where} closed the connection; is it still running? Call reconnect() to try again.`));
    const onTimeout = () =>
      onEnd(new DeviceError('timeout', `${this.where} sent nothing for ${timeoutMs} ms; is its dongle still delivering? Call reconnect() to try again.`));
    const onError = (err: Error) => onEnd(new DeviceError('unplugged', `${this.where}: connection lost (${err.message}). Call reconnect() to try again.`, { cause: err }));
    if (conn.leftover.length) {
      assembler.push(conn.leftover, emit);
      conn.leftover = new Uint8Array(0);
    }
    socket.on('data', onData).on('close', onClose).on('timeout', onTimeout).on('error', onError);
    socket.setTimeout(timeoutMs);
    socket.resume();
    try {
      yield* queue;
    } finally {
      clearTimeout(deadline);
      socket.off('data', onData).off('close', onClose).off('timeout', onTimeout).off('error', onError);
      socket.setTimeout(0);
      if (!socket.destroyed) socket.pause();
      this.streaming = false;
    }
  }

  /** Closes the connection. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    const conn = this.conn;
    this.conn = null;
    if (conn && !conn.socket.destroyed) {
      await new Promise<void>((resolve) => {
        conn.socket.once('close', () => resolve());
        conn.socket.destroy();
      });
    }
  }
}

/** Connects and reads the greeting, with one timeout for both. */
function openConnection(host: string, port: number, timeoutMs: number): Promise<Connection> {
  const where = `rtl_tcp server ${host}:${port}`;
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    socket.setNoDelay(true);
    let got = Buffer.alloc(0);
    let connected = false;
    // Only our own listeners are removed: removeAllListeners() would also strip the socket's internal ones.
    const detach = () => {
      clearTimeout(timer);
      socket.off('connect', onConnect).off('error', onError).off('close', onClose).off('data', onData);
      socket.on('error', () => {}); // later errors surface through blocks() or send()
    };
    const fail = (err: DeviceError) => {
      detach();
      socket.destroy();
      reject(err);
    };
    const timer = setTimeout(
      () =>
        fail(
          connected
            ? new DeviceError('timeout', `${where} accepted the connection but sent no greeting within ${timeoutMs} ms. Is it an rtl_tcp server, and is another client already connected?`)
            : new DeviceError('timeout', `No answer from ${where} within ${timeoutMs} ms. Check the host, the port and any firewall.`),
        ),
      timeoutMs,
    );
    const onConnect = () => {
      connected = true;
    };
    const onError = (err: NodeJS.ErrnoException) => {
      fail(new DeviceError(err.code === 'ECONNREFUSED' || err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN' || err.code === 'EHOSTUNREACH' || err.code === 'ENETUNREACH' ? 'not-found' : 'io', connectProblem(err, host, port), { cause: err }));
    };
    const onClose = () =>
      fail(new DeviceError('protocol', `${where} closed the connection before sending its 12-byte greeting${got.length ? ` (heard ${got.length} bytes)` : ''}; it may already be serving another client.`));
    const onData = (chunk: Buffer) => {
      got = Buffer.concat([got, chunk]);
      if (got.length < GREETING_LENGTH) return;
      let greeting: Greeting;
      try {
        greeting = decodeGreeting(got, where);
      } catch (err) {
        fail(err as DeviceError);
        return;
      }
      socket.pause();
      detach();
      resolve({ socket, greeting, leftover: new Uint8Array(got.subarray(GREETING_LENGTH)) });
    };
    socket.on('connect', onConnect).on('error', onError).on('close', onClose).on('data', onData);
  });
}

/** What a failed connection to an rtl_tcp server means, by its error code: the host's name, the route and the listener are different problems. */
export function connectProblem(err: NodeJS.ErrnoException, host: string, port: number): string {
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  switch (err.code) {
    case 'ECONNREFUSED':
      return `Nothing is listening at ${where} (${err.code}). Start the server (\`rtl_tcp -a ${host}\` or \`fringe sim --rtl-tcp ${where}\`) or check the address.`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `No host named '${host}' (${err.code}: the name did not resolve). Check the spelling, or use its IP address.`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${host} cannot be reached from here (${err.code}). Check the network and the address.`;
    default:
      return `rtl_tcp server ${where}: ${err.message}`;
  }
}
