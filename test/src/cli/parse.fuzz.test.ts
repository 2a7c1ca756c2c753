/**
 * Fuzzing every `fringe` command's argument parsing, in process (each
 * command's `parse` is pure): whatever the command line, the answer is the
 * command's options or a UsageError with a one-line message, never another
 * exception, never node's raw text. Seeded and bounded (fast-check).
 */
import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Command, UsageError } from '../../../src/cli/command.ts';
import { parse as observeParse } from '../../../src/cli/commands/observe.ts';
import { parse as listParse } from '../../../src/cli/commands/list.ts';

const commandsDir = new URL('../../../src/cli/commands/', import.meta.url);
const names = readdirSync(commandsDir).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).sort();
const commands: Command[] = await Promise.all(names.map(async (n) => ((await import(new URL(`${n}.ts`, commandsDir).href)) as { command: Command }).command));

/** The options each command's help names, so the fuzzer hits real flags most of the time. */
const flagsOf = (c: Command) => [...new Set(c.help.match(/--[a-z][a-z-]*/g) ?? [])];

/** Values that broke parsers before, and their neighbours. */
const nasty = [
  '', ' ', '-1', '-5', '-0', '0', '01', '0x2', '2e0', '1e-300', '1e309', 'NaN', 'Infinity', '-Infinity', '99999999999999999999', '9007199254740993',
  '5G', '1420.4M', '2.4M', '250k', '1.5.2', '--', '-', '--json', 'sim', 'sim:01', 'group:sim', 'group:sim,sim', 'rtltcp:', 'rtltcp:host:99999',
  '[::1]:0', 'localhost', 'a\u0000b', '\u001b[31m', 'é', '\u202e', 'x'.repeat(3000), 'auto', 'goto', 'position', 'add', 'list', '1', '12', '10', '95',
];

const word = fc.oneof(fc.constantFrom(...nasty), fc.string({ maxLength: 12 }), fc.integer({ min: -1e6, max: 1e6 }).map(String), fc.double().map(String));

function argvFor(c: Command): fc.Arbitrary<string[]> {
  const flags = flagsOf(c);
  const flagged = fc.tuple(fc.constantFrom(...(flags.length ? flags : ['--x'])), word).chain(([f, v]) => fc.constantFrom([f, v], [`${f}=${v}`], [f]));
  return fc.array(fc.oneof(flagged, word.map((w) => [w])), { maxLength: 8 }).map((parts) => parts.flat());
}

describe('every command parses any command line into options or a UsageError', () => {
  it.each(commands.map((c) => [c.name, c] as const))('fringe %s', (_name, c) => {
    fc.assert(
      fc.property(argvFor(c), (argv) => {
        const started = performance.now();
        try {
          c.parse(argv);
        } catch (err) {
          if (!(err instanceof UsageError)) throw new Error(`fringe ${c.name} ${JSON.stringify(argv)} threw ${String(err)}`, { cause: err });
          expect(err.message.length).toBeGreaterThan(0);
          expect(err.message).not.toMatch(/ambiguous|datatype mismatch|undefined|\[object/);
        }
        expect(performance.now() - started).toBeLessThan(200);
      }),
      { seed: 1010, numRuns: 300, interruptAfterTimeLimit: 1500 },
    );
  });
});

describe('the parsed options are right', () => {
  it('observe --freq 5G was refused while record accepts k/M/G: both take suffixes now', () => {
    expect(observeParse(['--freq', '5G']).tuning.centerFrequency).toBe(5e9);
    expect(observeParse(['--freq', '1420.4M', '--rate', '1.024M']).tuning).toMatchObject({ centerFrequency: 1_420_400_000, sampleRate: 1_024_000 });
  });

  it('--integration -1 gave node\'s raw "argument is ambiguous": a negative number after an option is its value, judged by the rule', () => {
    expect(() => observeParse(['--integration', '-1'])).toThrow("--integration must be from 0.01 to 3600 s (got '-1')");
    expect(() => observeParse(['--integration', '-1'])).toThrow(UsageError);
  });

  it('list --limit: any whole number from 1 to 100000, nothing else', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), (n) => {
        expect(listParse(["--limit", String(n)]).limit).toBe(n);
      }),
      { seed: 7, numRuns: 200 },
    );
    expect(() => listParse(['--limit', '99999999999999999999'])).toThrow(/--limit needs a positive whole number up to 100000/);
  });
});
