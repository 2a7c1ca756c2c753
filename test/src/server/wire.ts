/**
 * Raw wire helpers for the server's tests: HTTP requests written byte by
 * byte over a TCP socket (so malformed ones reach the server as a fuzzer or
 * an attacker would send them), and a WebSocket client that can send frames
 * no library would (unmasked, RSV bits, invalid UTF-8, oversized).
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import WebSocket from 'ws';

export interface RawReply {
  /** HTTP status, or null when the server closed without a status line. */
  status: number | null;
  head: string;
  body: string;
}

/** Parses one complete HTTP reply from the start of `text`, or null while it is incomplete. */
function complete(text: string, closed: boolean): RawReply | null {
  const split = text.indexOf('\r\n\r\n');
  if (split < 0) return closed ? { status: null, head: text, body: '' } : null;
  const head = text.slice(0, split);
  const rest = text.slice(split + 4);
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? NaN);
  const length = /\r\ncontent-length: *(\d+)/i.exec(head);
  let body: string | null = closed ? rest : null;
  if (length) body = rest.length >= Number(length[1]) ? rest.slice(0, Number(length[1])) : body;
  else if (/\r\ntransfer-encoding: *chunked/i.test(head) && rest.includes('0\r\n\r\n')) {
    body = '';
    for (let at = 0; ; ) {
      const eol = rest.indexOf('\r\n', at);
      const n = parseInt(rest.slice(at, eol), 16);
      if (!(n > 0)) break;
      body += rest.slice(eol + 2, eol + 2 + n);
      at = eol + 4 + n;
    }
  }
  return body === null ? null : { status: Number.isNaN(status) ? null : status, head, body };
}

/** Writes `bytes` to the server and reads one reply (or until the server closes; ceiling `timeoutMs`). */
export function rawHttp(port: number, bytes: Buffer | string, timeoutMs = 10_000): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no reply within ${timeoutMs} ms to ${JSON.stringify(String(bytes).slice(0, 80))}`));
    }, timeoutMs);
    const check = (closed: boolean) => {
      const r = complete(Buffer.concat(chunks).toString('latin1'), closed);
      if (r === null) return;
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    socket.on('data', (c) => {
      chunks.push(c);
      check(false);
    });
    socket.on('error', () => {});
    socket.on('close', () => check(true));
    socket.write(bytes);
  });
}

/** A GET with the headers a well-behaved client sends to a loopback station. */
export function get(port: number, path: string, headers: Record<string, string> = {}): Promise<RawReply> {
  const lines = [`GET ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Connection: close', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  return rawHttp(port, `${lines.join('\r\n')}\r\n\r\n`);
}

/** A WebSocket at the TCP level: the handshake, then whatever frames the test writes. */
export class RawWebSocket {
  private buffer = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (c) => {
      this.buffer = Buffer.concat([this.buffer, c]);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Waits until `ready()` holds, data arrives or the socket closes, up to `timeoutMs`. */
  private async until<T>(ready: () => T | null, timeoutMs: number, what: string): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = ready();
      if (r !== null) return r;
      if (this.closed) throw new Error(`connection closed while waiting for ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${what} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Opens /api with a handshake; resolves once the server answered 101. */
  static async open(port: number, path = '/api', timeoutMs = 10_000): Promise<RawWebSocket> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const ws = new RawWebSocket(socket);
    socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    const head = await ws.until(() => {
      const i = ws.buffer.indexOf('\r\n\r\n');
      if (i < 0) return null;
      const h = ws.buffer.subarray(0, i).toString('latin1');
      ws.buffer = ws.buffer.subarray(i + 4);
      return h;
    }, timeoutMs, 'handshake reply');
    if (!head.startsWith('HTTP/1.1 101')) throw new Error(`handshake refused: ${head.split('\r\n')[0]}`);
    return ws;
  }

  /** Writes one frame: `first` is the first byte (FIN, RSV, opcode); masked unless `mask` is false. */
  frame(first: number, payload: Buffer, o: { mask?: boolean; declaredLength?: number } = {}): void {
    const mask = o.mask ?? true;
    const n = o.declaredLength ?? payload.length;
    const len = n < 126 ? Buffer.from([n]) : n < 65536 ? Buffer.from([126, n >> 8, n & 255]) : Buffer.concat([Buffer.from([127]), bigEndian64(n)]);
    len[0]! |= mask ? 0x80 : 0;
    const key = randomBytes(4);
    const body = mask ? Buffer.from(payload.map((b, i) => b ^ key[i % 4]!)) : payload;
    this.socket.write(Buffer.concat([Buffer.from([first]), len, mask ? key : Buffer.alloc(0), body]));
  }

  /** Sends a text frame (masked, as a client must). */
  text(s: string): void {
    this.frame(0x81, Buffer.from(s, 'utf8'));
  }

  /** The next server frame (unmasked, as servers send). */
  async next(timeoutMs = 10_000): Promise<{ opcode: number; payload: Buffer }> {
    return this.until(() => {
      const b = this.buffer;
      if (b.length < 2) return null;
      let n = b[1]! & 0x7f, at = 2;
      if (n === 126) {
        if (b.length < 4) return null;
        n = b.readUInt16BE(2);
        at = 4;
      } else if (n === 127) {
        if (b.length < 10) return null;
        n = Number(b.readBigUInt64BE(2));
        at = 10;
      }
      if (b.length < at + n) return null;
      this.buffer = b.subarray(at + n);
      return { opcode: b[0]! & 0x0f, payload: b.subarray(at, at + n) };
    }, timeoutMs, 'frame');
  }

  /** Reads frames until the server's close frame; resolves with its status code. */
  async closeCode(timeoutMs = 10_000): Promise<number> {
    for (;;) {
      const f = await this.next(timeoutMs);
      if (f.opcode === 0x8) return f.payload.length >= 2 ? f.payload.readUInt16BE(0) : 1005;
    }
  }

  /** Reads text frames until the reply to call `id`. */
  async reply(id: unknown, timeoutMs = 10_000): Promise<{ id: unknown; result?: unknown; error?: { kind: string; message: string } }> {
    for (;;) {
      const f = await this.next(timeoutMs);
      if (f.opcode !== 0x1) continue;
      const m = JSON.parse(f.payload.toString('utf8'));
      if ('event' in m) continue;
      if (JSON.stringify(m.id) === JSON.stringify(id) || m.id === null) return m;
    }
  }

  destroy(): void {
    this.socket.destroy();
  }
}

function bigEndian64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

/** A well-behaved API client (the ws library): calls by id, and waits for events. */
export class ApiClient {
  private next = 1;
  private readonly pending = new Map<number, (m: { result?: unknown; error?: { kind: string; message: string } }) => void>();
  private readonly listeners = new Set<(event: string, data: unknown) => void>();

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, binary) => {
      if (binary) return void this.emit('spectrum', data);
      const m = JSON.parse(data.toString());
      if (typeof m.event === 'string') this.emit(m.event, m.data);
      else this.pending.get(m.id)?.(m);
    });
    ws.on('error', () => {});
  }

  private emit(event: string, data: unknown): void {
    for (const l of [...this.listeners]) l(event, data);
  }

  /** Connects to /api (with `?token=` when given). */
  static open(port: number, token?: string | null, timeoutMs = 10_000): Promise<ApiClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/api${token ? `?token=${encodeURIComponent(token)}` : ''}`, { handshakeTimeout: timeoutMs });
      const client = new ApiClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
  }

  /** One call; resolves with the reply ({result} or {error}), rejects after `timeoutMs`. */
  call(method: string, params?: unknown, timeoutMs = 30_000): Promise<{ result?: unknown; error?: { kind: string; message: string } }> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`no reply to ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, (m) => {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve(m);
      });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  /** The result of a call that must succeed. */
  async ok<T = unknown>(method: string, params?: unknown, timeoutMs?: number): Promise<T> {
    const r = await this.call(method, params, timeoutMs);
    if (r.error) throw new Error(`${method}: ${r.error.kind}: ${r.error.message}`);
    return r.result as T;
  }

  /** Resolves with the first event `name` whose data satisfies `pred` (ceiling `timeoutMs`). */
  waitFor<T = unknown>(name: string, pred: (data: T) => boolean = () => true, timeoutMs = 30_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(on);
        reject(new Error(`no '${name}' event as awaited within ${timeoutMs} ms`));
      }, timeoutMs);
      const on = (event: string, data: unknown) => {
        if (event !== name || !pred(data as T)) return;
        clearTimeout(timer);
        this.listeners.delete(on);
        resolve(data as T);
      };
      this.listeners.add(on);
    });
  }

  close(): void {
    this.ws.close();
  }
}
