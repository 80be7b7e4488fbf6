import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { COMMANDS } from "./commands.js";
import { buildProgram, commandName } from "./main.js";

describe("the command table", () => {
  it("describes each command as its own module does, and every command a module registers is listed", async () => {
    const real = new Command("jisr");
    for (const load of new Set(COMMANDS.map((c) => c.load))) (await load())(real);
    const registered = Object.fromEntries(real.commands.map((c) => [c.name(), c.description()]));
    const listed = Object.fromEntries(COMMANDS.map((c) => [c.name, c.description]));
    expect(listed).toEqual(registered);
  });

  it("loads only the command that runs; the others are stand-ins that only describe themselves", async () => {
    const program = await buildProgram("token");
    const token = program.commands.find((c) => c.name() === "token");
    const gateway = program.commands.find((c) => c.name() === "gateway");
    expect(token?.commands.map((c) => c.name())).toEqual(["new", "list"]);
    expect(gateway?.commands).toEqual([]);
    expect(program.commands.map((c) => c.name())).toEqual(COMMANDS.map((c) => c.name));
  });

  it("finds the command word behind the program's own options", () => {
    expect(commandName(["--help"])).toBeUndefined();
    expect(commandName(["gateway", "read", "--host", "x"])).toBe("gateway");
    expect(commandName(["-V"])).toBeUndefined();
  });
});
