/**
 * Debian's vsftpd on 127.0.0.1 for the FTP tests: unprivileged-style
 * (run_as_launching_user), anonymous login with any password, uploads,
 * renames and mkdir allowed under a temporary root, a transfer log to count
 * uploads. Stopped by pid in afterAll.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';
import { vi } from 'vitest';

export const vsftpdPath = existsSync('/usr/sbin/vsftpd') ? '/usr/sbin/vsftpd' : 'vsftpd';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export class FtpServer {
  readonly root: string;
  port = 0;
  private proc: ChildProcess | null = null;

  constructor(private readonly dir: string) {
    this.root = join(dir, 'ftproot');
  }

  /** Uploads the server completed, from its transfer log (one line per STOR). */
  uploads(): string[] {
    const log = join(this.dir, 'xfer.log');
    if (!existsSync(log)) return [];
    return readFileSync(log, 'utf8').split('\n').filter((l) => / i [a-z] /.test(l)).map((l) => l.split(' ').filter(Boolean)[8]!);
  }

  async start(): Promise<this> {
    mkdirSync(this.root, { recursive: true });
    mkdirSync(join(this.dir, 'empty'), { recursive: true });
    chmodSync(this.root, 0o777);
    this.port = await freePort();
    const pasv = 30000 + Math.floor(Math.random() * 30000);
    const conf = join(this.dir, 'vsftpd.conf');
    writeFileSync(conf, [
      'listen=YES', 'listen_ipv6=NO', 'listen_address=127.0.0.1', `listen_port=${this.port}`, 'background=NO',
      'run_as_launching_user=YES', 'anonymous_enable=YES', 'local_enable=NO', 'write_enable=YES',
      'anon_upload_enable=YES', 'anon_mkdir_write_enable=YES', 'anon_other_write_enable=YES', 'anon_world_readable_only=NO',
      'no_anon_password=YES', `anon_root=${this.root}`, `secure_chroot_dir=${join(this.dir, 'empty')}`, 'seccomp_sandbox=NO',
      'pasv_enable=YES', 'pasv_address=127.0.0.1', `pasv_min_port=${pasv}`, `pasv_max_port=${pasv + 40}`,
      'xferlog_enable=YES', 'xferlog_std_format=YES', `xferlog_file=${join(this.dir, 'xfer.log')}`, 'anon_umask=022', '',
    ].join('\n'), { mode: 0o600 });
    this.proc = spawn(vsftpdPath, [conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    this.proc.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    // vsftpd says nothing when it listens: try to connect until it accepts (30 s ceiling on a loaded machine).
    const listening = () =>
      new Promise<boolean>((r) => {
        if (this.proc!.exitCode !== null) throw new Error(`vsftpd exited: ${stderr}`);
        const s = connect(this.port, '127.0.0.1', () => { s.destroy(); r(true); });
        s.on('error', () => r(false));
      });
    await vi.waitUntil(listening, { timeout: 30_000, interval: 20 }).catch((err: Error) => {
      throw new Error(`vsftpd did not start: ${/exited/.test(err.message) ? err.message : stderr}`);
    });
    return this;
  }

  async stop(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    const closed = new Promise((r) => p.on('close', r));
    p.kill('SIGTERM');
    await closed;
  }
}
