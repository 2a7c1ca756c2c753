/**
 * FTP uploads with basic-ftp (e-CALLISTO stations upload this way). Each
 * attempt sends to `NAME.part` and renames it to `NAME` only when the
 * server's size matches, so a half-sent file never appears under its real
 * name. If `NAME` already exists with the right size and SHA-256 (a retry
 * after the reply was lost), nothing is sent again. The URL's path is a
 * folder relative to the login folder, created if missing.
 */
import { Client, type FTPError } from 'basic-ftp';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Writable } from 'node:stream';
import type { Target } from './targets.ts';
import { TransportError, type Transport, type UploadOutcome, type UploadRequest } from './transport.ts';

export interface FtpOptions {
  /** Idle time (ms) before an attempt is abandoned (default 30 000). */
  timeoutMs?: number;
  /** Explicit FTPS (AUTH TLS) (default false). */
  secure?: boolean;
}

export class FtpTransport implements Transport {
  constructor(private readonly options: FtpOptions = {}) {}

  async upload(target: Target, req: UploadRequest): Promise<UploadOutcome> {
    if (target.kind !== 'ftp') throw new TransportError(`target ${target.name} is not an FTP target`, true);
    const url = new URL(target.url);
    const where = `ftp://${url.host}${url.pathname}`;
    const client = new Client(this.options.timeoutMs ?? 30_000);
    // Stopping closes the connection: whatever basic-ftp was doing rejects, and the queue sees the signal.
    const onAbort = (): void => client.close();
    req.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if (req.signal?.aborted) throw new TransportError(`${where}: stopped before the upload started`);
      try {
        await client.access({
          host: url.hostname, port: url.port ? Number(url.port) : 21,
          user: target.username ?? 'anonymous', password: target.password ?? 'anonymous@',
          secure: this.options.secure ?? false,
        });
      } catch (err) {
        // 530: login refused: retrying with the same credentials cannot help.
        const code = (err as FTPError).code;
        throw new TransportError(`${where}: login failed (${describe(err)})`, code === 530, { cause: err });
      }
      const dir = decodeURIComponent(url.pathname).replace(/^\/+|\/+$/g, '');
      if (dir) await client.ensureDir(dir);
      if (await this.alreadyThere(client, req)) return { alreadyThere: true };
      const part = `${req.remoteName}.part`;
      client.trackProgress((info) => req.onProgress(info.bytes));
      await client.uploadFrom(createReadStream(req.path), part);
      client.trackProgress();
      const size = await client.size(part);
      if (size !== req.bytes) throw new TransportError(`${where}: the server holds ${size} bytes of ${req.remoteName}, not ${req.bytes}`);
      await client.rename(part, req.remoteName);
      return { alreadyThere: false };
    } catch (err) {
      if (err instanceof TransportError) throw err;
      throw new TransportError(`${where}: ${describe(err)}`, false, { cause: err });
    } finally {
      req.signal?.removeEventListener('abort', onAbort);
      client.close();
    }
  }

  /** True when the final name holds exactly our bytes (checked by downloading and hashing them). */
  private async alreadyThere(client: Client, req: UploadRequest): Promise<boolean> {
    let size: number;
    try {
      size = await client.size(req.remoteName);
    } catch {
      return false; // 550: no such file
    }
    if (size !== req.bytes) return false;
    const h = createHash('sha256');
    await client.downloadTo(new Writable({ write(chunk: Buffer, _enc, cb) { h.update(chunk); cb(); } }), req.remoteName);
    return h.digest('hex') === req.sha256;
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
