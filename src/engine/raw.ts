/**
 * Raw mode: the source's cu8 samples recorded to SigMF in the store's data
 * folder and referenced by an observation, for reprocessing later with other
 * correlator settings (reprocess.ts) or for other programs. What was written
 * before a stop or a failure is kept and referenced.
 */
import { recordSigmf } from '../../devices/sdr/recorder.ts';
import { openSource } from '../../devices/sdr/open.ts';
import type { SampleSource } from '../../devices/sdr/source.ts';
import type { Recording } from '../../observations/store/recording.ts';
import { Store } from '../../observations/store/store.ts';
import { spectraFor, type ObserveOptions, type ObserveProgress, type ObserveResult } from './observe.ts';
import { defaultTarget, provenance } from './provenance.ts';
import { softwareVersion } from './version.ts';

export async function recordRaw(
  o: ObserveOptions,
  hooks: { onProgress?: (p: ObserveProgress) => void; signal?: AbortSignal } = {},
): Promise<ObserveResult> {
  const store = Store.open(o.dataDir);
  let source: SampleSource | null = null;
  let recording: Recording | null = null;
  try {
    source = await openSource(o.source, { tuning: o.tuning, pacing: o.pacing, scenario: o.scenario });
    const tuning = source.tuning;
    const total = Math.round(o.seconds * tuning.sampleRate);
    recording = store.startObservation({
      mode: 'raw',
      target: o.target ?? defaultTarget(source),
      config: {
        ...provenance(source, o.source),
        // The correlator settings to reprocess with by default.
        fx: { inputs: 1, channels: o.channels, taps: o.taps, spectraPerIntegration: spectraFor(o.integration, tuning.sampleRate, o.channels), mode: 'autos' },
      },
    });
    const file = store.rawRecordingPath(recording.id, 'iq');
    const progress: ObserveProgress = { samples: 0, total, integrations: 0, dropped: 0, clipped: 0 };
    let failure: unknown = null;
    let result;
    try {
      result = await recordSigmf(source, {
        metaPath: file.absolute.replace(/\.sigmf-data$/, '.sigmf-meta'),
        samples: total,
        signal: hooks.signal,
        recorder: `fringe ${softwareVersion}`,
        onProgress: (p) => {
          progress.samples = p.samples;
          progress.dropped = p.dropped;
          hooks.onProgress?.(progress);
        },
      });
    } catch (err) {
      failure = err;
    }
    // Whatever reached the disk is referenced, complete or not.
    store.addRawRecording({
      observationId: recording.id,
      path: file.relative,
      datatype: 'cu8',
      sampleRate: tuning.sampleRate,
      frequency: tuning.centerFrequency,
      numChannels: 1,
      start: recording.start,
      meta: { samples: result?.samples ?? progress.samples, dropped: result?.dropped ?? progress.dropped },
    });
    const samples = result?.samples ?? progress.samples;
    if (failure) throw failure;
    if (samples < total) {
      const reason = hooks.signal?.aborted ? 'stopped before the requested duration' : 'the source ended before the requested duration';
      recording.interrupt(reason);
      return { observationId: recording.id, integrations: 0, status: 'interrupted', notices: [reason] };
    }
    recording.complete(recording.start + samples / tuning.sampleRate);
    return { observationId: recording.id, integrations: 0, status: 'complete', notices: [] };
  } catch (err) {
    if (recording?.active) recording.interrupt(err instanceof Error ? err.message : String(err));
    throw err;
  } finally {
    await source?.close();
    store.close();
  }
}
