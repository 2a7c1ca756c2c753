/**
 * Raw mode: the source's cu8 samples recorded to SigMF in the store's data
 * folder and referenced by an observation (the session and the observation
 * are opened by the raw mode's recipe, modes.ts, or the live view's recorder), for reprocessing later with other
 * correlator settings (reprocess.ts) or for other programs. What was written
 * before a stop or a failure is kept and referenced.
 */
import { recordSigmf, type RecordProgress } from '../../devices/sdr/recorder.ts';
import type { SampleSource } from '../../devices/sdr/source.ts';
import type { Recording } from '../../observations/store/recording.ts';
import type { Store } from '../../observations/store/store.ts';
import { softwareVersion } from './version.ts';

/**
 * Records `source` to SigMF as observation `rec`'s raw recording in the data
 * folder, until `samples` (or `signal`, or the source's end), and references
 * whatever reached the disk, complete or not. A failure is returned, not
 * thrown, so that the caller ends the observation first.
 */
export async function recordRawInto(
  store: Store,
  rec: Recording,
  source: SampleSource,
  o: { samples?: number; signal?: AbortSignal; onProgress?: (p: RecordProgress) => void } = {},
): Promise<{ samples: number; dropped: number; failure: unknown }> {
  const file = store.rawRecordingPath(rec.id, 'iq');
  const tuning = source.tuning;
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
  }
  store.addRawRecording({
    observationId: rec.id,
    path: file.relative,
    datatype: 'cu8',
    sampleRate: tuning.sampleRate,
    frequency: tuning.centerFrequency,
    numChannels: 1,
    start: rec.start,
    meta: { samples: last.samples, dropped: last.dropped },
  });
  return { samples: last.samples, dropped: last.dropped, failure };
}
