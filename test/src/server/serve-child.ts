/**
 * `fringe serve` as a child process, through the real bin (bin/fringe.js),
 * as a user or a service manager runs it: resolves once it prints the
 * address to open; `stop(signal)` measures how long it takes to exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const repoRoot = new URL('../../../', import.meta.url).pathname;

export interface ServeChild {
  child: ChildProcess;
  pid: number;
  port: number;
  /** The address it printed (with the token when one is needed). */
  url: string;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
  /** Sends `signal` and resolves when the process has exited: how long it took (ms), its exit code or the signal that ended it. */
  stop(signal?: NodeJS.Signals, ceilingMs?: number): Promise<{ ms: number; code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `fringe serve --port 0` with `args` (e.g. --db DIR), with --no-ui-build unless `buildUi`;
 * rejects with its stderr if it prints no address within `timeoutMs`.
 */
export function startServe(args: string[], timeoutMs = 60_000, o: { buildUi?: boolean } = {}): Promise<ServeChild> {
  const child = spawn(process.execPath, [join(repoRoot, 'bin/fringe.js'), 'serve', '--port', '0', ...(o.buildUi ? [] : ['--no-ui-build']), ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '', out = '';
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  const stop: ServeChild['stop'] = async (signal = 'SIGTERM', ceilingMs = 10_000) => {
    const t0 = performance.now();
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const kill = setTimeout(() => child.kill('SIGKILL'), ceilingMs);
    const r = await exited;
    clearTimeout(kill);
    return { ms: performance.now() - t0, ...r };
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop('SIGKILL');
      reject(new Error(`fringe serve printed no address in ${timeoutMs} ms:\n${err}`));
    }, timeoutMs);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`fringe serve exited (${code ?? signal}) before printing its address:\n${err}`));
    });
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /^(http:\/\/[^\s]+:(\d+)\/\S*)$/m.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolve({ child, pid: child.pid!, port: Number(m[2]), url: m[1]!, stderr: () => err, stop });
    });
  });
}
