/**
 * Replays a recording as a SampleSource: a SigMF pair (cu8) or a raw .cu8
 * file, paced at the sample rate (real time, or a multiple of it) or as fast
 * as it can be read. SigMF captures give back the recording's stream
 * indices counted from its first sample (a recording that began mid-stream,
 * at global index G, starts at 0 here), so Block.dropped and the gaps
 * between blocks are those of the original stream. A recording cannot be retuned: setters resolve to the recording's
 * values, which is how a caller sees that nothing changed.
 */
import { createHash } from 'node:crypto';
import { open, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DeviceError } from '../errors.ts';
import { type Segment, checkSigmf, sigmfPaths } from './sigmf.ts';
import { type Block, type SampleSource, type SourceInfo, type Tuning, defaultTuning } from './source.ts';

export interface FileSourceOptions {
  /** NAME.sigmf-meta, NAME.sigmf-data, or a raw file of cu8 bytes (e.g. NAME.cu8). */
  path: string;
  /** For raw files: the sample rate (Hz) and centre frequency (Hz) they were recorded at. */
  sampleRate?: number;
  centerFrequency?: number;
  /** Blocks come at `pacing` × the sample rate (1 = real time, the default); false: as fast as possible. */
  pacing?: number | false;
  /** Samples per block (at most; blocks also end at capture boundaries). Default 131 072. */
  blockSamples?: number;
  /** Block.input. Default 0. */
  input?: number;
}

export class FileSource implements SampleSource {
  readonly info: SourceInfo;
  readonly gains: readonly number[] = [];
  readonly tuning: Readonly<Tuning>;
  private closed = false;

  private constructor(
    private readonly dataPath: string,
    private readonly segments: Segment[],
    tuning: Tuning,
    private readonly pacing: number | false,
    private readonly blockSamples: number,
    private readonly input: number,
    name: string,
  ) {
    this.tuning = Object.freeze(tuning);
    this.info = { kind: 'file', name };
  }

  /** Opens and checks a recording. Throws DeviceError 'not-found' or 'invalid' naming the file and field. */
  static async open(options: FileSourceOptions): Promise<FileSource> {
    const pacing = options.pacing ?? 1;
    if (pacing !== false && !(pacing > 0 && Number.isFinite(pacing))) {
      throw new DeviceError('invalid', `pacing must be a positive multiple of real time or false (got ${pacing}).`);
    }
    const blockSamples = options.blockSamples ?? 131_072;
    if (!Number.isInteger(blockSamples) || blockSamples < 1) throw new DeviceError('invalid', `blockSamples must be a whole number ≥ 1 (got ${blockSamples}).`);
    const input = options.input ?? 0;
    const isSigmf = /\.sigmf-(meta|data)$/.test(options.path);
    if (isSigmf) {
      const { meta, data } = sigmfPaths(options.path);
      await fileSize(meta); // refuses a FIFO or device before reading it could block forever
      const text = await readFile(meta, 'utf8').catch((err: NodeJS.ErrnoException) => {
        throw new DeviceError('not-found', `Cannot read ${meta}: ${err.code ?? err.message}. Check the path.`, { cause: err });
      });
      const size = await fileSize(data);
      const checked = checkSigmf(text, meta, data, size);
      const first = checked.segments[0]!;
      const tuning: Tuning = {
        ...defaultTuning,
        sampleRate: checked.sampleRate,
        centerFrequency: first.frequency ?? options.centerFrequency ?? defaultTuning.centerFrequency,
      };
      return new FileSource(data, checked.segments, tuning, pacing, blockSamples, input, `file ${meta}`);
    }
    const size = await fileSize(options.path);
    if (size % 2 !== 0) {
      throw new DeviceError('invalid', `${options.path} has an odd number of bytes (${size}): it is not whole cu8 I/Q pairs, or it is truncated.`);
    }
    const sampleRate = options.sampleRate ?? defaultTuning.sampleRate;
    if (!(sampleRate > 0)) throw new DeviceError('invalid', `sampleRate must be > 0 Hz (got ${sampleRate}).`);
    const tuning: Tuning = { ...defaultTuning, sampleRate, centerFrequency: options.centerFrequency ?? defaultTuning.centerFrequency };
    const segments: Segment[] = [{ dataStart: 0, length: size / 2, streamStart: 0, dropped: 0 }];
    return new FileSource(options.path, segments, tuning, pacing, blockSamples, input, `file ${options.path}`);
  }

  /**
   * Opens the recordings of a SigMF collection (`NAME.sigmf-collection`, as
   * `fringe record` writes a group's inputs), in stream order, as inputs
   * 0…N−1, each checked against the SHA-512 the collection lists for its
   * meta. Throws DeviceError 'not-found' or 'invalid' naming the file and field.
   */
  static async openCollection(path: string, options: Omit<FileSourceOptions, 'path' | 'input'> = {}): Promise<FileSource[]> {
    const bad = (what: string) => new DeviceError('invalid', `${path}: ${what}`);
    await fileSize(path);
    const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new DeviceError('not-found', `Cannot read ${path}: ${err.code ?? err.message}. Check the path.`, { cause: err });
    });
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      throw new DeviceError('invalid', `${path} is not valid JSON (${(err as Error).message}); the file is damaged or truncated.`, { cause: err });
    }
    const collection = (doc as { collection?: unknown } | null)?.collection as Record<string, unknown> | undefined;
    if (typeof collection !== 'object' || collection === null || Array.isArray(collection)) throw bad('"collection" is missing or not an object.');
    if (typeof collection['core:version'] !== 'string') throw bad('collection."core:version" is missing (required, e.g. "1.2.5").');
    const streams = collection['core:streams'];
    if (!Array.isArray(streams) || streams.length === 0) throw bad('collection."core:streams" must list the recordings (name and hash of each).');
    const members: FileSource[] = [];
    for (const [k, st] of streams.entries()) {
      // SigMF 1.2: { name, hash }; earlier drafts wrote [name, hash].
      const [name, hash] = Array.isArray(st) ? st : [(st as { name?: unknown })?.name, (st as { hash?: unknown })?.hash];
      if (typeof name !== 'string' || name === '' || /[/\\]/.test(name)) throw bad(`collection."core:streams"[${k}].name must be a recording's base name beside the collection.`);
      const meta = join(dirname(path), `${name}.sigmf-meta`);
      if (typeof hash === 'string') {
        const got = createHash('sha512').update(await readFile(meta).catch((err: NodeJS.ErrnoException) => {
          throw new DeviceError('not-found', `${path}: stream ${k}, ${meta}, cannot be read: ${err.code ?? err.message}.`, { cause: err });
        })).digest('hex');
        if (got !== hash.toLowerCase()) throw bad(`collection."core:streams"[${k}].hash does not match ${meta}: the recording was changed or replaced after the collection was written.`);
      }
      members.push(await FileSource.open({ ...options, path: meta, input: k }));
    }
    return members;
  }

  /** Samples in the recording. */
  get samples(): number {
    return this.segments.reduce((s, g) => s + g.length, 0);
  }

  setCenterFrequency(): Promise<number> {
    return Promise.resolve(this.tuning.centerFrequency);
  }
  setSampleRate(): Promise<number> {
    return Promise.resolve(this.tuning.sampleRate);
  }
  setGain(): Promise<number | 'auto'> {
    return Promise.resolve(this.tuning.gain);
  }
  setPpm(): Promise<number> {
    return Promise.resolve(this.tuning.ppm);
  }
  setBiasTee(): Promise<boolean> {
    return Promise.resolve(this.tuning.biasTee);
  }

  /** Replays the recording once, then ends. */
  async *blocks(): AsyncGenerator<Block> {
    if (this.closed) throw new DeviceError('closed', `${this.info.name} is closed; open it again.`);
    const fh = await open(this.dataPath, 'r').catch((err: NodeJS.ErrnoException) => {
      throw new DeviceError('not-found', `Cannot read ${this.dataPath}: ${err.code ?? err.message}.`, { cause: err });
    });
    try {
      const t0 = performance.now();
      const origin = this.segments[0]!.streamStart;
      let sinceYield = 0;
      for (const seg of this.segments) {
        for (let done = 0; done < seg.length; ) {
          if (this.closed) return;
          const n = Math.min(this.blockSamples, seg.length - done);
          const data = new Uint8Array(2 * n);
          const { bytesRead } = await fh.read(data, 0, data.length, 2 * (seg.dataStart + done));
          if (bytesRead < data.length) {
            throw new DeviceError('invalid', `${this.dataPath} ended early (read ${bytesRead} of ${data.length} bytes at sample ${seg.dataStart + done}); was it truncated while replaying?`);
          }
          const firstSample = seg.streamStart - origin + done;
          if (this.pacing !== false) {
            // Each block is due when its last sample would have been taken.
            const due = t0 + ((firstSample + n) / (this.tuning.sampleRate * this.pacing)) * 1000;
            const wait = due - performance.now();
            if (wait > 1) await sleep(wait);
          } else if (++sinceYield >= 8) {
            sinceYield = 0;
            await new Promise((r) => setImmediate(r)); // let the event loop breathe
          }
          yield { input: this.input, firstSample, data, receivedAt: Date.now(), dropped: done === 0 ? seg.dropped : 0 };
          done += n;
        }
      }
    } finally {
      await fh.close();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/**
 * The size of a regular file (bytes). Anything else is refused before it is
 * opened: opening a FIFO for reading blocks until a writer comes (forever, in
 * one of libuv's few threads, so the process cannot even exit), and a FIFO or
 * a device has no size to check the recording against.
 */
async function fileSize(path: string): Promise<number> {
  let st;
  try {
    st = await stat(path);
  } catch (err) {
    throw new DeviceError('not-found', `Cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}. Check the path.`, { cause: err });
  }
  if (!st.isFile()) {
    const what = st.isFIFO() ? 'a FIFO (named pipe)' : st.isDirectory() ? 'a directory' : st.isSocket() ? 'a socket' : 'a device or special file';
    throw new DeviceError(
      'invalid',
      `${path} is ${what}, not a regular file: a file: source replays a recording of known length. Save the stream to a file first, or use an rtl_tcp: source for a live stream.`,
    );
  }
  return st.size;
}
