/** Test helper: the simulator served over rtl_tcp by a real `fringe sim` process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../electron/ui-build.ts';

export interface SimChild {
  endpoint: string;
  log: () => string;
  stop(): Promise<void>;
}

/**
 * `fringe sim --rtl-tcp 127.0.0.1:0` as a child process (`extra`: more of its
 * options, e.g. --scenario FILE --antenna N); resolves once it says which port
 * it serves on. A server in its own process, as on another machine: a station
 * that holds its own event loop does not stall it.
 */
export function startSimChild(extra: string[] = []): Promise<SimChild> {
  const child: ChildProcess = spawn(process.execPath, [join(repoRoot, 'bin/fringe.js'), 'sim', '--rtl-tcp', '127.0.0.1:0', ...extra], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(kill);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`fringe sim said no port in 45 s:\n${err}`));
    }, 45_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`fringe sim exited (${code}):\n${err}`));
    });
    child.stderr!.on('data', (d) => {
      err += d;
      const m = /serving .* on 127\.0\.0\.1:(\d+) \(rtl_tcp\)/.exec(err);
      if (!m) return;
      clearTimeout(timer);
      resolve({ endpoint: `127.0.0.1:${m[1]}`, log: () => err, stop });
    });
  });
}
