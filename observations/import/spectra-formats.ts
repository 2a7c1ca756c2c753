/**
 * Averaged-spectrum text formats of other tools, read without I/O into one
 * shape (`SpectraFile`): each spectrum a time (or none) and values on a
 * frequency axis (Hz) or a velocity axis (km/s). A SpectraError names the
 * line that cannot be read.
 *
 * - gr-radio_astro / NSF `.ast` (sky) and `.hot` (hot load): `# KEY = value`
 *   header lines (UTC, AZ, EL, TELLON, TELLAT, RA (hours), DEC, GALLON,
 *   GALLAT, CenterFreq/OBSFREQ, Bandwidth/OBSBW, NCHAN), then NCHAN rows
 *   `index frequency_Hz intensity` (counts).
 * - rtl-power-fftw: blocks of `# Acquisition start: YYYY-MM-DD HH:MM:SS UTC`
 *   (and end) headers, then `frequency_Hz power` rows. The header says dB/Hz
 *   but the values are linear power (both real sets show it: ≈ 2e-5); a block
 *   with negative values is read as dB and converted.
 * - rtl_power CSV: `date, time, Hz low, Hz high, Hz step, samples, dB, dB, …`,
 *   one row per hop; the rows of one sweep (same date and time) joined in
 *   frequency order into one spectrum, dB converted to linear power.
 * - a plain two-column CSV (comma, tab or space separated, an optional header
 *   line): frequency (Hz or MHz, told apart by size) or velocity (km/s, radio
 *   convention) against power or brightness temperature.
 */

export class SpectraError extends Error {
  override name = 'SpectraError';
  readonly line: number;
  constructor(line: number, message: string) {
    super(line > 0 ? `line ${line}: ${message}` : message);
    this.line = line;
  }
}

export type SpectraFormat = 'nsf-ast' | 'rtl-power-fftw' | 'rtl-power-csv' | 'two-column-csv';

export interface SpectrumRecord {
  /** Start of the average (Unix s), or null when the file does not say. */
  time: number | null;
  /** End of the average (Unix s), when the file says. */
  end?: number;
  /** The axis values (Hz or km/s, as SpectraFile.axis says), as in the file. */
  x: Float64Array;
  /** The values (file units). */
  y: Float64Array;
  /** 1-based line where the spectrum starts. */
  line: number;
}

export interface SpectraFile {
  format: SpectraFormat;
  /** What x is: sky frequency (Hz) or radio-convention velocity (km/s). */
  axis: 'frequency' | 'velocity';
  /** What y is: the file's words (e.g. 'counts', 'linear power', 'K'). */
  unit: string;
  /** Whether y is a brightness temperature (kelvin). */
  kelvin: boolean;
  spectra: SpectrumRecord[];
  /** Header keys (NSF files), verbatim. */
  header: Record<string, string>;
  /** What the reader assumed, one sentence each. */
  notes: string[];
}

const num = (t: string) => (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t.trim()) ? Number(t) : NaN);

/** A sexagesimal `[+-]DD:MM:SS.s` (or a plain number) to a number of the first unit. */
export function sexagesimal(text: string): number {
  const t = text.trim();
  if (!t.includes(':')) return num(t);
  const neg = t.startsWith('-');
  const parts = t.replace(/^[-+]/, '').split(':').map(num);
  if (parts.some((p) => !Number.isFinite(p))) return NaN;
  const v = parts[0]! + (parts[1] ?? 0) / 60 + (parts[2] ?? 0) / 3600;
  return neg ? -v : v;
}

/** `YYYY-MM-DD[ T]HH:MM:SS[.s]` read as UTC to Unix seconds, NaN when it is not one. */
export function utcSeconds(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T_](\d{2}):(\d{2}):(\d{2}(\.\d+)?)\s*(UTC|Z)?$/.exec(text.trim());
  if (!m) return NaN;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, 0) / 1000 + Number(m[6]);
}

/** gr-radio_astro / NSF `.ast` / `.hot`. */
export function parseNsfAst(text: string): SpectraFile {
  const header: Record<string, string> = {};
  const x: number[] = [], y: number[] = [];
  let first = 0;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    if (line.startsWith('#')) {
      const m = /^#\s*([A-Za-z_][\w-]*)\s*=\s*(.*)$/.exec(line);
      if (m) header[m[1]!.toUpperCase()] = m[2]!.trim();
      return;
    }
    const f = line.split(/\s+/).map(num);
    if (f.length !== 3 || f.some((v) => !Number.isFinite(v))) throw new SpectraError(i + 1, `expected 'index frequency_Hz intensity', got '${line.slice(0, 60)}'`);
    if (!first) first = i + 1;
    x.push(f[1]!);
    y.push(f[2]!);
  });
  if (x.length === 0) throw new SpectraError(0, 'no spectrum rows (index frequency_Hz intensity) after the header.');
  const nchan = header.NCHAN ? num(header.NCHAN) : x.length;
  if (nchan !== x.length) throw new SpectraError(0, `the header says NCHAN = ${header.NCHAN} but the file has ${x.length} rows.`);
  const time = header.UTC ? utcSeconds(header.UTC) : NaN;
  const duration = header.DURATION ? num(header.DURATION) : NaN;
  const notes: string[] = [];
  if (header.BUNIT && !/count/i.test(header.BUNIT)) notes.push(`BUNIT = ${header.BUNIT}`);
  return {
    format: 'nsf-ast', axis: 'frequency', unit: header.BUNIT || 'counts', kelvin: /^k(elvin)?$/i.test(header.BUNIT ?? ''), header, notes,
    spectra: [{ time: Number.isFinite(time) ? time : null, ...(Number.isFinite(time) && Number.isFinite(duration) ? { end: time + duration } : {}), x: Float64Array.from(x), y: Float64Array.from(y), line: first }],
  };
}

/** rtl-power-fftw text blocks. */
export function parseRtlPowerFftw(text: string): SpectraFile {
  const spectra: SpectrumRecord[] = [];
  let cur: { time: number | null; end?: number; x: number[]; y: number[]; line: number } | null = null;
  const flush = () => {
    if (cur && cur.x.length) spectra.push({ time: cur.time, ...(cur.end !== undefined ? { end: cur.end } : {}), x: Float64Array.from(cur.x), y: Float64Array.from(cur.y), line: cur.line });
    cur = null;
  };
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') {
      flush();
      return;
    }
    if (line.startsWith('#')) {
      const start = /^#\s*Acquisition start:\s*(.+)$/i.exec(line);
      const end = /^#\s*Acquisition end:\s*(.+)$/i.exec(line);
      if (/rtl-power-fftw output/i.test(line)) flush();
      if (start) {
        flush();
        const t = utcSeconds(start[1]!);
        if (!Number.isFinite(t)) throw new SpectraError(i + 1, `cannot read the acquisition start '${start[1]}' (expected YYYY-MM-DD HH:MM:SS UTC)`);
        cur = { time: t, x: [], y: [], line: i + 1 };
      } else if (end && cur) {
        const t = utcSeconds(end[1]!);
        if (Number.isFinite(t)) cur.end = t;
      }
      return;
    }
    const f = line.split(/\s+/).map(num);
    if (f.length !== 2 || f.some((v) => !Number.isFinite(v))) throw new SpectraError(i + 1, `expected 'frequency_Hz power', got '${line.slice(0, 60)}'`);
    cur ??= { time: null, x: [], y: [], line: i + 1 };
    cur.x.push(f[0]!);
    cur.y.push(f[1]!);
  });
  flush();
  if (spectra.length === 0) throw new SpectraError(0, 'no spectrum blocks (frequency_Hz power rows).');
  const notes: string[] = [];
  let unit = 'linear power (the header says dB/Hz; the values are linear)';
  if (spectra.some((s) => s.y.some((v) => v < 0))) {
    for (const s of spectra) for (let j = 0; j < s.y.length; j++) s.y[j] = 10 ** (s.y[j]! / 10);
    unit = 'linear power (from the file\'s dB)';
    notes.push('negative values read as dB and converted to linear power');
  }
  return { format: 'rtl-power-fftw', axis: 'frequency', unit, kelvin: false, header: {}, notes, spectra };
}

/** rtl_power CSV (one row per hop; rows of the same date and time form one sweep). */
export function parseRtlPowerCsv(text: string): SpectraFile {
  const sweeps = new Map<string, { time: number; line: number; bins: [number, number][] }>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const f = line.split(',').map((s) => s.trim());
    const t = utcSeconds(`${f[0]} ${f[1]}`);
    const [lo, , step, samples] = f.slice(2, 6).map(num);
    if (f.length < 7 || !Number.isFinite(t) || ![lo, step, samples].every(Number.isFinite) || !(step! > 0)) {
      throw new SpectraError(i + 1, `expected 'date, time, Hz low, Hz high, Hz step, samples, dB, …', got '${line.slice(0, 60)}'`);
    }
    const key = `${f[0]} ${f[1]}`;
    let s = sweeps.get(key);
    if (!s) sweeps.set(key, (s = { time: t, line: i + 1, bins: [] }));
    f.slice(6).forEach((v, k) => {
      const db = num(v);
      if (!Number.isFinite(db)) throw new SpectraError(i + 1, `bin ${k + 1} is '${v}', not a number of dB`);
      s!.bins.push([lo! + (k + 0.5) * step!, 10 ** (db / 10)]);
    });
  });
  if (sweeps.size === 0) throw new SpectraError(0, 'no rtl_power rows.');
  const spectra = [...sweeps.values()].map((s) => {
    s.bins.sort((a, b) => a[0] - b[0]);
    return { time: s.time, x: Float64Array.from(s.bins, (b) => b[0]), y: Float64Array.from(s.bins, (b) => b[1]), line: s.line };
  });
  return { format: 'rtl-power-csv', axis: 'frequency', unit: 'linear power (from the file\'s dB)', kelvin: false, header: {}, notes: ['bin centres at Hz low + (k + ½)·step; rtl_power (the local time it writes) read as UTC unless --time is given'], spectra };
}

/**
 * A two-column CSV. `axis` says what the first column is when the header
 * does not (a header word with 'v' or 'vel' means velocity, 'f' or 'freq'
 * frequency). Kelvin when the header's second word says T/temperature/K, or
 * `kelvin` is set.
 */
export function parseTwoColumnCsv(text: string, options: { axis?: 'frequency' | 'velocity'; kelvin?: boolean } = {}): SpectraFile {
  const x: number[] = [], y: number[] = [];
  let headerWords: string[] | null = null;
  let first = 0;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const f = line.split(/\s*[,;\t ]\s*/).filter((s) => s !== '');
    const v = f.map(num);
    if (f.length >= 2 && Number.isFinite(v[0]) && Number.isFinite(v[1])) {
      if (f.length !== 2) throw new SpectraError(i + 1, `expected two columns, got ${f.length}`);
      if (!first) first = i + 1;
      x.push(v[0]!);
      y.push(v[1]!);
    } else if (x.length === 0 && headerWords === null) headerWords = f;
    else throw new SpectraError(i + 1, `expected two numbers, got '${line.slice(0, 60)}'`);
  });
  if (x.length < 8) throw new SpectraError(0, `only ${x.length} rows of two numbers; a spectrum needs more.`);
  const notes: string[] = [];
  const h = (headerWords ?? []).map((w: string) => w.toLowerCase());
  const headerAxis = h[0] ? (/^(v|vel)|velocity|v_?lsr|km/.test(h[0]) ? 'velocity' : /^f|freq|hz/.test(h[0]) ? 'frequency' : undefined) : undefined;
  const axis = options.axis ?? headerAxis ?? (Math.abs(x[0]!) > 1000 ? 'frequency' : undefined);
  if (!axis) throw new SpectraError(0, `cannot tell whether the first column (${x[0]} …) is a frequency or a velocity: give --axis frequency or --axis velocity.`);
  if (options.axis && headerAxis && options.axis !== headerAxis) notes.push(`--axis ${options.axis} overrides the header's '${h[0]}'`);
  let xs = x;
  if (axis === 'frequency') {
    const mean = x.reduce((a, b) => a + b, 0) / x.length;
    if (mean > 1e3 && mean < 1e5) {
      xs = x.map((v) => v * 1e6);
      notes.push('frequencies read as MHz (values near 1420)');
    } else if (mean < 1e8) throw new SpectraError(0, `frequencies around ${mean} are neither MHz nor Hz of an L-band spectrum.`);
  }
  const kelvin = options.kelvin ?? (h[1] !== undefined && /^t(_|$|b)|temp|bright|kelvin|\(k\)|_k$/.test(h[1]));
  return {
    format: 'two-column-csv', axis, unit: kelvin ? 'K' : 'relative power', kelvin, header: headerWords ? { columns: (headerWords as string[]).join(',') } : {}, notes,
    spectra: [{ time: null, x: Float64Array.from(xs), y: Float64Array.from(y), line: first }],
  };
}

/** Which of these formats a file is, from its name and first lines; null when none fits. */
export function detectSpectraFormat(name: string, head: string): SpectraFormat | null {
  const base = name.replace(/\.gz$/i, '');
  if (/\.(ast|hot|cold)$/i.test(base)) return 'nsf-ast';
  const lines = head.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  if (lines.some((l) => /^#\s*rtl-power-fftw/i.test(l) || /^#\s*Acquisition start:/i.test(l))) return 'rtl-power-fftw';
  if (lines.slice(0, 3).some((l) => /^#\s*(NOTEA|CenterFreq|OBSFREQ|NCHAN)\s*=/i.test(l))) return 'nsf-ast';
  const data = lines.filter((l) => !l.startsWith('#'));
  if (data[0] && /^\d{4}-\d{2}-\d{2}\s*,\s*\d{1,2}:\d{2}:\d{2}\s*,/.test(data[0])) return 'rtl-power-csv';
  // Two columns with a numeric first one (after at most one header line): a strip chart's first column is a UTC time instead.
  const rows = data.slice(0, 6).map((l) => l.split(/\s*[,;\t ]\s*/).filter((s) => s !== ''));
  const numeric = rows.filter((r) => r.length === 2 && r.every((s) => Number.isFinite(num(s))));
  if (numeric.length >= Math.min(rows.length, 5) - 1 && numeric.length >= 1) return 'two-column-csv';
  return null;
}

/** Parses text in a detected format. */
export function parseSpectra(format: SpectraFormat, text: string, options: { axis?: 'frequency' | 'velocity'; kelvin?: boolean } = {}): SpectraFile {
  switch (format) {
    case 'nsf-ast': return parseNsfAst(text);
    case 'rtl-power-fftw': return parseRtlPowerFftw(text);
    case 'rtl-power-csv': return parseRtlPowerCsv(text);
    case 'two-column-csv': return parseTwoColumnCsv(text, options);
  }
}
