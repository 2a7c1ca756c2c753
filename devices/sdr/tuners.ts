/**
 * RTL-SDR tuner facts (osmocom rtl-sdr `include/rtl-sdr.h`, `src/tuner_*.c`):
 * the tuner enum, names and gain tables. Used where no librtlsdr is at hand:
 * the rtl_tcp greeting and the rtl_tcp server's gain-by-index command.
 */

/** `enum rtlsdr_tuner`. */
export const TunerType = {
  unknown: 0,
  e4000: 1,
  fc0012: 2,
  fc0013: 3,
  fc2580: 4,
  r820t: 5,
  r828d: 6,
} as const;

const names = ['unknown', 'E4000', 'FC0012', 'FC0013', 'FC2580', 'R820T', 'R828D'];

/** A tuner's name for lists and logs, e.g. "R820T". */
export function tunerName(type: number): string {
  return names[type] ?? `unknown tuner ${type}`;
}

const r82xx = [
  0, 9, 14, 27, 37, 77, 87, 125, 144, 157, 166, 197, 207, 229, 254, 280, 297, 328, 338, 364, 372, 386, 402, 421, 434,
  439, 445, 480, 496,
];

/** Gain tables in tenths of a dB, ascending, by tuner type. */
const tables: Record<number, readonly number[]> = {
  [TunerType.e4000]: [-10, 15, 40, 65, 90, 115, 140, 165, 190, 215, 240, 290, 340, 420],
  [TunerType.fc0012]: [-99, -40, 71, 179, 192],
  [TunerType.fc0013]: [-99, -73, -65, -63, -60, -58, -54, 58, 61, 63, 65, 67, 68, 70, 71, 179, 181, 182, 184, 186, 188, 191, 197],
  [TunerType.fc2580]: [],
  [TunerType.r820t]: r82xx,
  [TunerType.r828d]: r82xx,
};

/** The gains a tuner supports (dB), ascending; empty when unknown. */
export function tunerGains(type: number): number[] {
  return (tables[type] ?? []).map((t) => t / 10);
}

/** The supported gain nearest to `db` (dB); `db` itself when the list is empty. */
export function nearestGain(gains: readonly number[], db: number): number {
  let best = db;
  let bestDistance = Infinity;
  for (const g of gains) {
    const d = Math.abs(g - db);
    if (d < bestDistance) {
      best = g;
      bestDistance = d;
    }
  }
  return best;
}
