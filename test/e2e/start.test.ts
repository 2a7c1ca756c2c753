/**
 * `npm start` where the Electron binary is absent (this checkout installs
 * electron with ELECTRON_SKIP_BINARY_DOWNLOAD=1): it says so, serves the
 * built UI with `fringe serve` and prints the address, and stops on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleShell, electronBinary } from '../../electron/start.ts';
import { ensureUiBuilt, repoRoot } from '../../electron/ui-build.ts';
import { e2eSetup } from './harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'fringe-start-'));
beforeAll(() => ensureUiBuilt(), e2eSetup);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(electronBinary().path !== null)('npm start without the Electron binary', () => {
  it('serves the UI and prints its address', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'electron/start.ts'), '--port', '0', '--db', dir, '--source', 'sim', '--backend', 'cpu'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
          const m = /^(http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(out);
          if (m) resolve(m[1]!);
        });
        void exited.then((code) => reject(new Error(`npm start exited (${code}): ${err}`)));
      });
      expect(err).toMatch(/The Electron binary is not installed here/);
      expect(err).toMatch(/serving the UI instead/);
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
      expect(await page.text()).toMatch(/<div id="root"><\/div>/);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 90_000);
});

describe('the Electron shell', () => {
  it('bundles into CommonJS, the preload requiring nothing but electron', async () => {
    const main = await bundleShell();
    const preload = readFileSync(join(main, '..', 'preload.cjs'), 'utf8');
    expect([...preload.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1])).toEqual(['electron']);
    expect(preload).toMatch(/exposeInMainWorld\("fringe"/);
    const code = readFileSync(main, 'utf8');
    for (const setting of ['contextIsolation: true', 'sandbox: true', 'nodeIntegration: false']) expect(code).toContain(setting);
    expect(code).toMatch(/setWindowOpenHandler\(\(\) => \(\{ action: "deny" \}\)\)/);
    expect(code).toMatch(/will-navigate/);
  }, 60_000);
});
