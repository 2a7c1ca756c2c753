/** Fringe's version, as recorded with every observation. */
import { readFileSync } from 'node:fs';

export const softwareVersion: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
