/**
 * Starting worker threads whose code is TypeScript. Node 20 does not apply
 * --import loaders to a worker's entry module, so a TypeScript worker starts
 * from a short bootstrap that registers tsx's loader (its API) in the new thread,
 * then imports the real entry. The loader is found from this file, so the
 * current directory does not matter. A JavaScript entry (a built app) starts
 * directly.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

let loader: string | undefined;

export function startWorker(url: URL, options: WorkerOptions = {}): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url, options);
  // The ESM build of tsx's API: require.resolve would give its CommonJS twin.
  loader ??= pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs');
  const bootstrap = `
    import(${JSON.stringify(loader)})
      .then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); })
      .catch((err) => { throw err; });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
