/**
 * Records any SampleSource to a SigMF pair: NAME.sigmf-data (the cu8 bytes
 * as they came) and NAME.sigmf-meta (written at the start, rewritten at the
 * end, so even an interrupted recording is readable). Gaps the source
 * reports (Block.dropped) start a new capture with the stream index and the
 * time of the sample after the gap, and get a `dropped` annotation.
 */
import { open, rename, writeFile } from 'node:fs/promises';
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
  const writeMeta = async () => {
    // Write then rename, so a crash never leaves half a meta file.
    await writeFile(`${metaPath}.tmp`, `${JSON.stringify(meta, null, 2)}\n`);
    await rename(`${metaPath}.tmp`, metaPath);
  };
  let file;
  try {
    file = await open(dataPath, 'w');
  } catch (err) {
    throw new DeviceError('io', `Cannot write ${dataPath}: ${(err as Error).message}. Check the folder exists and is writable.`, { cause: err });
  }
  const progress: RecordProgress = { samples: 0, dropped: 0, seconds: 0 };
  let end: RecordResult['end'] = 'source-ended';
  let failure: unknown = null;
  const target = options.samples ?? Infinity;
  let nextStream = -1; // stream index expected next; −1 before the first block
  try {
    await writeMeta();
    if (options.signal?.aborted) end = 'aborted';
    else
      for await (const block of source.blocks()) {
        const samples = block.data.length >>> 1;
        if (nextStream < 0 || block.dropped > 0 || block.firstSample !== nextStream) {
          const dropped = nextStream < 0 ? 0 : block.firstSample - nextStream;
          // The first sample's time: the block arrived after all its samples were taken.
          const time = block.receivedAt - (samples / rate) * 1000;
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
          if (nextStream >= 0) await writeMeta();
        }
        const take = Math.min(samples, target - progress.samples);
        await file.write(take === samples ? block.data : block.data.subarray(0, 2 * take));
        progress.samples += take;
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
    await file.close();
  }
  await writeMeta();
  if (failure) {
    const e = failure as Error;
    const note = ` The ${progress.samples} samples recorded before it are kept in ${metaPath}.`;
    if (failure instanceof DeviceError) throw new DeviceError(failure.kind, failure.message + note, { cause: failure });
    throw new DeviceError('io', `Recording stopped: ${e.message ?? String(e)}.${note}`, { cause: failure });
  }
  return { ...progress, metaPath, dataPath, captures: meta.captures.length, end };
}
