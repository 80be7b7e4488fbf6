/**
 * `jisr`: the one command-line entry. Each workspace defines its own commands; this file assembles them,
 * so `jisr --help` always lists everything the project can do, while running a command loads only that
 * command's code (commands.ts): a technician's `jisr gateway read` on a small box starts in a fraction of
 * a second instead of loading every service.
 */
import { Command } from "commander";
import { COMMANDS, type CommandEntry } from "./commands.js";
import { applyHelpExamples } from "./help-examples.js";

function baseProgram(): Command {
  return new Command("jisr")
    .description(
      "Jisr Solar: monitors solar power and solar hot water in social care institutions, and shows what the sun saves them.",
    )
    .version("0.1.0")
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText(
      "after",
      `
Examples:
  jisr demo                       three simulated institutions, end to end, no server needed
  jisr gateway read --host 192.168.1.50 --port 502    what does this inverter answer?
  jisr <command> --help           the options of one command, with its own examples`,
    );
}

/** The first word that is not an option: the command to run (undefined for `jisr`, `jisr --help`, ...). */
export function commandName(args: readonly string[]): string | undefined {
  return args.find((a) => !a.startsWith("-"));
}

/**
 * The program with the real definition of `name`'s module (undefined: none) and a stand-in for every other
 * command, which only describes it. Stand-ins are enough for `jisr --help` and for commander's "unknown
 * command" hint; the command that runs is always the real one.
 */
export async function buildProgram(name?: string | "all"): Promise<Command> {
  const program = baseProgram();
  const wanted: CommandEntry[] =
    name === "all" ? [...COMMANDS] : COMMANDS.filter((c) => c.name === name).slice(0, 1);
  const loaders = [...new Set(wanted.map((c) => c.load))];
  for (const register of await Promise.all(loaders.map((load) => load()))) register(program);
  const registered = new Set(program.commands.map((c) => c.name()));
  for (const c of COMMANDS) {
    if (!registered.has(c.name)) program.command(c.name).description(c.description);
  }
  // Keep `jisr --help` in the order of COMMANDS whatever was loaded first.
  const order = new Map(COMMANDS.map((c, i) => [c.name, i]));
  (program.commands as Command[]).sort((a, b) => (order.get(a.name()) ?? 0) - (order.get(b.name()) ?? 0));
  applyHelpExamples(program);
  return program;
}

/**
 * Runs one command. A command that fails prints one line naming what went wrong, not a stack trace
 * (JISR_DEBUG=1 shows the stack), and exits 1.
 */
export async function main(argv: string[]): Promise<void> {
  try {
    const program = await buildProgram(commandName(argv.slice(2)));
    await program.parseAsync(argv);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`jisr: ${message}\n`);
    if (process.env.JISR_DEBUG && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    process.exitCode = 1;
  }
}
