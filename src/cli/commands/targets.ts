/** `fringe targets add|list|remove`: where uploads go, with credentials kept outside the database. */
import { isUsageProblem } from '../../../observations/cli-support.ts';
import { resolveDataDir } from '../../../observations/paths.ts';
import { TargetStore, type Target } from '../../../observations/upload/targets.ts';
import { mkdirSync } from 'node:fs';
import { type Command, UsageError, dbOption, exitCodes, parseCommandLine } from '../command.ts';

const help = `Usage: fringe targets add NAME --url URL [options]
       fringe targets list [--json]
       fringe targets remove NAME

Upload targets. Credentials are kept in targets.json in the data folder
(mode 0600), never in the observation database, and never printed.

add options:
  --url URL            https://… or http://… (HTTP), ftp://host[:port]/folder (FTP; folder relative to the login folder)
  --method M           HTTP: PUT (to URL/NAME, default) or POST (multipart/form-data to URL)
  --token-env VAR      HTTP: read the bearer token from environment variable VAR
  --token TOKEN        HTTP: the bearer token (visible in shell history; prefer --token-env)
  --user USER          FTP: user name (default anonymous)
  --password-env VAR   FTP: read the password from environment variable VAR
  --db DIR             data folder (default: FRINGE_DATA_DIR, else the platform's user-data folder)

Exit codes: 0 done, 1 the targets file could not be written, 2 bad usage or no such target.`;

/** The command line read: pure; UsageError for every mistake it can see without the environment. */
export function parse(argv: string[]) {
  const { values, positionals } = parseCommandLine({
    args: argv, allowPositionals: true,
    options: {
      url: { type: 'string' }, method: { type: 'string' }, token: { type: 'string' }, 'token-env': { type: 'string' },
      user: { type: 'string' }, 'password-env': { type: 'string' }, json: { type: 'boolean' }, db: { type: 'string' },
    },
  });
  const [action, name, ...rest] = positionals;
  if (rest.length) throw new UsageError(`unexpected '${rest.join(' ')}'.`);
  if (action !== 'add' && action !== 'list' && action !== 'remove') throw new UsageError('give add, list or remove.');
  dbOption(values.db);
  return { values, action, name };
}

export const command: Command = {
  name: 'targets',
  summary: 'Add, list or remove upload targets (HTTP, FTP)',
  help,
  parse,
  async run(argv) {
    const { values, action, name } = parse(argv);
    const fromEnv = (flag: string, v: string | undefined): string | undefined => {
      if (v === undefined) return undefined;
      const s = process.env[v];
      if (!s) throw new UsageError(`${flag}: environment variable ${v} is not set.`);
      return s;
    };
    try {
      const dir = resolveDataDir(dbOption(values.db));
      const targets = new TargetStore(dir);
      switch (action) {
        case 'list': {
          const list = targets.list();
          if (values.json) console.log(JSON.stringify(list, null, 2));
          else if (list.length === 0) console.log("No upload targets; add one with 'fringe targets add'.");
          else for (const t of list) console.log(`${t.name.padEnd(16)} ${t.kind.padEnd(5)} ${t.method ?? ''}${t.method ? ' ' : ''}${t.url}${t.secret ? '  (credentials set)' : ''}`);
          return exitCodes.ok;
        }
        case 'add': {
          if (!name) throw new UsageError('targets add needs a NAME.');
          if (!values.url) throw new UsageError('targets add needs --url.');
          const isFtp = values.url.startsWith('ftp:');
          let target: Target;
          if (isFtp) {
            if (values.method || values.token || values['token-env']) throw new UsageError('--method and tokens are for HTTP targets.');
            target = { name, kind: 'ftp', url: values.url, username: values.user, password: fromEnv('--password-env', values['password-env']) };
          } else {
            if (values.user || values['password-env']) throw new UsageError('--user and --password-env are for FTP targets.');
            const method = (values.method ?? 'PUT').toUpperCase();
            if (method !== 'PUT' && method !== 'POST') throw new UsageError('--method must be PUT or POST.');
            target = { name, kind: 'http', url: values.url, method, token: values.token ?? fromEnv('--token-env', values['token-env']) };
          }
          mkdirSync(dir, { recursive: true });
          const added = targets.add(target);
          console.log(`Added ${added.kind} target ${added.name}: ${added.url}${added.secret ? ' (credentials stored in targets.json, mode 0600)' : ''}`);
          return exitCodes.ok;
        }
        case 'remove': {
          if (!name) throw new UsageError('targets remove needs a NAME.');
          targets.remove(name);
          console.log(`Removed target ${name}.`);
          return exitCodes.ok;
        }
        default:
          throw new UsageError('give add, list or remove.');
      }
    } catch (err) {
      if (isUsageProblem(err)) throw new UsageError((err as Error).message);
      throw err;
    }
  },
};
