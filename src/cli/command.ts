/**
 * The shape of one `fringe` subcommand. Each lives in its own file in
 * src/cli/commands/, named after the command, and is found by main.ts, so
 * adding a command touches no shared file.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InputError, type Rule, type SourceSpec, observationId as idRule, parseFolder, parseSourceSpec, printable } from '../api/inputs.ts';
export interface Command {
  /** The word after `fringe`. */
  name: string;
  /** One line for `fringe --help`. */
  summary: string;
  /** The full `--help` text: usage, every option with its default and unit. */
  help: string;
  /**
   * Reads the command line into the command's options: pure (no I/O, no
   * process state), throws UsageError for every mistake; `run` calls it
   * first, and the fuzz tests call it alone.
   */
  parse(argv: string[]): unknown;
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

/** A negative number as a value (-1, -0.5, -5e3): node's parseArgs would take it for an option. */
const negativeNumber = /^-(?:\d|\.\d)/;

/**
 * node:util's parseArgs, with its complaints (unknown option, missing value)
 * turned into UsageErrors: exit code 2. A negative number after an option
 * that takes a value is that option's value (`--integration -1` reads as
 * `--integration=-1`, and the option's rule then says what is wrong), not
 * node's "argument is ambiguous".
 */
export function parseCommandLine<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  const args = [...(config.args ?? [])];
  const valued = new Set(Object.entries(config.options ?? {}).filter(([, o]) => o.type === 'string').map(([n]) => `--${n}`));
  for (let i = 0; i < args.length - 1; i++) {
    if (args[i] === '--') break;
    if (valued.has(args[i]!) && negativeNumber.test(args[i + 1]!)) args.splice(i, 2, `${args[i]}=${args[i + 1]}`);
  }
  try {
    return parseArgs({ ...config, args } as T);
  } catch (err) {
    throw new UsageError(parseArgsProblem(err as Error & { code?: string }));
  }
}

/** node's parseArgs complaint in our words: one line naming the option, and what to write instead. */
function parseArgsProblem(err: Error & { code?: string }): string {
  const flag = printable(/'(-[^' ]*)/.exec(err.message)?.[1] ?? '');
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option '${flag}'.`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /does not take an argument/.test(err.message)
        ? `${flag} takes no value.`
        : `${flag} needs a value (to give one that starts with '-', write ${flag}=VALUE).`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument '${printable(/'([^']*)'/.exec(err.message)?.[1] ?? '')}': this command takes options only.`;
    default:
      return err.message.split('\n')[0]!;
  }
}

/** An option's value read by its rule (src/api/inputs.ts); undefined when not given. The rule's message, after the flag: exit code 2. */
export function option<T>(flag: string, text: string | undefined, rule: Pick<Rule<T>, 'parse'>): T | undefined {
  if (text === undefined) return undefined;
  try {
    return rule.parse(text);
  } catch (err) {
    if (err instanceof InputError) throw new UsageError(`${flag} ${err.message}`);
    throw err;
  }
}

/** `--source SPEC` parsed (the message names the spec and the forms taken): UsageError when malformed. */
export function sourceOption(text: string): SourceSpec {
  try {
    return parseSourceSpec(text);
  } catch (err) {
    if (err instanceof InputError) throw new UsageError(err.problem);
    throw err;
  }
}

/** `--db DIR` as given (undefined: the default folder); '' or a NUL is a UsageError. */
export function dbOption(text: string | undefined): string | undefined {
  return option('--db', text, { parse: parseFolder });
}

/** The one observation id a command takes as its argument (a plain positive decimal: no 0x2, 2e0 or 01), or a UsageError. */
export function observationId(positionals: readonly string[]): number {
  const s = positionals[0];
  if (positionals.length !== 1 || s === undefined) throw new UsageError('give one observation ID (a positive whole number); fringe list shows them.');
  try {
    return idRule.parse(s);
  } catch {
    throw new UsageError(`give one observation ID (a positive whole number such as 12, got '${s}'); fringe list shows them.`);
  }
}
