import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportObservation, type ExportFormat } from '../../../observations/export/index.ts';
import { Store } from '../../../observations/store/store.ts';
import type { StoredIntegration } from '../../../observations/store/types.ts';
import { config, integration, tempDir } from '../fixtures.ts';

let tmp: ReturnType<typeof tempDir>;
let store: Store;
let id: number;
const c = config({ inputs: 2, channels: 64 });
const T = 30;
beforeAll(() => {
  tmp = tempDir();
  store = Store.open(tmp.dir);
  const site = store.addSite({ name: 'S', latitude: 10, longitude: 20, altitude: 0 });
  const rec = store.startObservation({ mode: 'interferometer', target: 'Sun', siteId: site.id, config: c, start: 1_700_000_000 });
  for (let i = 0; i < T; i++) rec.append(integration(c, i));
  rec.complete();
  id = rec.id;
});
afterAll(() => {
  store.close();
  tmp.cleanup();
});

/**
 * Every integration-reading export consumes the store's iterator one
 * integration at a time, interleaved with writing: when it reports progress
 * on integration k it has read at most one integration beyond k, so an hour
 * at 4096 channels never sits in memory at once.
 */
describe('exports stream', () => {
  for (const format of ['fits', 'callisto', 'csv', 'uvfits', 'spd'] as ExportFormat[]) {
    it(`${format} reads integrations one at a time as it writes`, () => {
      let yielded = 0;
      const realIntegrations = store.integrations.bind(store);
      const spy = Object.create(store) as Store;
      spy.integrations = function* (obsId: number): Generator<StoredIntegration> {
        yielded = 0;
        for (const x of realIntegrations(obsId)) {
          yielded++;
          yield x;
        }
      };
      let maxAhead = 0, calls = 0;
      exportObservation(spy, id, format, join(tmp.dir, `s.${format}`), {
        station: 'TEST',
        onProgress: (done, total) => {
          calls++;
          expect(done).toBeLessThanOrEqual(total);
          if (done === total) return; // the closing report, after the tables
          // Progress counts integrations (FITS makes one pass per input); compare within the pass.
          const inPass = ((done - 1) % T) + 1;
          maxAhead = Math.max(maxAhead, yielded - inPass);
        },
      });
      expect(calls).toBeGreaterThanOrEqual(T);
      expect(maxAhead).toBeLessThanOrEqual(1);
    });
  }
});
