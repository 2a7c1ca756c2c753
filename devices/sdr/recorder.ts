/**
 * Records any SampleSource to a SigMF pair: NAME.sigmf-data (the cu8 bytes
 * as they came) and NAME.sigmf-meta. The meta is complete from the start
 * (a first capture with the frequency and the time) and is rewritten, under
 * a temporary name that is synced and renamed over it, whenever it changes
 * (the first block's exact index and time, each gap), so whatever the data
 * file holds after a kill -9 or a full disk is described by the meta beside
 * it. Gaps the source reports (Block.dropped) start a new capture with the
 * stream index and the time of the sample after the gap, and get a
 * `dropped` annotation. A full disk (ENOSPC) stops the recording with a
 * `disk-full` error; the data file then ends at the last whole sample.
 */
import { createHash } from 'node:crypto';
import { type FileHandle, open, readFile, rename, rm } from 'node:fs/promises';
import { basename } from 'node:path';
import { DeviceError } from '../errors.ts';
import { SIGMF_VERSION, type SigmfCollection, type SigmfMeta, rfc3339, sigmfPaths } from './sigmf.ts';
import type { Block, SampleSource } from './source.ts';
import { CoherentGroup } from './group.ts';

export interface RecordOptions {
  /** NAME.sigmf-meta; NAME.sigmf-data is written beside it. */
  metaPath: string;
  /** Samples to record, per input (stops exactly there); default: until `signal` aborts or the source ends. */
  samples?: number;
  signal?: AbortSignal;
  /** Called after each block with the samples written so far. */
  onProgress?: (p: RecordProgress) => void;
  description?: string;
  /** The recorder string for `core:recorder`. Default "fringe". */
  recorder?: string;
}

export interface RecordProgress {
  /** Samples written to the data file (a group's: the fewest of any input). */
  samples: number;
  /** Samples the source reported lost (a group's: over all inputs). */
  dropped: number;
  /** Seconds of signal written (samples / rate). */
  seconds: number;
}

export interface RecordResult extends RecordProgress {
  /** The meta and data written (a group's: its input 0's). */
  metaPath: string;
  dataPath: string;
  /** A group's SigMF collection (NAME.sigmf-collection) and its member recordings, one per input. */
  collectionPath?: string;
  members?: { metaPath: string; dataPath: string }[];
  /** Captures in the meta (1 + gaps). */
  captures: number;
  /** Why it stopped. */
  end: 'samples' | 'aborted' | 'source-ended';
}

/**
 * One input's recording: its data file, its meta (rewritten whole on every
 * change) and its progress. A plain recording has one track; a group's
 * collection one per input.
 */
class Track {
  readonly progress: RecordProgress = { samples: 0, dropped: 0, seconds: 0 };
  /** Stream index expected next; −1 before the first block. */
  private nextStream = -1;

  private constructor(
    readonly metaPath: string,
    readonly dataPath: string,
    readonly meta: SigmfMeta,
    private readonly file: FileHandle,
    private readonly rate: number,
    private readonly onMeta: () => Promise<void>,
  ) {}

  static async open(metaPath: string, global: SigmfMeta['global'], frequency: number, rate: number, onMeta: () => Promise<void>): Promise<Track> {
    const { data: dataPath } = sigmfPaths(metaPath);
    // Until the first block: the tuned frequency and the time the recording started.
    const meta: SigmfMeta = { global, captures: [{ 'core:sample_start': 0, 'core:frequency': frequency, 'core:datetime': rfc3339(Date.now()) }], annotations: [] };
    let file: FileHandle | undefined;
    try {
      file = await open(dataPath, 'w');
      await writeMetaAtomic(metaPath, meta);
    } catch (err) {
      await file?.close();
      throw writeError(dataPath, err, 0);
    }
    const track = new Track(metaPath, dataPath, meta, file, rate, onMeta);
    await onMeta();
    return track;
  }

  /** Writes (up to `target` samples of) one block; a gap or the first block starts a capture. */
  async write(block: Block, frequency: number, kind: string, generator: string, target: number): Promise<void> {
    const samples = block.data.length >>> 1;
    const { meta, progress } = this;
    if (this.nextStream < 0 || block.dropped > 0 || block.firstSample !== this.nextStream) {
      const dropped = this.nextStream < 0 ? 0 : block.firstSample - this.nextStream;
      // The first sample's time: the block arrived after all its samples were taken.
      const time = block.receivedAt - (samples / this.rate) * 1000;
      // The first block replaces the provisional first capture with its exact index and time.
      if (this.nextStream < 0) meta.captures.pop();
      meta.captures.push({
        'core:sample_start': progress.samples,
        'core:global_index': block.firstSample,
        'core:frequency': frequency,
        'core:datetime': rfc3339(time),
      });
      if (dropped > 0) {
        progress.dropped += dropped;
        meta.annotations.push({
          'core:sample_start': progress.samples,
          'core:label': 'dropped',
          'core:comment': `${dropped} samples lost before this sample (source: ${kind})`,
          'core:generator': generator,
        });
      }
      await writeMetaAtomic(this.metaPath, meta);
      await this.onMeta();
    }
    const take = Math.min(samples, target - progress.samples);
    const bytes = take === samples ? block.data : block.data.subarray(0, 2 * take);
    let written = 0;
    try {
      // A short write (the disk filling up) is followed by the error on the next one.
      while (written < bytes.length) written += (await this.file.write(bytes, written, bytes.length - written)).bytesWritten;
    } finally {
      progress.samples += written >>> 1;
    }
    progress.seconds = progress.samples / this.rate;
    this.nextStream = block.firstSample + samples;
  }

  /** Ends the data file at its last whole sample (a short write on a full disk can leave half of one; truncating needs no space) and closes it. */
  async finish(): Promise<void> {
    await this.file.truncate(2 * this.progress.samples).catch(() => {});
    await this.file.close();
  }
}

/** A multi-input source (a coherent group): its number of inputs. */
function inputsOf(source: SampleSource): number {
  const n = (source as { inputs?: unknown }).inputs;
  return typeof n === 'number' && Number.isInteger(n) && n > 1 ? n : 1;
}

/** `core:hw` of input `k`: the group member's own device (name and serial), else the source's. */
function hardware(source: SampleSource, k: number): string {
  const info = source instanceof CoherentGroup ? source.members[k]?.info ?? source.info : source.info;
  return `${info.name}${info.serial ? ` (serial ${info.serial})` : ''}`;
}

/**
 * Records `source` until `samples` are written (per input), `signal` aborts
 * or the source ends. A source of one input writes `metaPath` and its data
 * file. A group of N inputs writes a SigMF collection, as SigMF defines a
 * multi-channel recording made of one recording per channel:
 * `NAME.sigmf-collection` (for `metaPath` `NAME.sigmf-meta`) listing
 * `NAME-0` … `NAME-(N−1)` (`core:streams`, each with the SHA-512 of its
 * meta), each an ordinary recording of one input with its own captures and
 * drops and `core:collection: NAME`. The collection is rewritten, under a
 * temporary name, whenever a member's meta changes, so its hashes always
 * match. (Writing the group's blocks into one stream, as before, gave one
 * channel of alternating 16384-sample blocks.) If the source fails
 * (unplugged, connection lost) the metas are still written for the samples
 * so far, and the error is rethrown with a note that the partial recording
 * was kept.
 */
export async function recordSigmf(source: SampleSource, options: RecordOptions): Promise<RecordResult> {
  const { meta: metaPath } = sigmfPaths(options.metaPath);
  if (options.samples !== undefined && (!Number.isInteger(options.samples) || options.samples <= 0)) {
    throw new DeviceError('invalid', `samples must be a whole number > 0 (got ${options.samples}).`);
  }
  const rate = source.tuning.sampleRate;
  const generator = options.recorder ?? 'fringe';
  const inputs = inputsOf(source);
  const base = metaPath.replace(/\.sigmf-meta$/, '');
  const collectionPath = inputs > 1 ? `${base}.sigmf-collection` : null;
  const name = basename(base);
  const global = (input: number): SigmfMeta['global'] => ({
    'core:datatype': 'cu8',
    'core:version': SIGMF_VERSION,
    'core:sample_rate': rate,
    'core:recorder': generator,
    'core:hw': `${hardware(source, input)}${collectionPath ? `, input ${input} of ${inputs}` : ''}`,
    ...(options.description ? { 'core:description': options.description } : {}),
    ...(collectionPath ? { 'core:collection': name } : {}),
  });
  const tracks: Track[] = [];
  const writeCollection = async () => {
    if (!collectionPath || tracks.length < inputs) return;
    await writeCollectionAtomic(collectionPath, {
      collection: {
        'core:version': SIGMF_VERSION,
        'core:description': options.description ?? `${inputs} inputs of ${source.info.name}, one recording each`,
        'core:streams': await Promise.all(tracks.map(async (t, k) => ({ name: `${name}-${k}`, hash: await sha512(t.metaPath) }))),
      },
    });
  };
  try {
    for (let k = 0; k < inputs; k++) {
      const path = collectionPath ? `${base}-${k}.sigmf-meta` : metaPath;
      tracks.push(await Track.open(path, global(k), source.tuning.centerFrequency, rate, writeCollection));
    }
  } catch (err) {
    await Promise.all(tracks.map((t) => t.finish()));
    throw err;
  }
  let end: RecordResult['end'] = 'source-ended';
  let failure: unknown = null;
  const target = options.samples ?? Infinity;
  const total = (): RecordProgress => {
    const samples = Math.min(...tracks.map((t) => t.progress.samples));
    return { samples, dropped: tracks.reduce((s, t) => s + t.progress.dropped, 0), seconds: samples / rate };
  };
  try {
    if (options.signal?.aborted) end = 'aborted';
    else
      for await (const block of source.blocks()) {
        const track = tracks[inputs > 1 ? block.input : 0];
        if (!track) throw new DeviceError('invalid', `the source gave a block of input ${block.input}, but it has ${inputs} input${inputs > 1 ? 's' : ''}.`);
        if (track.progress.samples < target) await track.write(block, source.tuning.centerFrequency, source.info.kind, generator, target);
        options.onProgress?.(total());
        if (tracks.every((t) => t.progress.samples >= target)) {
          end = 'samples';
          break;
        }
        if (options.signal?.aborted) {
          end = 'aborted';
          break;
        }
      }
  } catch (err) {
    failure = err;
  } finally {
    await Promise.all(tracks.map((t) => t.finish()));
  }
  const kept = collectionPath ?? metaPath;
  const progress = total();
  if (failure) {
    const note = ` The ${progress.samples} samples recorded before it are kept in ${kept}.`;
    if (failure instanceof DeviceError) throw new DeviceError(failure.kind, failure.message + note, { cause: failure });
    throw writeError(tracks[0]!.dataPath, failure, progress.samples, note);
  }
  return {
    ...progress,
    metaPath: tracks[0]!.metaPath,
    dataPath: tracks[0]!.dataPath,
    captures: Math.max(...tracks.map((t) => t.meta.captures.length)),
    end,
    ...(collectionPath ? { collectionPath, members: tracks.map((t) => ({ metaPath: t.metaPath, dataPath: t.dataPath })) } : {}),
  };
}

/** SHA-512 of a file (hex), as SigMF's `core:streams` hash of a member's meta. */
async function sha512(path: string): Promise<string> {
  return createHash('sha512').update(await readFile(path)).digest('hex');
}

/** Replaces a collection file whole or not at all (as writeMetaAtomic). */
function writeCollectionAtomic(path: string, collection: SigmfCollection): Promise<void> {
  return writeJsonAtomic(path, collection);
}

/** Whether an error is the operating system saying the disk is full. */
export function isDiskFull(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'ENOSPC' || (err as { code?: unknown } | null)?.code === 'EDQUOT';
}

/** The DeviceError for a failed write: `disk-full` for ENOSPC/EDQUOT (saying so), else `io`. */
function writeError(path: string, err: unknown, samples: number, note = ''): DeviceError {
  const e = err as Error;
  if (isDiskFull(err)) {
    return new DeviceError('disk-full', `disk full: writing ${path} failed after ${samples} samples (${e.message}); free some space on that disk.${note}`, { cause: err });
  }
  if (samples === 0 && !note) return new DeviceError('io', `Cannot write ${path}: ${e.message}. Check the folder exists and is writable.`, { cause: err });
  return new DeviceError('io', `Recording stopped: ${e.message ?? String(e)}.${note}`, { cause: err });
}

/**
 * Replaces the meta file whole or not at all: written to `PATH.PID.tmp`,
 * synced, renamed over PATH (a kill leaves the old meta or the new one).
 */
export function writeMetaAtomic(metaPath: string, meta: SigmfMeta): Promise<void> {
  return writeJsonAtomic(metaPath, meta);
}

/** JSON written to `PATH.PID.tmp`, synced, renamed over PATH: the file is the old one or the new one, never half. */
async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  const f = await open(tmp, 'w');
  try {
    await f.writeFile(`${JSON.stringify(value, null, 2)}\n`);
    await f.sync();
  } catch (err) {
    await f.close();
    await rm(tmp, { force: true });
    throw err;
  }
  await f.close();
  await rename(tmp, path);
}
