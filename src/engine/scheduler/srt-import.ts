/**
 * Haystack SRT command files (SRT Memo 17; srt-py's docs/command_files.md)
 * into scheduled jobs, for users coming from that software.
 *
 * The file is played on a timeline from its start: `azel AZ EL`,
 * `galactic L B`, `radec RA DEC` (hh:mm:ss and ±dd:mm:ss, or degrees) or a
 * named source (`Sun`, `Moon`, `Cas`, `Cyg`, `Tau`, `Vir`, `SgrA`…) set
 * where the dish points; `offset AZ EL` moves an az/el pointing; `freq MHZ`
 * tunes; `record [FILE]` and `roff` start and end recording; `wait N`,
 * `:N` (alone or before a command), `LST:hh:mm:ss` and
 * `yyyy:ddd:hh:mm:ss` (UT) wait. Each stretch of recording on one pointing
 * and frequency becomes one spectrum job at its time. A leading ':' is
 * optional, `*` starts a comment. Commands with no Fringe meaning here
 * (calibrate, stow, cal, n-point scans) are refused with their line, so a
 * file never runs other than it reads.
 */
import type { JobSpecInput } from '../../api/inputs.ts';
import type { Site } from '../../astro/site.ts';
import { catalogue, nextLst as lstAfter } from '../../astro/targets.ts';
import { firstStart, ScheduleError, startRule } from './plan.ts';

/** SRT catalogue names (srt.cat) for the sources Fringe knows. */
const srtNames: Record<string, string> = {
  sun: 'sun', moon: 'moon', cas: 'Cas A', casa: 'Cas A', cyg: 'Cyg A', cyga: 'Cyg A', tau: 'Tau A', taua: 'Tau A', crab: 'Tau A',
  vir: 'Vir A', vira: 'Vir A', sgra: 'Sgr A', sgr: 'Sgr A',
};

function angle(text: string, hours: boolean): number {
  if (text.includes(':')) {
    const neg = text.trim().startsWith('-');
    const [a, b = '0', c = '0'] = text.replace(/^[-+]/, '').split(':');
    const v = Number(a) + Number(b) / 60 + Number(c) / 3600;
    if (!Number.isFinite(v)) throw new Error(`'${text}' is not an angle`);
    return (neg ? -v : v) * (hours ? 15 : 1);
  }
  const v = Number(text);
  if (!Number.isFinite(v)) throw new Error(`'${text}' is not a number`);
  return v;
}

export interface SrtImportOptions {
  /** Sample source of the jobs (as fringe observe). */
  source: string;
  /** When the file starts: a start as fringe schedule add takes it (ISO, in:S, lst:, transit:…). */
  start: string;
  site: Site;
  /** Now on the sky clock (ms). */
  now: number;
}

export function importSrtCommands(text: string, o: SrtImportOptions): JobSpecInput[] {
  let t = firstStart(startRule(o.start, o.now), o.site, o.now, 0);
  let target: string | null = null;
  let azel: { az: number; el: number } | null = null;
  let freq: number | undefined;
  let recording = false;
  let segment: { start: number; target: string; freq: number | undefined } | null = null;
  const jobs: JobSpecInput[] = [];
  const close = () => {
    if (segment && t > segment.start) {
      jobs.push({ mode: 'spectrum', source: o.source, target: segment.target, start: new Date(segment.start).toISOString(), duration: Math.round((t - segment.start) / 100) / 10, ...(segment.freq ? { frequency: segment.freq } : {}) });
    }
    segment = null;
  };
  const open = () => {
    if (recording && target) segment = { start: t, target, freq };
  };
  const change = (f: () => void) => {
    close();
    f();
    open();
  };
  const wait = (ms: number) => {
    t += ms;
  };
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const fail = (why: string): never => {
      throw new ScheduleError(`line ${i + 1} ('${raw.trim()}'): ${why}`);
    };
    let line = raw.trim();
    if (line === '' || line.startsWith('*')) return;
    let m: RegExpExecArray | null;
    if ((m = /^LST:(\d\d?):(\d\d):(\d\d)$/i.exec(line))) return void (t = lstAfter(o.site, t, Number(m[1]) + Number(m[2]) / 60 + Number(m[3]) / 3600));
    if ((m = /^(\d{4}):(\d{1,3}):(\d\d):(\d\d):(\d\d)$/.exec(line))) {
      const at = Date.UTC(Number(m[1]), 0, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
      if (at > t) t = at;
      return;
    }
    let after = 0;
    if ((m = /^:(\d+(?:\.\d+)?)\s*(.*)$/.exec(line))) {
      after = Number(m[1]) * 1000;
      line = m[2]!;
    } else if (line.startsWith(':')) line = line.slice(1).trim();
    const [word = '', ...args] = line.split(/\s+/).filter((x) => x !== '');
    const cmd = word.toLowerCase();
    try {
      if (cmd === '') {
        // A wait alone.
      } else if (cmd === 'wait') {
        if (args.length !== 1 || !(Number(args[0]) >= 0)) fail('wait needs seconds');
        after += Number(args[0]) * 1000;
      } else if (cmd === 'azel') {
        if (args.length !== 2) fail('azel needs AZ EL in degrees');
        const [az, el] = args.map((a) => angle(a, false)) as [number, number];
        change(() => {
          azel = { az, el };
          target = `azel:${az},${el}`;
        });
      } else if (cmd === 'offset') {
        if (args.length !== 2) fail('offset needs AZ EL in degrees');
        if (!azel) fail('an offset from a tracked source is not supported here: point with azel (offsets apply to it)');
        const [daz, del] = args.map((a) => angle(a, false)) as [number, number];
        change(() => (target = `azel:${azel!.az + daz},${azel!.el + del}`));
      } else if (cmd === 'galactic') {
        if (args.length !== 2) fail('galactic needs L B in degrees');
        change(() => {
          azel = null;
          target = `gal:${angle(args[0]!, false)},${angle(args[1]!, false)}`;
        });
      } else if (cmd === 'radec') {
        if (args.length < 2) fail('radec needs RA (hh:mm:ss or degrees) and Dec');
        const ra = angle(args[0]!, args[0]!.includes(':'));
        const dec = angle(args[1]!, false);
        change(() => {
          azel = null;
          target = `radec:${((ra % 360) + 360) % 360},${dec}`;
        });
      } else if (cmd === 'freq') {
        const mhz = Number(args[0]);
        if (!(mhz > 0)) fail('freq needs a frequency in MHz');
        change(() => (freq = Math.round(mhz * 1e6)));
      } else if (cmd === 'record') {
        change(() => (recording = true));
      } else if (cmd === 'roff') {
        change(() => (recording = false));
      } else if (srtNames[cmd.replace(/[\s_-]/g, '')] || catalogue.some((c) => c.name.toLowerCase().replace(/\s/g, '') === cmd)) {
        const name = srtNames[cmd.replace(/[\s_-]/g, '')] ?? catalogue.find((c) => c.name.toLowerCase().replace(/\s/g, '') === cmd)!.name;
        change(() => {
          azel = null;
          target = name;
        });
      } else fail(`'${word}' is not a command Fringe runs from a command file (azel, offset, galactic, radec, freq, record, roff, wait N, LST:hh:mm:ss, a named source)`);
    } catch (err) {
      if (err instanceof ScheduleError) throw err;
      fail((err as Error).message);
    }
    wait(after);
  });
  close();
  if (jobs.length === 0) throw new ScheduleError('the command file records nothing: it needs a pointing, record, a wait, then roff (or its end)');
  return jobs;
}
