/**
 * `npm start`: the desktop app where the Electron binary is installed;
 * elsewhere (a Raspberry Pi, a server, this checkout with
 * ELECTRON_SKIP_BINARY_DOWNLOAD) the headless station: `fringe serve`
 * with the same UI, printing the address to open. Builds the UI first when
 * it is missing or stale. Arguments after `--` go to `fringe serve`
 * (e.g. `npm start -- --port 9000 --db ~/fringe-data`).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BuildOptions } from 'esbuild';
import { ensureUiBuilt, repoRoot } from './ui-build.ts';

/** The Electron binary, or null with the reason it is not usable. */
export function electronBinary(): { path: string } | { path: null; why: string } {
  try {
    // The electron package's main export is the binary's path; it throws when the binary was never downloaded.
    const path = createRequire(import.meta.url)('electron') as unknown;
    if (typeof path === 'string' && existsSync(path)) return { path };
    return { path: null, why: `The Electron binary is not installed here (no ${String(path)})` };
  } catch {
    return { path: null, why: 'The Electron binary is not installed here (npm installs it unless ELECTRON_SKIP_BINARY_DOWNLOAD=1)' };
  }
}

/** Bundles the shell (main, preload) into dist/electron/ as CommonJS, as Electron loads it; returns main's path. */
export async function bundleShell(): Promise<string> {
  const { build } = await import('esbuild');
  const out = join(repoRoot, 'dist/electron');
  const common: BuildOptions = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['electron'], logLevel: 'warning' };
  await build({ ...common, entryPoints: [join(repoRoot, 'electron/main.ts')], outfile: join(out, 'main.cjs'), external: ['electron', 'bufferutil', 'utf-8-validate'] });
  await build({ ...common, entryPoints: [join(repoRoot, 'electron/preload.ts')], outfile: join(out, 'preload.cjs') });
  return join(out, 'main.cjs');
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (await ensureUiBuilt()) process.stderr.write('built the UI into dist/ui\n');
  const electron = electronBinary();
  let child;
  if (electron.path !== null) {
    const entry = await bundleShell();
    child = spawn(electron.path, [entry, '--', ...args], { stdio: 'inherit', env: { ...process.env, FRINGE_ROOT: repoRoot, FRINGE_NODE: process.execPath } });
  } else {
    process.stderr.write(`${electron.why}: serving the UI instead. Open the address below in a browser; Ctrl-C stops the station.\n`);
    child = spawn(process.execPath, [join(repoRoot, 'bin/fringe.js'), 'serve', ...args], { stdio: 'inherit' });
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 0 : 1))));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = await main();
