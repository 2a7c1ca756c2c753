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
import { open, rename, rm } from 'node:fs/promises';
import { DeviceError } from '../errors.ts';
import { SIGMF_VERSION, type SigmfMeta, rfc3339, sigmfPaths } from './sigmf.ts';
import type { SampleSource } from './source.ts';

export interface RecordOptions {
  /** NAME.sigmf-meta; NAME.sigmf-data is written beside it. */
  metaPath: string;
  /** Samples to record (stops exactly there); default: until `signal` aborts or the source ends. */
  samples?: number;
  signal?: AbortSignal;
  /** Called after each block with the samples written so far. */
  onProgress?: (p: RecordProgress) => void;
  description?: string;
  /** The recorder string for `core:recorder`. Default "fringe". */
  recorder?: string;
}

export interface RecordProgress {
  /** Samples written to the data file. */
  samples: number;
  /** Samples the source reported lost. */
  dropped: number;
  /** Seconds of signal written (samples / rate). */
  seconds: number;
}

export interface RecordResult extends RecordProgress {
  metaPath: string;
  dataPath: string;
  /** Captures in the meta (1 + gaps). */
  captures: number;
  /** Why it stopped. */
  end: 'samples' | 'aborted' | 'source-ended';
}

/**
 * Records `source` until `samples` are written, `signal` aborts or the
 * source ends. If the source fails (unplugged, connection lost) the meta is
 * still written for the samples so far, and the error is rethrown with a
 * note that the partial recording was kept.
 */
export async function recordSigmf(source: SampleSource, options: RecordOptions): Promise<RecordResult> {
  const { meta: metaPath, data: dataPath } = sigmfPaths(options.metaPath);
  if (options.samples !== undefined && (!Number.isInteger(options.samples) || options.samples <= 0)) {
    throw new DeviceError('invalid', `samples must be a whole number > 0 (got ${options.samples}).`);
  }
  const rate = source.tuning.sampleRate;
  const meta: SigmfMeta = {
    global: {
      'core:datatype': 'cu8',
      'core:version': SIGMF_VERSION,
      'core:sample_rate': rate,
      'core:recorder': options.recorder ?? 'fringe',
      'core:hw': `${source.info.name}${source.info.serial ? ` (serial ${source.info.serial})` : ''}`,
      ...(options.description ? { 'core:description': options.description } : {}),
    },
    captures: [],
    annotations: [],
  };
  // Until the first block: the tuned frequency and the time the recording started.
  meta.captures.push({ 'core:sample_start': 0, 'core:frequency': source.tuning.centerFrequency, 'core:datetime': rfc3339(Date.now()) });
  const writeMeta = () => writeMetaAtomic(metaPath, meta);
  let file;
  try {
    file = await open(dataPath, 'w');
    await writeMeta();
  } catch (err) {
    await file?.close();
    throw writeError(dataPath, err, 0);
  }
  const progress: RecordProgress = { samples: 0, dropped: 0, seconds: 0 };
  let end: RecordResult['end'] = 'source-ended';
  let failure: unknown = null;
  const target = options.samples ?? Infinity;
  let nextStream = -1; // stream index expected next; −1 before the first block
  try {
    if (options.signal?.aborted) end = 'aborted';
    else
      for await (const block of source.blocks()) {
        const samples = block.data.length >>> 1;
        if (nextStream < 0 || block.dropped > 0 || block.firstSample !== nextStream) {
          const dropped = nextStream < 0 ? 0 : block.firstSample - nextStream;
          // The first sample's time: the block arrived after all its samples were taken.
          const time = block.receivedAt - (samples / rate) * 1000;
          // The first block replaces the provisional first capture with its exact index and time.
          if (nextStream < 0) meta.captures.pop();
          meta.captures.push({
            'core:sample_start': progress.samples,
            'core:global_index': block.firstSample,
            'core:frequency': source.tuning.centerFrequency,
            'core:datetime': rfc3339(time),
          });
          if (dropped > 0) {
            progress.dropped += dropped;
            meta.annotations.push({
              'core:sample_start': progress.samples,
              'core:label': 'dropped',
              'core:comment': `${dropped} samples lost before this sample (source: ${source.info.kind})`,
              'core:generator': options.recorder ?? 'fringe',
            });
          }
          await writeMeta();
        }
        const take = Math.min(samples, target - progress.samples);
        const bytes = take === samples ? block.data : block.data.subarray(0, 2 * take);
        let written = 0;
        try {
          // A short write (the disk filling up) is followed by the error on the next one.
          while (written < bytes.length) written += (await file.write(bytes, written, bytes.length - written)).bytesWritten;
        } finally {
          progress.samples += written >>> 1;
        }
        progress.seconds = progress.samples / rate;
        nextStream = block.firstSample + samples;
        options.onProgress?.({ ...progress });
        if (progress.samples >= target) {
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
    // End at the last whole sample (a short write on a full disk can leave half of one); truncating needs no space.
    await file.truncate(2 * progress.samples).catch(() => {});
    await file.close();
  }
  if (failure) {
    const note = ` The ${progress.samples} samples recorded before it are kept in ${metaPath}.`;
    if (failure instanceof DeviceError) throw new DeviceError(failure.kind, failure.message + note, { cause: failure });
    throw writeError(dataPath, failure, progress.samples, note);
  }
  return { ...progress, metaPath, dataPath, captures: meta.captures.length, end };
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
export async function writeMetaAtomic(metaPath: string, meta: SigmfMeta): Promise<void> {
  const tmp = `${metaPath}.${process.pid}.tmp`;
  const f = await open(tmp, 'w');
  try {
    await f.writeFile(`${JSON.stringify(meta, null, 2)}\n`);
    await f.sync();
  } catch (err) {
    await f.close();
    await rm(tmp, { force: true });
    throw err;
  }
  await f.close();
  await rename(tmp, metaPath);
}
