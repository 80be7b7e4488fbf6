/**
 * `jisr user add`: adds (or with --replace, replaces) a user of the web page; the password is typed at
 * the terminal or piped on stdin, and only its scrypt hash is written. `jisr user token`: issues an API
 * token for a user, printed once.
 */
import { loadInstitutions, loadInstitutionsFromInventory } from "@jisr/analytics";
import { idSchema } from "@jisr/core";
import { type Command, Option } from "commander";
import { z } from "zod";
import { addApiToken, addUser } from "../users/file.js";
import { LANGUAGES, ROLES, userIdSchema } from "../users/schema.js";
import { type CliIo, group, parseOptions } from "./common.js";
import { readPassword } from "./secret.js";

const addSchema = z.object({
  users: z.string().min(1),
  id: userIdSchema,
  name: z.string().min(1).max(120),
  role: z.enum(ROLES),
  institution: z.array(idSchema).default([]),
  language: z.enum(LANGUAGES),
  replace: z.boolean().default(false),
  institutions: z.string().optional(),
  inventory: z.string().optional(),
});

const usersOption = () =>
  new Option("--users <file>", "users file (YAML), created if missing")
    .env("JISR_USERS_FILE")
    .makeOptionMandatory();

export function registerUserCommands(program: Command, io: CliIo): void {
  const user = group(program, "user", "people who may log in to the web page");
  user
    .command("add")
    .description("add a user; the password is asked for (or read from stdin) and stored as a hash")
    .addOption(usersOption())
    .requiredOption("--id <id>", "login id (lower case)")
    .requiredOption("--name <name>", "name shown on the page and on acknowledgements")
    .addOption(new Option("--role <role>", "what they may see").choices(ROLES).makeOptionMandatory())
    .option(
      "--institution <id>",
      "an institution they see (repeat for several; none for the ministry)",
      (v: string, all: string[] = []) => [...all, v],
    )
    .addOption(new Option("--language <lang>", "language of the page").choices(LANGUAGES).default("fr"))
    .option("--replace", "replace an existing user (new password, role...), keeping their API tokens")
    .addOption(
      new Option("--institutions <file>", "institutions file, to check the ids given").env(
        "JISR_INSTITUTIONS_FILE",
      ),
    )
    .addOption(
      new Option("--inventory <dir>", "inventory folder, to check the ids given").env("JISR_INVENTORY"),
    )
    .action(async (raw: Record<string, unknown>, cmd: Command) => {
      const o = parseOptions(addSchema, raw, cmd);
      const source = o.inventory ?? o.institutions;
      if (source) {
        const config = o.inventory ? loadInstitutionsFromInventory(o.inventory) : loadInstitutions(source);
        const known = new Set(config.institutions.map((i) => i.id));
        const unknown = o.institution.filter((id) => !known.has(id));
        if (unknown.length) cmd.error(`jisr user add: not in ${source}: ${unknown.join(", ")}`);
      }
      const password = await readPassword(io).catch((err: Error) =>
        cmd.error(`jisr user add: ${err.message}`),
      );
      try {
        const added = await addUser(
          o.users,
          {
            id: o.id,
            name: o.name,
            role: o.role,
            institutions: o.institution,
            language: o.language,
            password,
          },
          { replace: o.replace },
        );
        const where = added.institutions.length ? added.institutions.join(", ") : "every institution";
        io.stdout.write(
          `${o.replace ? "Replaced" : "Added"} ${added.role} "${added.id}" (${where}) in ${o.users}\n`,
        );
      } catch (err) {
        cmd.error(`jisr user add: ${(err as Error).message}`);
      }
    });

  user
    .command("token")
    .description("issue an API token for a user (printed once; only its hash is stored)")
    .addOption(usersOption())
    .requiredOption("--id <id>", "the user the token acts as")
    .option("--note <text>", "what the token is for")
    .action(async (raw: { users: string; id: string; note?: string }, cmd: Command) => {
      try {
        const { token, entry } = await addApiToken(raw.users, raw.id, raw.note ? { note: raw.note } : {});
        io.stderr.write(`Token ${entry.id} for "${raw.id}"; send it as "Authorization: Bearer <token>":\n`);
        io.stdout.write(`${token}\n`);
      } catch (err) {
        cmd.error(`jisr user token: ${(err as Error).message}`);
      }
    });
}
