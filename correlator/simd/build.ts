/**
 * Compiles the SIMD kernels (kernels.as.ts, AssemblyScript) to WebAssembly,
 * once: the binary is cached in build/ beside the checkout and rebuilt when
 * the source is newer. Concurrent first uses (test workers, threads) each
 * write a private temporary file and rename it into place, so none reads a
 * half-written binary.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { threadId } from 'node:worker_threads';

const source = fileURLToPath(new URL('./kernels.as.ts', import.meta.url));
const cached = join(dirname(source), '..', '..', 'build', 'fx-kernels.wasm');

/** asc options: full optimisation, no runtime or assertions, PFFFT's memory imported, SIMD on. */
const ascOptions = { optimizeLevel: 3, shrinkLevel: 0, runtime: 'stub', noAssert: true, importMemory: true, enable: ['simd'] };

export async function kernelsBinary(): Promise<Uint8Array<ArrayBuffer>> {
  if (existsSync(cached) && statSync(cached).mtimeMs >= statSync(source).mtimeMs) return Uint8Array.from(readFileSync(cached));
  const { default: asc } = await import('assemblyscript/asc');
  const result = await asc.compileString({ 'kernels.ts': readFileSync(source, 'utf8') }, ascOptions);
  if (result.error || !result.binary) {
    throw new Error(`compiling ${source} failed: ${result.error?.message ?? ''}\n${result.stderr.toString()}`);
  }
  mkdirSync(dirname(cached), { recursive: true });
  const temp = `${cached}.${process.pid}.${threadId}.tmp`;
  writeFileSync(temp, result.binary);
  renameSync(temp, cached);
  return Uint8Array.from(result.binary);
}
