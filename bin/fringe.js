#!/usr/bin/env node
// The `fringe` command. Fringe is written in TypeScript and runs from source
// through tsx's loader (registered here through its API), so `npx fringe …`
// works in a checkout without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
