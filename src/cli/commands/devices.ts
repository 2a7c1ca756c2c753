/** `fringe devices`: what the station can listen to: dongles, rtl_tcp endpoints (probed), the simulator's scenarios. */
import { resolveDataDir } from '../../../observations/paths.ts';
import { loadSettings } from '../../engine/settings.ts';
import { discoverSources, probeTimeoutMs, type Sources } from '../../engine/sources.ts';
import { printable } from '../../api/inputs.ts';
import { type Command, UsageError, exitCodes } from '../command.ts';

const help = `Usage: fringe devices [--json] [--library PATH] [--db DIR]

Lists what the station can listen to, with the source spec to give
'fringe record --source' or 'fringe serve --source':
  - the RTL-SDR dongles plugged in, by index and USB serial (rtlsdr:INDEX, rtlsdr:SERIAL);
  - the rtl_tcp servers listed on the Station page (rtltcp:HOST:PORT), each
    probed (connect, read its greeting, hang up; ${probeTimeoutMs / 1000} s at most):
    reachable with its tuner, or why not (refused, timed out, not an rtl_tcp server);
  - the simulator's scenarios (sim), the selected one marked *.

Options:
  --json           print {dongles: {available, devices, note}, rtlTcp: [...], simulator: {scenarios, selected}}
  --library PATH   the librtlsdr file to use (default: $FRINGE_LIBRTLSDR, else the system's)
  --db DIR         data folder whose station.json lists the rtl_tcp servers [$FRINGE_DATA_DIR or the user-data folder]

Exit codes: 0 listed (possibly no dongles), 1 librtlsdr is not installed or failed (the rest is still listed), 2 bad usage.`;

/** The listing as text, one source per line. */
export function formatSources(s: Sources): string[] {
  const out: string[] = ['RTL-SDR dongles (librtlsdr):'];
  for (const d of s.dongles.devices) {
    const usb = [d.manufacturer, d.product].filter(Boolean).join(' ');
    out.push(`  ${String(d.index).padEnd(3)} ${d.name}${usb ? `  (${usb})` : ''}  serial ${d.serial || '(unreadable: in use?)'}`);
  }
  if (s.dongles.note && s.dongles.available) out.push(`  ${s.dongles.note}`);
  if (!s.dongles.available) out.push('  none: librtlsdr is not available (see the message below)');
  out.push('rtl_tcp servers (add them on the Station page):');
  if (s.rtlTcp.length === 0) out.push('  none listed');
  const width = Math.max(0, ...s.rtlTcp.map((e) => e.endpoint.length));
  for (const e of s.rtlTcp) {
    out.push(
      `  ${e.endpoint.padEnd(width)}  ` +
        (e.reachable ? `reachable: ${e.tuner}, ${e.gains} gains${e.inUse ? ' (in use)' : ''}` : `unreachable (${e.reason}): ${e.detail}`),
    );
  }
  out.push('Simulator scenarios (sim; choose one on the Station page):');
  const named = s.simulator.scenarios.map((c) => ({ ...c, label: c.name ?? 'default' }));
  const w = Math.max(...named.map((c) => c.label.length));
  for (const c of named) out.push(`${c.name === s.simulator.selected ? '*' : ' '} ${c.label.padEnd(w)}  ${c.description}`);
  if (s.simulator.selected !== null && !named.some((c) => c.name === s.simulator.selected)) out.push(`* ${s.simulator.selected}  (a scenario file set in station.json)`);
  return out;
}

/** The command line read: pure; UsageError for every mistake. */
export function parse(argv: string[]): { json: boolean; library?: string; db?: string } {
  let json = false;
  let library: string | undefined;
  let db: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') json = true;
    else if (a === '--library') {
      library = argv[++i];
      if (!library || library.includes('\u0000')) throw new UsageError('--library needs a path.');
    } else if (a === '--db') {
      db = argv[++i];
      if (!db || db.trim() === '' || db.includes('\u0000')) throw new UsageError('--db needs a folder.');
    } else throw new UsageError(`unknown option '${printable(a)}'.`);
  }
  return { json, ...(library ? { library } : {}), ...(db ? { db } : {}) };
}

export const command: Command = {
  name: 'devices',
  summary: 'List dongles, rtl_tcp servers (probed) and simulator scenarios',
  help,
  parse,
  async run(argv) {
    const { json, library, db } = parse(argv);
    const settings = loadSettings(resolveDataDir(db));
    const sources = await discoverSources({ endpoints: settings.rtlTcpEndpoints, scenario: settings.scenario, ...(library ? { library } : {}) });
    if (json) console.log(JSON.stringify(sources, null, 2));
    else for (const line of formatSources(sources)) console.log(line);
    if (!sources.dongles.available) {
      console.error(`fringe devices: ${sources.dongles.note}`);
      return exitCodes.failure;
    }
    return exitCodes.ok;
  },
};
