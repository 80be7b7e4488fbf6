/**
 * Every `jisr` command and subcommand shows examples in its `--help` (issue 14): the whole commander tree,
 * every module loaded, is walked and each command's help rendered as a user sees it.
 */
import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { commandPath, HELP_EXAMPLES } from "./help-examples.js";
import { buildProgram } from "./main.js";

/** The help exactly as `jisr ... --help` prints it (addHelpText sections included). */
function helpOf(command: Command): string {
  let text = "";
  const saved = command.configureOutput();
  command.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
  try {
    command.outputHelp();
  } finally {
    command.configureOutput(saved);
  }
  return text;
}

function everyCommand(program: Command): Command[] {
  const all: Command[] = [program];
  for (const sub of program.commands) all.push(...everyCommand(sub as Command));
  return all;
}

/** The lines of each "Examples:" (or "Example:") section: indented lines up to the next blank line. */
function exampleSections(help: string): string[][] {
  const sections: string[][] = [];
  const lines = help.split("\n");
  lines.forEach((line, i) => {
    if (!/^Examples?:\s*$/.test(line)) return;
    const body: string[] = [];
    for (let j = i + 1; j < lines.length && /^\s+\S/.test(lines[j] ?? ""); j++) body.push(lines[j] ?? "");
    sections.push(body);
  });
  return sections;
}

describe("jisr --help", () => {
  it("every command and subcommand has one examples section, each showing a jisr command line", async () => {
    const program = await buildProgram("all");
    const commands = everyCommand(program);
    // The tree really is the whole one: every top-level command is loaded with its subcommands.
    expect(commands.length).toBeGreaterThan(40);
    const lacking: string[] = [];
    const twice: string[] = [];
    for (const command of commands) {
      const name = `jisr ${commandPath(command)}`.trim();
      const sections = exampleSections(helpOf(command));
      if (sections.length > 1) twice.push(name);
      const [first] = sections;
      if (!first?.some((l) => /\bjisr\b/.test(l))) lacking.push(name);
    }
    expect(lacking, "commands whose --help has no Examples: section").toEqual([]);
    expect(twice, "commands with two Examples: sections (drop their entry from help-examples.ts)").toEqual(
      [],
    );
  }, 60_000);

  it("the table names only commands that exist", async () => {
    const program = await buildProgram("all");
    const paths = new Set(everyCommand(program).map(commandPath));
    expect(Object.keys(HELP_EXAMPLES).filter((p) => !paths.has(p))).toEqual([]);
  }, 60_000);

  it("a command run alone (the others are stand-ins) still shows its examples", async () => {
    const program = await buildProgram("gateway");
    const gateway = program.commands.find((c) => c.name() === "gateway") as Command;
    expect(exampleSections(helpOf(gateway))[0]?.join("\n")).toContain("jisr gateway check-config");
  }, 60_000);
});
