/** What the engine and API tests share: waiting for spectra, and a station holding one small known observation. */
import { dispatcher } from '../../src/api/dispatch.ts';
import { Station } from '../../src/engine/station.ts';
import type { SpectrumEvent, StationStatus } from '../../src/api/types.ts';
import { config, integration, tempDir } from '../observations/fixtures.ts';

/** The next `n` spectrum events the station emits (those `keep` accepts). */
export function spectra(station: Station, n: number, keep: (e: SpectrumEvent) => boolean = () => true): Promise<SpectrumEvent[]> {
  return new Promise((resolve) => {
    const got: SpectrumEvent[] = [];
    const on = (e: SpectrumEvent) => {
      if (!keep(e)) return;
      got.push(e);
      if (got.length === n) {
        station.off('spectrum', on);
        resolve(got);
      }
    };
    station.on('spectrum', on);
  });
}

/** The station's status once its live view runs on `source` (at once when it does already). */
export function liveOn(station: Station, source: string): Promise<StationStatus> {
  return new Promise((resolve) => {
    const check = (s: StationStatus) => {
      if (s.live?.source === source) {
        station.off('status', check);
        resolve(s);
      }
    };
    station.on('status', check);
    check(station.status());
  });
}

/**
 * A station in a new data folder with one complete observation of 3
 * integrations of 16 channels (observations/fixtures.ts: integration i
 * holds 1 + 1000 i + j/2 in channel j), and the API's dispatcher on it.
 */
export function stationWithObservation(prefix: string) {
  const { dir, cleanup } = tempDir(prefix);
  const station = Station.open(dir);
  const cfg = config({ inputs: 1, channels: 16, mode: 'autos' });
  const rec = station.store.startObservation({ mode: 'spectrum', target: 'Sun', start: 1_790_000_000, config: cfg });
  for (let i = 0; i < 3; i++) rec.append(integration(cfg, i));
  rec.complete();
  return {
    dir,
    station,
    cfg,
    id: rec.id,
    call: dispatcher(station),
    async close() {
      await station.close();
      cleanup();
    },
  };
}
