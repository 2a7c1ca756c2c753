/** What the queue asks of an upload transport (HTTP, FTP). */
import type { Target } from './targets.ts';

export interface UploadRequest {
  /** Local file (absolute). */
  path: string;
  /** Name on the server. */
  remoteName: string;
  /** Size (bytes) and SHA-256 (hex) of the file as queued. */
  bytes: number;
  sha256: string;
  /** Same on every attempt of one job: lets the server drop a duplicate. */
  idempotencyKey: string;
  /** Bytes sent so far in this attempt. */
  onProgress: (sent: number) => void;
  /** Aborts the attempt (the uploader is stopping): the transport rejects promptly. */
  signal?: AbortSignal;
}

export interface UploadOutcome {
  /** True when the server already had the file (a retry after a lost reply): nothing was sent again. */
  alreadyThere: boolean;
}

/** An attempt that failed; `permanent` when retrying cannot help (bad credentials, 4xx). */
export class TransportError extends Error {
  override name = 'TransportError';
  constructor(message: string, readonly permanent = false, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export interface Transport {
  upload(target: Target, request: UploadRequest): Promise<UploadOutcome>;
}
