/**
 * `jisr gateway install`: the gateway as an appliance on Debian or Raspberry Pi OS. The steps are planned
 * first, as data (what each does, in words an installer reads, and the command it runs), then printed
 * (--dry-run) or carried out one by one. With --root DIR every file goes under DIR and the steps that
 * change the running system (the user, file owners, systemctl) are left out: for tests and for building
 * a system image.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const SERVICE = "jisr-gateway";
export const USER = "jisr-gateway";
export const UNIT_PATH = "/etc/systemd/system/jisr-gateway.service";
export const STATE_DIR = "/var/lib/jisr-gateway";
export const CONFIG_DIR = "/etc/jisr";
export const DEFAULT_CONFIG = "/etc/jisr/gateway.yaml";

/** The unit as shipped: deploy/gateway/jisr-gateway.service (same depth from src/ and dist/). */
export const SHIPPED_UNIT = fileURLToPath(
  new URL("../../../deploy/gateway/jisr-gateway.service", import.meta.url),
);
/** The jisr command this code belongs to: cli/bin/jisr.js. */
const JISR_BIN = fileURLToPath(new URL("../../../cli/bin/jisr.js", import.meta.url));

export interface InstallOptions {
  /** Prefix for every path; user creation, chown and systemctl are skipped. */
  root?: string;
  /** The config file the service runs with. */
  config: string;
  /** The command line before " gateway run ...": default, this Node and this jisr, by absolute path. */
  exec?: string;
}

export type Step =
  | { kind: "useradd"; what: string; argv: string[] }
  | { kind: "mkdir"; what: string; path: string; mode: number; owner?: string }
  | { kind: "write"; what: string; path: string; mode: number; text: string }
  | { kind: "systemctl"; what: string; argv: string[] }
  | { kind: "skip"; what: string };

export interface InstallPlan {
  steps: Step[];
  /** Things the installer should know (the code under /home, no config yet). */
  notes: string[];
}

/** The command line the service starts: no PATH lookup, so a Node from NodeSource or nvm both work. */
export function defaultExec(): string {
  return `${process.execPath} ${JISR_BIN}`;
}

/** The shipped unit with its ExecStart pointing at this installation and this config. */
export function renderUnit(shipped: string, exec: string, config: string): string {
  const line = `ExecStart=${exec} gateway run --config ${config}`;
  if (!/^ExecStart=.*$/m.test(shipped)) throw new Error("the shipped unit has no ExecStart= line");
  return shipped.replace(/^ExecStart=.*$/m, line);
}

/** Whether the system already has the user (getent also sees users from NSS, not only /etc/passwd). */
export function userExists(name: string): boolean {
  try {
    execFileSync("getent", ["passwd", name], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * The steps, in order. `userPresent` and `configPresent` are what the system holds now (asked by the
 * caller), so that the plan itself is a pure function of its inputs.
 */
export function planInstall(
  options: InstallOptions,
  shippedUnit: string,
  state: { userPresent: boolean; configPresent: boolean },
): InstallPlan {
  const root = options.root;
  const at = (path: string) => (root ? join(root, path) : path);
  const exec = options.exec ?? defaultExec();
  const steps: Step[] = [];
  const notes: string[] = [];
  if (root)
    steps.push({
      kind: "skip",
      what: `user ${USER}: not created under --root (useradd --system at first boot)`,
    });
  else if (state.userPresent) steps.push({ kind: "skip", what: `user ${USER}: exists` });
  else
    steps.push({
      kind: "useradd",
      what: `create the system user ${USER} (no login, no home of its own)`,
      argv: [
        "useradd",
        "--system",
        "--user-group",
        "--home-dir",
        STATE_DIR,
        "--no-create-home",
        "--shell",
        "/usr/sbin/nologin",
        "--comment",
        "Jisr Solar gateway",
        USER,
      ],
    });
  steps.push({ kind: "mkdir", what: `config directory ${CONFIG_DIR}`, path: at(CONFIG_DIR), mode: 0o755 });
  steps.push({
    kind: "mkdir",
    what: `state directory ${STATE_DIR} (queue and status file: the config's data_dir)`,
    path: at(STATE_DIR),
    mode: 0o750,
    ...(root ? {} : { owner: USER }),
  });
  steps.push({
    kind: "write",
    what: `systemd unit ${UNIT_PATH} (ExecStart=${exec} gateway run --config ${options.config})`,
    path: at(UNIT_PATH),
    mode: 0o644,
    text: renderUnit(shippedUnit, exec, options.config),
  });
  if (root) {
    steps.push({
      kind: "skip",
      what: "systemctl: not run under --root (enable the unit in the image instead)",
    });
  } else {
    steps.push({ kind: "systemctl", what: "reload systemd's units", argv: ["systemctl", "daemon-reload"] });
    // Started only with a config: without one it would fail and restart every 5 s for ever.
    if (state.configPresent)
      steps.push({
        kind: "systemctl",
        what: "enable and start the service",
        argv: ["systemctl", "enable", "--now", SERVICE],
      });
    else
      steps.push({
        kind: "systemctl",
        what: "enable the service (started once the config is there)",
        argv: ["systemctl", "enable", SERVICE],
      });
  }
  if (!state.configPresent)
    notes.push(
      `No config at ${at(options.config)} yet: write it (data_dir: ${STATE_DIR}; the token in ${CONFIG_DIR}/gateway.env as ` +
        `JISR_GATEWAY_TOKEN=..., mode 0600), check it with "jisr gateway check-config --config ${options.config}", ` +
        `then "systemctl start ${SERVICE}".`,
    );
  // ProtectHome=yes hides /home and /root from the service: a Node (nvm) or code there cannot start.
  for (const path of exec.split(" ").filter((w) => /^\/(home|root)(\/|$)/.test(w)))
    notes.push(
      `${path} is under ${path.startsWith("/root") ? "/root" : "/home"}, which the unit hides (ProtectHome=yes): ` +
        "install Node from NodeSource and the code under /opt/jisr (gateway/README.md), or give --exec.",
    );
  return { steps, notes };
}

/** A word as a shell reads it back: quoted when it holds anything but plain characters. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

/** One line per step, as --dry-run prints it (commands an installer can copy) and as the install reports it. */
export function describeStep(step: Step): string {
  switch (step.kind) {
    case "useradd":
    case "systemctl":
      return `${step.what}: ${step.argv.map(shellWord).join(" ")}`;
    case "mkdir":
      return `${step.what}: mkdir -p -m ${step.mode.toString(8)} ${step.path}${step.owner ? ` && chown ${step.owner}:${step.owner} ${step.path}` : ""}`;
    case "write":
      return `${step.what}: write ${step.path} (mode ${step.mode.toString(8)})`;
    case "skip":
      return `skipped: ${step.what}`;
  }
}

/** Carries one step out; throws with the command's own message if it fails. */
export function runStep(step: Step): "done" | "unchanged" | "skipped" {
  switch (step.kind) {
    case "skip":
      return "skipped";
    case "useradd":
    case "systemctl": {
      const [cmd, ...args] = step.argv;
      execFileSync(cmd as string, args, { stdio: ["ignore", "ignore", "pipe"] });
      return "done";
    }
    case "mkdir": {
      mkdirSync(step.path, { recursive: true, mode: step.mode });
      chmodSync(step.path, step.mode);
      if (step.owner) {
        const uid = Number(execFileSync("id", ["-u", step.owner], { encoding: "utf8" }).trim());
        const gid = Number(execFileSync("id", ["-g", step.owner], { encoding: "utf8" }).trim());
        chownSync(step.path, uid, gid);
      }
      return "done";
    }
    case "write": {
      const same = existsSync(step.path) && readFileSync(step.path, "utf8") === step.text;
      mkdirSync(dirname(step.path), { recursive: true });
      if (!same) writeFileSync(step.path, step.text, { mode: step.mode });
      chmodSync(step.path, step.mode);
      return same ? "unchanged" : "done";
    }
  }
}

export interface InstallCommandOptions {
  root?: string;
  dryRun?: boolean;
  config?: string;
  exec?: string;
}

interface Output {
  write(text: string): unknown;
}

/** Runs the command and returns its exit code: 0, or 1 with what failed on stderr. */
export function runGatewayInstall(
  options: InstallCommandOptions,
  io: { stdout: Output; stderr: Output },
  isRoot: boolean = process.getuid?.() === 0,
): number {
  const root = options.root === undefined ? undefined : resolve(options.root);
  const config = options.config ?? DEFAULT_CONFIG;
  if (!config.startsWith("/")) {
    io.stderr.write(
      `error: --config: give an absolute path (the service does not run in this folder): ${config}\n`,
    );
    return 1;
  }
  if (!root && !options.dryRun && !isRoot) {
    io.stderr.write(
      "error: installing a service needs root: sudo jisr gateway install (or --dry-run to see the steps)\n",
    );
    return 1;
  }
  const plan = planInstall(
    { ...(root && { root }), config, ...(options.exec && { exec: options.exec }) },
    readFileSync(SHIPPED_UNIT, "utf8"),
    {
      userPresent: !root && userExists(USER),
      configPresent: existsSync(root ? join(root, config) : config),
    },
  );
  if (options.dryRun) {
    io.stdout.write(
      `Would do, in order:\n${plan.steps.map((s, i) => `  ${i + 1}. ${describeStep(s)}`).join("\n")}\n`,
    );
  } else {
    for (const step of plan.steps) {
      try {
        const result = runStep(step);
        io.stdout.write(result === "skipped" ? `${describeStep(step)}\n` : `${result}: ${step.what}\n`);
      } catch (err) {
        const detail = (err as { stderr?: Buffer }).stderr?.toString().trim() || (err as Error).message;
        io.stderr.write(`error: ${describeStep(step)}\n  ${detail.split("\n")[0]}\n`);
        return 1;
      }
    }
  }
  for (const note of plan.notes) io.stdout.write(`note: ${note}\n`);
  return 0;
}
