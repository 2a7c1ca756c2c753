/**
 * Raw mode: the source's cu8 samples recorded to SigMF in the store's data
 * folder and referenced by an observation (the session and the observation
 * are opened by the raw mode's recipe, modes.ts, or the live view's recorder), for reprocessing later with other
 * correlator settings (reprocess.ts) or for other programs. What was written
 * before a stop or a failure is kept and referenced.
 */
import { statSync } from 'node:fs';
import { recordSigmf, type RecordProgress } from '../../devices/sdr/recorder.ts';
import type { SampleSource } from '../../devices/sdr/source.ts';
import type { Recording } from '../../observations/store/recording.ts';
import type { Store } from '../../observations/store/store.ts';
import { softwareVersion } from './version.ts';

/**
 * Records `source` to SigMF as observation `rec`'s raw recording in the data
 * folder, until `samples` (or `signal`, or the source's end). The recording
 * is referenced in the store before the first sample is written, so a kill
 * or a full disk leaves it referenced (the store's next open truncates it to
 * its last whole sample and rewrites its meta); at the end its sample count
 * is stored. A failure is returned, not thrown, so that the caller ends the
 * observation first.
 */
export async function recordRawInto(
  store: Store,
  rec: Recording,
  source: SampleSource,
  o: { samples?: number; signal?: AbortSignal; onProgress?: (p: RecordProgress) => void } = {},
): Promise<{ samples: number; dropped: number; failure: unknown }> {
  const file = store.rawRecordingPath(rec.id, 'iq');
  const tuning = source.tuning;
  const raw = store.addRawRecording({
    observationId: rec.id,
    path: file.relative,
    datatype: 'cu8',
    sampleRate: tuning.sampleRate,
    frequency: tuning.centerFrequency,
    numChannels: 1,
    start: rec.start,
    meta: { samples: 0, dropped: 0, recording: true },
  });
  let last: RecordProgress = { samples: 0, dropped: 0, seconds: 0 };
  let failure: unknown = null;
  try {
    last = await recordSigmf(source, {
      metaPath: file.absolute.replace(/\.sigmf-data$/, '.sigmf-meta'),
      samples: o.samples,
      signal: o.signal,
      recorder: `fringe ${softwareVersion}`,
      onProgress: (p) => {
        last = p;
        o.onProgress?.(p);
      },
    });
  } catch (err) {
    failure = err;
    // The recorder ends the file at its last whole sample, which may be past the last progress report.
    try {
      const samples = Math.floor(statSync(file.absolute).size / 2);
      last = { ...last, samples, seconds: samples / tuning.sampleRate };
    } catch {
      // No data file: nothing was written.
    }
  }
  try {
    store.updateRawRecording(raw.id, { samples: last.samples, dropped: last.dropped });
  } catch (err) {
    // On a full disk the count may not fit; the next open counts the samples from the file.
    failure ??= err;
  }
  return { samples: last.samples, dropped: last.dropped, failure };
}
