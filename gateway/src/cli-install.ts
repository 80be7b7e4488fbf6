/**
 * `jisr gateway install`: the gateway as a systemd service, as an installer sets up a box on a wall.
 * Registration only: the work is in service/install.ts, loaded when the command runs.
 */
import type { Command } from "commander";
import type { InstallCommandOptions } from "./service/install.js";

const HELP = `
Installs the gateway as a systemd service on Debian or Raspberry Pi OS, as root:
  1. creates the system user jisr-gateway (useradd --system; no login, no home of its own),
  2. creates /etc/jisr and the state directory /var/lib/jisr-gateway (the config's data_dir),
  3. writes /etc/systemd/system/jisr-gateway.service: the shipped unit
     (deploy/gateway/jisr-gateway.service) started with this Node and this jisr, by absolute path,
  4. systemctl daemon-reload, then systemctl enable --now jisr-gateway; without a config file yet, the
     service is enabled but not started (it would fail and restart every 5 s), and you are told what to do.
Running it again is safe: what exists is kept, the unit is rewritten only if it changed.

--root DIR writes the files under DIR and leaves out the user, file owners and systemctl: for building
a system image, and for tests. --dry-run prints the steps and changes nothing.

Examples:
  sudo jisr gateway install --dry-run
  sudo jisr gateway install
  sudo jisr gateway install --config /etc/jisr/site-12.yaml
  jisr gateway install --root ./image-root

Then: systemctl status jisr-gateway; journalctl -u jisr-gateway -f;
jisr gateway status --config /etc/jisr/gateway.yaml. Exit codes: 0 done (or printed), 1 a step failed.`;

/** Adds `install` to the `jisr gateway` command. */
export function registerGatewayInstallCommand(gateway: Command): void {
  gateway
    .command("install")
    .description(
      "install the gateway as a systemd service: its user, state directory, unit, enabled and started",
    )
    .option(
      "--config <file>",
      "the config file the service runs with (absolute path)",
      "/etc/jisr/gateway.yaml",
    )
    .option("--root <dir>", "write under this folder; no user, no chown, no systemctl (images, tests)")
    .option("--dry-run", "print the steps, change nothing")
    .option(
      "--exec <command>",
      "what starts jisr in the unit (default: this node and this jisr, absolute paths)",
    )
    .addHelpText("after", HELP)
    .action(async (opts: InstallCommandOptions) => {
      const { runGatewayInstall } = await import("./service/install.js");
      process.exitCode = runGatewayInstall(opts, { stdout: process.stdout, stderr: process.stderr });
    });
}
