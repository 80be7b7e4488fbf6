// For cli.test.ts: a `jisr gateway` entry with only the commands of cli-run.ts, run in a child process.
import { Command } from "commander";
import { registerGatewayRunCommand } from "../../cli-run.js";

const program = new Command("jisr");
registerGatewayRunCommand(program.command("gateway").description("edge gateway"));
await program.parseAsync(process.argv);
