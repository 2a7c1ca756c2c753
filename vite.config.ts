/** The UI's build: src/ui → dist/ui, served by `fringe serve` and loaded by the Electron shell. */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('./src/ui', import.meta.url));

export default defineConfig({
  root,
  base: './',
  // JSX through esbuild (React 17+ automatic runtime), no Babel plugin needed.
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: fileURLToPath(new URL('./dist/ui', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 5000,
    reportCompressedSize: false,
  },
  logLevel: 'warn',
});
