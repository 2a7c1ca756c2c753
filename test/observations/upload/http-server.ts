/**
 * A local upload server for the tests, on 127.0.0.1 with a random port. It
 * stores files by idempotency key (a repeat of a stored key and checksum is
 * answered 201 with `X-Upload-Duplicate: 1` and not stored again), echoes
 * the SHA-256 it received, and applies injected faults to requests in turn.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export type Fault =
  | 'reset' // close the connection after part of the body
  | '500' // read the body, answer 500
  | 'slow' // store the file, answer after `slowMs` (longer than the client waits)
  | 'corrupt' // flip a byte as if damaged in transit, store and echo the wrong checksum
  | 'hang'; // read part of the body and never answer

export interface Received {
  key: string;
  name: string;
  data: Buffer;
  sha256: string;
}

export class UploadServer {
  /** Files stored, by idempotency key (last write wins). */
  readonly files = new Map<string, Received>();
  /** Every store of a complete, intact file: more than one per key means a double upload. */
  readonly intactStores: Received[] = [];
  readonly requests: { method: string; url: string; auth: string | undefined; fault: Fault | null }[] = [];
  faults: Fault[] = [];
  token = 'tok-3f9a-secret';
  slowMs = 1500;
  /** Delay (ms) before every normal answer, to make runners overlap. */
  delayMs = 0;
  onPartialBody?: () => void;
  private server!: Server;
  port = 0;

  /** With `tls`, serves HTTPS with that key and certificate (PEM). */
  constructor(private readonly tls?: { key: string; cert: string }) {}

  async start(): Promise<this> {
    // A client killed or gone mid-request (the body aborted) has nothing stored: its socket is dropped.
    const handler = (req: IncomingMessage, res: ServerResponse): void => void this.handle(req, res).catch(() => res.destroy());
    this.server = this.tls ? createTlsServer(this.tls, handler) : createServer(handler);
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `${this.tls ? 'https' : 'http'}://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const fault = this.faults.shift() ?? null;
    this.requests.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, fault });
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      req.resume();
      res.writeHead(401).end('bad token');
      return;
    }
    const declared = String(req.headers['x-checksum-sha256'] ?? '');
    const key = String(req.headers['idempotency-key'] ?? '');
    const length = Number(req.headers['content-length']);
    const chunks: Buffer[] = [];
    let got = 0;
    if (fault === 'reset' || fault === 'hang') {
      req.on('data', (c: Buffer) => {
        got += c.length;
        if (got >= length / 3) {
          if (fault === 'reset') req.socket.destroy();
          else { req.pause(); this.onPartialBody?.(); }
        }
      });
      return;
    }
    for await (const c of req) chunks.push(c as Buffer);
    let body: Buffer = Buffer.concat(chunks);
    let name = decodeURIComponent(req.url!.split('/').pop()!);
    if (req.method === 'POST') ({ name, data: body } = parseMultipart(body, String(req.headers['content-type'])));
    if (fault === '500') {
      res.writeHead(500).end('injected failure');
      return;
    }
    if (fault === 'corrupt') {
      body = Buffer.from(body);
      body[body.length >> 1]! ^= 0xff;
    }
    const sha256 = createHash('sha256').update(body).digest('hex');
    const existing = this.files.get(key);
    const duplicate = existing !== undefined && existing.sha256 === declared && sha256 === declared;
    if (!duplicate) {
      const r = { key, name, data: body, sha256 };
      this.files.set(key, r);
      if (sha256 === declared) this.intactStores.push(r);
    }
    const reply = (): void => {
      res.writeHead(201, { 'X-Checksum-SHA256': sha256, ...(duplicate ? { 'X-Upload-Duplicate': '1' } : {}) }).end('stored');
    };
    if (fault === 'slow') setTimeout(reply, this.slowMs);
    else if (this.delayMs) setTimeout(reply, this.delayMs);
    else reply();
  }
}

/** The `file` part of a multipart/form-data body. */
function parseMultipart(body: Buffer, contentType: string): { name: string; data: Buffer } {
  const boundary = /boundary=([^;]+)/.exec(contentType)![1]!;
  const start = body.indexOf('name="file"');
  const nameMatch = /filename="([^"]*)"/.exec(body.subarray(start, start + 400).toString('latin1'))!;
  const dataStart = body.indexOf('\r\n\r\n', start) + 4;
  const dataEnd = body.lastIndexOf(`\r\n--${boundary}--`);
  return { name: nameMatch[1]!, data: body.subarray(dataStart, dataEnd) };
}
