#!/usr/bin/env node
// The `fringe` command. Fringe is written in TypeScript and runs from source
// through tsx's loader, so `npx fringe …` works in a checkout without a build.
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';

register('tsx/esm', pathToFileURL(import.meta.filename));
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
