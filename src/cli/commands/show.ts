/** `fringe show ID`: one observation in full. */
import { isUsageProblem, observationSummary, openStore } from '../../../observations/cli-support.ts';
import { UploadQueue } from '../../../observations/upload/queue.ts';
import { type Command, UsageError, dbOption, exitCodes, observationId, parseCommandLine } from '../command.ts';

const help = `Usage: fringe show ID [--json] [--db DIR]

Shows one observation: mode, target, status, times, the full configuration,
events, raw recordings, exports and upload jobs.

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
          site: obs.siteId != null ? store.getSite(obs.siteId) : null,
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
          `  site          ${detail.site ? `${detail.site.name} (${detail.site.latitude}°, ${detail.site.longitude}°, ${detail.site.altitude} m)` : '-'}`,
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
