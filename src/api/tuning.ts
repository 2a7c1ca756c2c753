/**
 * Offset tuning, shared by the engine and the UI (pure: no Node modules).
 *
 * A direct-conversion dongle (RTL-SDR) has a spike at its centre frequency:
 * the LO leaking through and the ADC's DC offset. Tuned to the hydrogen line
 * itself, that spike sits exactly on the line. So the station's default is to
 * tune an eighth of the band below the line: the line lands at +⅛ band from
 * the spike (300 kHz at 2.4 MS/s), with the flat part of the passband
 * reaching about 100 km/s beyond it on the approaching side and 220 km/s on
 * the receding side (a quarter left the local gas 30 km/s from the filter's
 * roll-off); the spectrum's frequency axis (centre + channel offsets) still
 * reads sky frequency. An HI observation toward a known (l, b) can do better
 * (src/analysis/hi/tuning.ts: the emission window mid-band).
 */

/** The 21 cm hyperfine line of neutral hydrogen (Hz) (Hellwig et al. 1970); the same value as src/astro/velocity.ts. */
export const hiRest = 1_420_405_751.768;

/** Where the line sits from the centre, as a fraction of the sample rate (above the centre). */
export const lineOffsetFraction = 0.125;

/** The centre frequency (Hz, whole) that puts a line at `line` (Hz) an eighth of the band above the DC spike, at `sampleRate` (Hz). */
export function offsetCentre(sampleRate: number, line = hiRest): number {
  return Math.round(line - sampleRate * lineOffsetFraction);
}

/** Whether a centre frequency (Hz) puts the DC spike within `tolerance` (Hz, default 1 kHz) of the HI line: the tuning offset tuning avoids. */
export function dcOnLine(centerFrequency: number, tolerance = 1000, line = hiRest): boolean {
  return Math.abs(centerFrequency - line) <= tolerance;
}

/** How the UI says where the line is: "HI +300 kHz from DC" or null when the line is outside the band. */
export function lineFromDc(centerFrequency: number, sampleRate: number, line = hiRest): string | null {
  const d = line - centerFrequency;
  if (Math.abs(d) >= sampleRate / 2) return null;
  const khz = Math.round(d / 1000);
  return khz === 0 ? 'HI on the DC spike' : `HI ${khz > 0 ? '+' : '−'}${Math.abs(khz)} kHz from DC`;
}
