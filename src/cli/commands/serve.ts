/** `fringe serve`: the headless station: the UI and the WebSocket API over HTTP. */
import { resolveDataDir } from '../../../observations/paths.ts';
import { Station } from '../../engine/station.ts';
import { serve } from '../../server/server.ts';
import { isLoopback } from '../../server/guard.ts';
import { type Command, UsageError, exitCodes, parseCommandLine } from '../command.ts';

const help = `Usage: fringe serve [--host H] [--port P] [--token T] [--db DIR] [--source SPEC] [--backend cpu|gpu|auto]

Runs the station headless (on a Raspberry Pi at the dish, say) and serves its
UI and API; open the printed address in any browser. Stops on Ctrl-C.

  --host H       address to listen on                      [127.0.0.1: this machine only]
                 any other address requires a token (generated and printed when not given)
  --port P       TCP port                                  [8417]
  --token T      API token (also required on loopback when given)
  --db DIR       data folder                               [$FRINGE_DATA_DIR or the user-data folder]
  --source SPEC  what the live view starts on              [a dongle if one is found, else sim]
  --backend B    cpu | gpu | auto                          [auto]`;

export const command: Command = {
  name: 'serve',
  summary: 'Run the station headless: UI and API over HTTP/WebSocket',
  help,
  async run(argv) {
    const { values } = parseCommandLine({
      args: argv,
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '8417' },
        token: { type: 'string' },
        db: { type: 'string' },
        source: { type: 'string' },
        backend: { type: 'string', default: 'auto' },
      },
    });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0 to 65535 (got '${values.port}')`);
    if (values.token !== undefined && values.token.length < 16) throw new UsageError('--token must be at least 16 characters');
    if (!['cpu', 'gpu', 'auto'].includes(values.backend!)) throw new UsageError(`--backend must be cpu, gpu or auto (got '${values.backend}')`);
    const station = Station.open(resolveDataDir(values.db));
    const server = await serve({ station, host: values.host, port, token: values.token ?? null });
    station.on('error', (e) => process.stderr.write(`station: ${e.message}\n`));
    const source = values.source ?? (await Station.firstDongle()) ?? 'sim';
    try {
      const status = await station.startLive({ source, backend: values.backend as 'cpu' | 'gpu' | 'auto' });
      for (const n of status.notices) process.stderr.write(`note: ${n.text}\n`);
    } catch (err) {
      process.stderr.write(`station: could not start the live view on ${source}: ${(err as Error).message}\n`);
    }
    // The address to open, with the token when one is needed: printed once for the user, never logged.
    const open = server.token ? `${server.url}?token=${encodeURIComponent(server.token)}` : server.url;
    console.log(open);
    if (!isLoopback(values.host!) && values.token === undefined) process.stderr.write('note: a token was generated; it is in the address above\n');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await server.close();
    await station.close();
    return exitCodes.ok;
  },
};
