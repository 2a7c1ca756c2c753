/**
 * The shape of one `fringe` subcommand. Each lives in its own file in
 * src/cli/commands/, named after the command, and is found by main.ts, so
 * adding a command touches no shared file.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
export interface Command {
  /** The word after `fringe`. */
  name: string;
  /** One line for `fringe --help`. */
  summary: string;
  /** The full `--help` text: usage, every option with its default and unit. */
  help: string;
  /** Runs the command; resolves to the process exit code. */
  run(argv: string[]): Promise<number>;
}

/** Exit codes scripts can trust. */
export const exitCodes = {
  ok: 0,
  /** The command failed at runtime (device, network, disk). */
  failure: 1,
  /** The command line was wrong; the message says what to change. */
  usage: 2,
} as const;

/** An error the user caused by how they called a command: printed as is, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** node:util's parseArgs, with its complaints (unknown option, missing value) turned into UsageErrors: exit code 2. */
export function parseCommandLine<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** The one observation id a command takes as its argument (a positive whole number), or a UsageError. */
export function observationId(positionals: readonly string[]): number {
  const s = positionals[0];
  if (positionals.length !== 1 || s === undefined || !/^[1-9]\d*$/.test(s)) throw new UsageError('give one observation ID (a positive whole number); fringe list shows them.');
  return Number(s);
}
