/** `fringe`: finds the subcommand in ./commands/ and runs it. */
import { readdirSync } from 'node:fs';
import { type Command, UsageError, exitCodes } from './command.ts';

const commandsDir = new URL('./commands/', import.meta.url);

function commandNames(): string[] {
  return readdirSync(commandsDir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

async function load(name: string): Promise<Command> {
  const mod = (await import(new URL(`${name}.ts`, commandsDir).href)) as { command: Command };
  return mod.command;
}

async function usage(): Promise<string> {
  const lines = ['Usage: fringe <command> [options]', '', 'Commands:'];
  for (const name of commandNames()) {
    const c = await load(name);
    lines.push(`  ${c.name.padEnd(12)} ${c.summary}`);
  }
  lines.push('', "Run 'fringe <command> --help' for a command's options.");
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(await usage());
    return name ? exitCodes.ok : exitCodes.usage;
  }
  if (!commandNames().includes(name)) {
    console.error(`fringe: unknown command '${name}'.\n\n${await usage()}`);
    return exitCodes.usage;
  }
  const command = await load(name);
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.help);
    return exitCodes.ok;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`fringe ${name}: ${err.message}\nRun 'fringe ${name} --help' for usage.`);
      return exitCodes.usage;
    }
    console.error(`fringe ${name}: ${err instanceof Error ? err.message : String(err)}`);
    return exitCodes.failure;
  }
}
