/**
 * Test helper for crash consistency: a `fringe` command in a real child
 * process, killed with SIGKILL when the test says so, and a poll that waits
 * for a condition on the file system with a generous ceiling.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/fringe.js', import.meta.url));

export interface Killable {
  child: ChildProcess;
  /** Everything it wrote to stderr so far. */
  stderr: () => string;
  /** Resolves when it exits: its code, or the signal that ended it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL now (no cleanup runs in the child), and wait for it to be gone. */
  kill: () => Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `fringe args…` with `env` added to ours. */
export function startFringe(args: string[], env: Record<string, string> = {}): Killable {
  const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  return {
    child,
    stderr: () => err,
    exited,
    kill: () => {
      child.kill('SIGKILL');
      return exited;
    },
  };
}

/** Resolves when `cond()` is true (checked every 10 ms), rejects with `what` after `ceilingMs` or when `alive()` turns false first. */
export async function until(cond: () => boolean, what: string, ceilingMs = 60_000, alive: () => boolean = () => true): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    if (cond()) return;
    if (!alive()) throw new Error(`the process ended before ${what}`);
    if (Date.now() - t0 > ceilingMs) throw new Error(`no ${what} within ${ceilingMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
