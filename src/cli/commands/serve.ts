/** `fringe serve`: the headless station: the UI and the WebSocket API over HTTP. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { resolveDataDir } from '../../../observations/paths.ts';
import { Station } from '../../engine/station.ts';
import { DryRunClock } from '../../engine/scheduler/clock.ts';
import { serve, type RunningServer } from '../../server/server.ts';
import { isLoopback } from '../../server/guard.ts';
import * as inputs from '../../api/inputs.ts';
import { ensureUiBuilt, repoRoot, uiIsFresh } from '../../server/ui-build.ts';
import { type Command, UsageError, dbOption, exitCodes, option, parseCommandLine, sourceOption } from '../command.ts';

const help = `Usage: fringe serve [--host H] [--port P] [--token T] [--db DIR] [--source SPEC] [--backend cpu|gpu|auto] [--no-ui-build] [--dry-run SPEED]

Runs the station headless (on a Raspberry Pi at the dish, say) and serves its
UI and API; open the printed address in any browser. In a checkout, builds the
UI first when it is missing or older than its sources (as npm start does).
Stops on Ctrl-C or SIGTERM, within 2 s whatever is running.

  --host H       address to listen on                      [127.0.0.1: this machine only]
                 any other address requires a token (generated and printed when not given)
  --port P       TCP port                                  [8417]
  --token T      API token (also required on loopback when given)
  --db DIR       data folder                               [$FRINGE_DATA_DIR or the user-data folder]
  --source SPEC  what the live view starts on              [a dongle if one is found, else sim]
  --backend B    cpu | gpu | auto                          [auto]
  --no-ui-build  serve the API only if the UI is not built, instead of building it
  --dry-run S    the scheduler's sky clock runs S times real time from now (simulator
                 jobs only): tonight's plan in minutes

Scheduled jobs (fringe schedule) run while it serves; one interrupted by a
crash resumes for the rest of its window when it starts again.`;

/** After SIGINT or SIGTERM, the process exits by this deadline (ms) even when something is still stopping: 750 ms of the 2 s promise, leaving the rest for a late timer and the exit itself (the store's last checkpoint, worker threads) on a loaded machine: measured up to 1.1 s at load average 20 on two cores. */
export const stopDeadlineMs = 750;

/** The command line read: pure; UsageError for every mistake. */
export function parse(argv: string[]) {
  const { values } = parseCommandLine({
    args: argv,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '8417' },
      token: { type: 'string' },
      db: { type: 'string' },
      source: { type: 'string' },
      backend: { type: 'string', default: 'auto' },
      'no-ui-build': { type: 'boolean', default: false },
      'dry-run': { type: 'string' },
    },
  });
  // '' is no port (it used to read as 0, a random one); 0 still asks for any free port, as the tests' servers do.
  const port = option('--port', values.port, inputs.listenPort)!;
  if (values.host !== undefined && inputs.hostPortProblem(`${values.host.includes(':') ? `[${values.host}]` : values.host}:1`)) {
    throw new UsageError(`--host must be a host name or an IPv4 or IPv6 address (got '${inputs.printable(values.host)}')`);
  }
  if (values.token !== undefined && values.token.length < 16) throw new UsageError('--token must be at least 16 characters');
  if (values.token !== undefined && !/^[\x21-\x7e]+$/.test(values.token)) throw new UsageError('--token must be printable ASCII without spaces');
  if (!['cpu', 'gpu', 'auto'].includes(values.backend!)) throw new UsageError(`--backend must be cpu, gpu or auto (got '${values.backend}')`);
  if (values.source !== undefined) sourceOption(values.source);
  dbOption(values.db);
  const dryRun = values['dry-run'] === undefined ? null : Number(values['dry-run']);
  if (dryRun !== null && !(/^\d+(\.\d+)?$/.test(values['dry-run']!) && dryRun >= 1 && dryRun <= 100_000)) throw new UsageError(`--dry-run must be a speed from 1 to 100000 times real time (got '${values['dry-run']}')`);
  return { values, port, dryRun };
}

export const command: Command = {
  name: 'serve',
  summary: 'Run the station headless: UI and API over HTTP/WebSocket',
  help,
  parse,
  async run(argv) {
    const { values, port, dryRun } = parse(argv);

    let station: Station | null = null;
    let server: RunningServer | null = null;
    const stop = stopOnSignal(() => station);

    if (!values['no-ui-build']) await Promise.race([buildUi(), stop.signalled]);
    if (stop.stopping) return stop.finish(async () => {});

    station = Station.open(resolveDataDir(values.db), dryRun ? { clock: new DryRunClock(Date.now(), dryRun) } : {});
    station.on('schedule', (j) => process.stderr.write(`schedule: job ${j.id} ${j.state}${j.reason ? `: ${j.reason}` : ''}${j.observation.length ? ` (observations ${j.observation.join(', ')})` : ''}\n`));
    station.scheduler.start();
    server = await serve({ station, host: values.host, port, token: values.token ?? null });
    station.on('error', (e) => process.stderr.write(`station: ${e.message}\n`));
    const source = values.source ?? (await Station.firstDongle()) ?? 'sim';
    const live = station.startLive({ source, backend: values.backend as 'cpu' | 'gpu' | 'auto' }).then(
      (status) => {
        for (const n of status.notices) process.stderr.write(`note: ${n.text}\n`);
      },
      (err: unknown) => process.stderr.write(`station: could not start the live view on ${source}: ${(err as Error).message}\n`),
    );
    await Promise.race([live, stop.signalled]);
    if (!stop.stopping) {
      // The address to open, with the token when one is needed: printed once for the user, never logged.
      const open = server.token ? `${server.url}?token=${encodeURIComponent(server.token)}` : server.url;
      console.log(open);
      if (!isLoopback(values.host!) && values.token === undefined) process.stderr.write('note: a token was generated; it is in the address above\n');
      await stop.signalled;
    }
    const [s, st] = [server, station];
    return stop.finish(async () => {
      await s.close();
      await st.close();
    });
  },
};

/**
 * Builds dist/ui when this is a checkout (src/ui is here) and the build is
 * missing or stale; says so on stderr while it builds. Without Vite (an
 * install without dev dependencies) it says how to build and serves the API.
 */
async function buildUi(): Promise<void> {
  if (!existsSync(join(repoRoot, 'src/ui/index.html')) || uiIsFresh()) return;
  process.stderr.write('fringe serve: building the UI into dist/ui (first run, or its sources changed; this takes a minute)…\n');
  const t0 = performance.now();
  try {
    await ensureUiBuilt();
    process.stderr.write(`fringe serve: built the UI in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  } catch (err) {
    process.stderr.write(`fringe serve: could not build the UI (${(err as Error).message}); serving the API only. Run 'npm run build:ui' to build it.\n`);
  }
}

/**
 * SIGINT and SIGTERM handling, installed before anything starts: the first
 * signal begins a clean stop (`finish`), with a hard deadline after which the
 * store is closed (every integration is already committed in its own
 * transaction) and the process exits anyway; a second signal exits at once
 * the same way.
 */
function stopOnSignal(station: () => Station | null) {
  let stopping = false;
  let deadline: NodeJS.Timeout | null = null;
  const hardExit = (why: string) => {
    process.stderr.write(`fringe serve: ${why}; exiting now (the store is closed; recorded data is kept)\n`);
    const st = station();
    try {
      st?.stopRecording();
    } catch {
      // Closing the store below is what matters.
    }
    try {
      st?.store.close();
    } catch {
      // Already closed.
    }
    process.exit(exitCodes.failure);
  };
  let signalled!: (sig: NodeJS.Signals) => void;
  const signal = new Promise<NodeJS.Signals>((resolve) => (signalled = resolve));
  const on = (sig: NodeJS.Signals) => {
    if (stopping) return hardExit(`${sig} again`);
    stopping = true;
    process.stderr.write(`fringe serve: ${sig}: stopping\n`);
    deadline = setTimeout(() => hardExit(`still stopping after ${stopDeadlineMs} ms`), stopDeadlineMs);
    signalled(sig);
  };
  process.on('SIGINT', on);
  process.on('SIGTERM', on);
  return {
    signalled: signal,
    get stopping() {
      return stopping;
    },
    /** Runs the clean stop; the deadline still holds while it runs and afterwards, should a handle keep the process alive. */
    async finish(close: () => Promise<void>): Promise<number> {
      try {
        await close();
        process.stderr.write('fringe serve: stopped\n');
        return exitCodes.ok;
      } finally {
        if (deadline) clearTimeout(deadline);
        // Whatever a device or library left open must not keep a stopped station alive.
        setTimeout(() => process.exit(), 250).unref();
      }
    },
  };
}
