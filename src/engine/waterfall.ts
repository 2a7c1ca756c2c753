/**
 * A stored observation's waterfall, for the UI: one input's power per
 * channel per integration, averaged down to at most `maxRows` rows (in
 * time) and `maxColumns` columns (in frequency), so a long recording is
 * still a small reply. Times are the integrations' (sky time).
 */
import { autoProduct, channelFrequencies } from '../../observations/export/common.ts';
import type { Store } from '../../observations/store/store.ts';
import type { ObservationWaterfall } from '../api/history.ts';
import { check } from '../../observations/errors.ts';

export const maxRows = 400;
export const maxColumns = 512;

export function waterfall(store: Store, id: number, input = 0): ObservationWaterfall {
  const obs = store.getObservation(id);
  const { config } = obs;
  const N = config.fx.inputs, C = config.fx.channels;
  check(Number.isInteger(input) && input >= 0 && input < N, `input must be 0…${N - 1} for observation ${id}`);
  const per = Math.max(1, Math.ceil(C / maxColumns));
  const columns = Math.ceil(C / per);
  const step = Math.max(1, Math.ceil(obs.integrations / maxRows));
  const f = channelFrequencies(config);
  const frequency = Array.from({ length: columns }, (_, k) => {
    let s = 0, n = 0;
    for (let j = k * per; j < Math.min(C, (k + 1) * per); j++, n++) s += f[j]!;
    return s / n;
  });
  const time: number[] = [];
  const rows: number[][] = [];
  const p = autoProduct(input, N, config.fx.mode);
  let acc = new Float64Array(columns), inStep = 0, start = 0;
  const flush = () => {
    time.push(start);
    rows.push(Array.from(acc, (x, k) => x / (inStep * Math.min(per, C - k * per))));
    acc = new Float64Array(columns);
    inStep = 0;
  };
  for (const it of store.integrations(id)) {
    if (it.spectra <= 0) continue;
    if (inStep === 0) start = it.time;
    for (let j = 0; j < C; j++) acc[Math.floor(j / per)]! += it.visibilities[2 * (p * C + j)]! / it.spectra;
    if (++inStep === step) flush();
  }
  if (inStep > 0) flush();
  return { id, input, frequency, time, power: rows, step, channelsPerColumn: per };
}
