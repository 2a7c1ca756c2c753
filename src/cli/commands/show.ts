/** `fringe show ID`: one observation in full. */
import { isUsageProblem, observationSummary, openStore } from '../../../observations/cli-support.ts';
import { observationSite, pointings, sourceDescription } from '../../../observations/export/coordinates.ts';
import type { ObservationPointing } from '../../../observations/store/types.ts';
import { UploadQueue } from '../../../observations/upload/queue.ts';
import { type Command, UsageError, dbOption, exitCodes, observationId, parseCommandLine } from '../command.ts';

const help = `Usage: fringe show ID [--json] [--db DIR]

Shows one observation: mode, target, status, times, the receiver, the site,
where the dish pointed (az/el, RA/Dec J2000, galactic l/b) and the sky clock
the times were read from, the full configuration, events, raw recordings,
exports and upload jobs.

Options:
  --json          print one JSON object
  --db DIR        data folder (default: FRINGE_DATA_DIR, else the platform's user-data folder)

Exit codes: 0 shown, 1 the store could not be read, 2 bad usage or no such observation.`;

/** The command line read: pure; UsageError for every mistake. */
export function parse(argv: string[]): { id: number; json: boolean; db: string | undefined } {
  const { values, positionals } = parseCommandLine({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' }, db: { type: 'string' } } });
  return { id: observationId(positionals), json: values.json ?? false, db: dbOption(values.db) };
}

export const command: Command = {
  name: 'show',
  summary: 'Show one observation with its configuration, events, files and uploads',
  help,
  parse,
  async run(argv) {
    const { id, ...values } = parse(argv);
    try {
      const store = openStore(values.db);
      try {
        const obs = store.getObservation(id);
        const detail = {
          ...observationSummary(obs),
          interruptedReason: obs.interruptedReason,
          softwareVersion: obs.softwareVersion,
          receiver: sourceDescription(obs.config),
          site: observationSite(store, obs),
          pointing: pointings(store, obs).map(({ time, ...where }) => ({ time: new Date(time * 1000).toISOString(), ...where })),
          clock: obs.config.clock ?? null,
          config: obs.config,
          events: store.events(id).map((e) => ({ time: new Date(e.time * 1000).toISOString(), kind: e.kind, data: e.data })),
          rawRecordings: store.rawRecordings(id),
          exports: store.exports(id),
          uploads: new UploadQueue(store).jobs({ observationId: id }).map((j) => ({ id: j.id, target: j.target, remoteName: j.remoteName, state: j.state, attempts: j.attempts, lastError: j.lastError })),
        };
        if (values.json) {
          console.log(JSON.stringify(detail, null, 2));
          return exitCodes.ok;
        }
        const t = obs.config.tuning;
        const lines = [
          `Observation ${obs.id}: ${obs.mode}${obs.target ? ` of ${obs.target}` : ''}`,
          `  status        ${obs.status}${obs.interruptedReason ? ` (${obs.interruptedReason})` : ''}`,
          `  start         ${detail.start}`,
          `  end           ${detail.end ?? '-'}`,
          `  integrations  ${obs.integrations}`,
          `  tuning        ${(t.centerFrequency / 1e6).toFixed(6)} MHz, ${(t.sampleRate / 1e6).toFixed(3)} MS/s${t.gain !== undefined ? `, gain ${t.gain} dB` : ''}`,
          `  correlator    ${obs.config.fx.inputs} inputs, ${obs.config.fx.channels} channels, ${obs.config.fx.spectraPerIntegration} spectra/integration, ${obs.config.fx.mode ?? 'full'}`,
          `  receiver      ${detail.receiver ?? '-'}`,
          `  site          ${detail.site ? `${detail.site.name} (${detail.site.lat}°, ${detail.site.lon}°, ${detail.site.altitude} m)` : '-'}`,
          `  pointing      ${detail.pointing[0] ? describePointing(detail.pointing[0]) : '-'}`,
          ...(detail.pointing.length > 1 ? [`  moves         ${detail.pointing.length - 1}, the last at ${detail.pointing.at(-1)!.time}: ${describePointing(detail.pointing.at(-1)!)}`] : []),
          `  sky clock     ${detail.clock ? (detail.clock.kind === 'real' ? 'real time' : `simulated, ${detail.clock.speed}× real time`) : '-'}`,
          `  software      Fringe ${obs.softwareVersion}`,
          `  events        ${detail.events.length}`,
          ...detail.rawRecordings.map((r) => `  raw           ${r.path} (${r.datatype}, ${r.sampleRate} Hz)`),
          ...detail.exports.map((e) => `  export        ${e.format} ${e.path} (${e.bytes} bytes)`),
          ...detail.uploads.map((u) => `  upload        #${u.id} ${u.remoteName} → ${u.target}: ${u.state}, ${u.attempts} attempt(s)${u.lastError ? ` — ${u.lastError}` : ''}`),
        ];
        console.log(lines.join('\n'));
        return exitCodes.ok;
      } finally {
        store.close();
      }
    } catch (err) {
      if (isUsageProblem(err)) throw new UsageError((err as Error).message);
      throw err;
    }
  },
};

/** Degrees as ±DD°MM′SS″ (declination, latitude). */
function sexagesimalDeg(deg: number): string {
  const sign = deg < 0 ? '-' : '+';
  const arcsec = Math.round(Math.abs(deg) * 3600);
  return `${sign}${String(Math.floor(arcsec / 3600)).padStart(2, '0')}°${String(Math.floor(arcsec / 60) % 60).padStart(2, '0')}′${String(arcsec % 60).padStart(2, '0')}″`;
}

/** Degrees of right ascension as HHhMMmSS.Ss. */
function sexagesimalHours(deg: number): string {
  const tenths = Math.round((((deg % 360) + 360) % 360) / 15 * 36000) % (24 * 36000);
  const h = Math.floor(tenths / 36000), m = Math.floor(tenths / 600) % 60, s = (tenths % 600) / 10;
  return `${String(h).padStart(2, '0')}h${String(m).padStart(2, '0')}m${s.toFixed(1).padStart(4, '0')}s`;
}

/** One line: az/el, RA/Dec (degrees and sexagesimal), l/b, and who said so; the parts that were recorded. */
function describePointing(p: ObservationPointing): string {
  const parts: string[] = [];
  if (p.az !== undefined && p.el !== undefined) parts.push(`az ${p.az.toFixed(2)}° el ${p.el.toFixed(2)}°`);
  if (Number.isFinite(p.ra) && Number.isFinite(p.dec)) parts.push(`RA ${p.ra.toFixed(3)}° Dec ${p.dec.toFixed(3)}° (${sexagesimalHours(p.ra)} ${sexagesimalDeg(p.dec)} J2000)`);
  if (p.l !== undefined && p.b !== undefined) parts.push(`l ${p.l.toFixed(2)}° b ${p.b.toFixed(2)}°`);
  return `${parts.join(', ') || 'not recorded'}${p.source ? ` (${p.source})` : ''}`;
}
