/**
 * The engine as a child process: `fringe serve` under the system Node, on a
 * loopback port. The desktop shell and the UI's end-to-end tests both start
 * it this way. (Not inside Electron's own Node: better-sqlite3 and koffi are
 * native modules built for the Node that installed them, and this checkout
 * has no electron-rebuild step.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface Engine {
  /** The address `fringe serve` printed, with ?token= when it has one. */
  url: string;
  port: number;
  token: string | null;
  /** ws://127.0.0.1:PORT/api[?token=…] */
  apiUrl: string;
  /** What it wrote to stderr so far. */
  stderr(): string;
  /** SIGTERM (it stops recording and closes the store), SIGKILL after 10 s. */
  stop(): Promise<void>;
}

export interface EngineOptions {
  /** The checkout (bin/fringe.js lives there). */
  root: string;
  /** Arguments after `fringe serve` (--port 0 is added unless --port is given). */
  args?: string[];
  /** The Node to run it with (default: this process's). */
  node?: string;
  env?: NodeJS.ProcessEnv;
  /** Seconds to wait for the address (default 45). */
  timeout?: number;
}

export function startEngine(o: EngineOptions): Promise<Engine> {
  const args = o.args ?? [];
  const child: ChildProcess = spawn(o.node ?? process.execPath, [join(o.root, 'bin/fringe.js'), 'serve', ...(args.includes('--port') ? [] : ['--port', '0']), ...args], {
    cwd: o.root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: o.env ?? process.env,
  });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  return new Promise<Engine>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`fringe serve printed no address in ${o.timeout ?? 45} s:\n${err}`));
    }, (o.timeout ?? 45) * 1000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`fringe serve exited (${code}):\n${err}`));
    });
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /^(http:\/\/\S+)$/m.exec(out);
      if (!m) return;
      clearTimeout(timer);
      const url = new URL(m[1]!);
      const token = url.searchParams.get('token');
      resolve({
        url: m[1]!,
        port: Number(url.port),
        token,
        apiUrl: `ws://${url.host}/api${token ? `?token=${encodeURIComponent(token)}` : ''}`,
        stderr: () => err,
        async stop() {
          if (child.exitCode !== null || child.signalCode !== null) return;
          const exited = new Promise((r) => child.once('exit', r));
          child.kill('SIGTERM');
          const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
          await exited;
          clearTimeout(kill);
        },
      });
    });
  });
}
