/**
 * Real parts for the rotator tests: socat pseudo-terminal pairs, Debian's
 * rotctld on a free loopback port, and an async spawn that never blocks the
 * event loop (the simulators answer from this process while a child talks
 * to them). Every child is killed by its `close`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function waitFor(cond: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = async () => {
      if (await cond()) return resolve();
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 50);
    };
    void tick();
  });
}

function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'), 3000).unref();
  });
}

export interface PtyPair {
  /** The driver's end. */
  a: string;
  /** The simulator's end. */
  b: string;
  close(): Promise<void>;
}

/** Starts `socat pty,raw,echo=0,link=A pty,raw,echo=0,link=B` and waits for both links. */
export async function ptyPair(): Promise<PtyPair> {
  const dir = mkdtempSync(join(tmpdir(), 'fringe-rot-'));
  const a = join(dir, 'a');
  const b = join(dir, 'b');
  const child = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  try {
    await waitFor(() => (existsSync(a) && existsSync(b) && /starting data transfer loop/.test(err)) || child.exitCode !== null, 'socat ptys');
    if (child.exitCode !== null) throw new Error(`socat exited: ${err}`);
  } catch (e) {
    await kill(child);
    throw e;
  }
  return {
    a,
    b,
    async close() {
      await kill(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function connectable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

/**
 * Starts Debian's rotctld on a free loopback port: by default `-m 1`
 * (Hamlib's dummy rotator); `extra` adds e.g. `-m 603 -r PTY -s 9600`.
 */
export async function startRotctld(extra: string[] = ['-m', '1']): Promise<{ port: number; child: ChildProcess; close(): Promise<void> }> {
  const port = await freePort();
  const child = spawn('rotctld', [...extra, '-T', '127.0.0.1', '-t', String(port)], { stdio: 'ignore' });
  try {
    await waitFor(async () => child.exitCode !== null || (await connectable(port)), `rotctld on port ${port}`);
    if (child.exitCode !== null) throw new Error(`rotctld exited with ${child.exitCode}`);
  } catch (e) {
    await kill(child);
    throw e;
  }
  return { port, child, close: () => (child.kill('SIGCONT'), kill(child)) };
}

/** Runs a command to completion without blocking the event loop; kills it after `timeoutMs`. */
export function run(cmd: string, args: string[], timeoutMs = 60_000, env?: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export { waitFor };
