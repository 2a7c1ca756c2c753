/**
 * HTTP(S) uploads: `PUT URL/remote-name` with the file as the body, or a
 * multipart/form-data `POST URL` with fields `sha256`, `idempotency_key` and
 * the `file`. Every request carries `Authorization: Bearer` (when a token is
 * set), `Idempotency-Key`, `X-Checksum-SHA256` (hex) and `Content-Digest`
 * (RFC 9530). Success is a 2xx; when the reply carries `X-Checksum-SHA256`
 * it must match. 5xx, 408, 429, resets and timeouts are retried; other 4xx
 * are permanent.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Target } from './targets.ts';
import { TransportError, type Transport, type UploadOutcome, type UploadRequest } from './transport.ts';

export interface HttpOptions {
  /** Idle time (ms) without progress before an attempt is abandoned (default 30 000). */
  timeoutMs?: number;
  /** Extra trusted CA certificates (PEM) for HTTPS, e.g. a station's own server. */
  ca?: string | Buffer;
}

/** TLS verification failures: retrying cannot help until someone fixes the certificate or trust. */
const certificateErrors = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export class HttpTransport implements Transport {
  private readonly timeoutMs: number;
  private readonly ca: string | Buffer | undefined;

  constructor(options: HttpOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.ca = options.ca;
  }

  upload(target: Target, req: UploadRequest): Promise<UploadOutcome> {
    if (target.kind !== 'http') return Promise.reject(new TransportError(`target ${target.name} is not an HTTP target`, true));
    const base = new URL(target.url);
    const url = target.method === 'PUT'
      ? new URL(`${base.pathname.replace(/\/?$/, '/')}${encodeURIComponent(req.remoteName)}${base.search}`, base)
      : base;
    const where = `${target.method} ${url.origin}${url.pathname}`;
    const digest = Buffer.from(req.sha256, 'hex').toString('base64');
    const headers: Record<string, string | number> = {
      'Idempotency-Key': req.idempotencyKey,
      'X-Checksum-SHA256': req.sha256,
      'Content-Digest': `sha-256=:${digest}:`,
    };
    if (target.token) headers.Authorization = `Bearer ${target.token}`;
    let head = Buffer.alloc(0), tail = Buffer.alloc(0);
    if (target.method === 'POST') {
      const boundary = `fringe-${randomBytes(12).toString('hex')}`;
      const field = (name: string, value: string): string => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
      head = Buffer.from(
        field('sha256', req.sha256) + field('idempotency_key', req.idempotencyKey) +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${req.remoteName.replace(/["\\\r\n]/g, '_')}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      );
      tail = Buffer.from(`\r\n--${boundary}--\r\n`);
      headers['Content-Type'] = `multipart/form-data; boundary=${boundary}`;
    } else {
      headers['Content-Type'] = 'application/octet-stream';
    }
    headers['Content-Length'] = head.length + req.bytes + tail.length;
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;

    return new Promise<UploadOutcome>((resolve, reject) => {
      let settled = false;
      const fail = (message: string, permanent = false, cause?: unknown): void => {
        if (settled) return;
        settled = true;
        r.destroy();
        file.destroy();
        reject(new TransportError(`${where}: ${message}`, permanent, { cause }));
      };
      const r = send(url, { method: target.method, headers, timeout: this.timeoutMs, ...(this.ca && url.protocol === 'https:' ? { ca: this.ca } : {}) });
      const file = createReadStream(req.path);
      let sent = 0;
      r.on('timeout', () => fail(`no progress for ${this.timeoutMs} ms`));
      r.on('error', (err) => {
        const code = (err as { code?: string }).code ?? '';
        if (certificateErrors.has(code)) fail(`the server's TLS certificate is not trusted (${code}: ${err.message})`, true, err);
        else fail(err.message, false, err);
      });
      r.on('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => { if (chunks.length < 64) chunks.push(c); });
        res.on('error', (err) => fail(err.message, false, err));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const body = Buffer.concat(chunks).toString('utf8').slice(0, 200).replace(/\s+/g, ' ').trim();
          if (status < 200 || status > 299) {
            const retry = status >= 500 || status === 408 || status === 429;
            return fail(`server answered ${status}${body ? `: ${body}` : ''}`, !retry);
          }
          const echoed = res.headers['x-checksum-sha256'];
          if (typeof echoed === 'string' && echoed.toLowerCase() !== req.sha256) {
            return fail(`the server received a file with SHA-256 ${echoed.slice(0, 16)}…, not ${req.sha256.slice(0, 16)}…`);
          }
          if (settled) return;
          settled = true;
          // A server that recognised the idempotency key says so; nothing was stored twice.
          resolve({ alreadyThere: res.headers['x-upload-duplicate'] === '1' });
        });
      });
      file.on('error', (err) => fail(`reading ${req.path}: ${err.message}`, true, err));
      const onAbort = (): void => fail('stopped before the upload finished');
      if (req.signal?.aborted) return onAbort();
      req.signal?.addEventListener('abort', onAbort, { once: true });
      r.on('close', () => req.signal?.removeEventListener('abort', onAbort));
      r.write(head);
      file.on('data', (chunk) => {
        sent += chunk.length;
        req.onProgress(sent);
        if (!r.write(chunk)) file.pause();
      });
      r.on('drain', () => file.resume());
      file.on('end', () => r.end(tail));
    });
  }
}
