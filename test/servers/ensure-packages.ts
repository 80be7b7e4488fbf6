/**
 * Makes sure the server binaries the tests need are on this machine. Where one is missing and we are
 * root on Debian, installs its Debian package; elsewhere fails at once naming what to install.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";

export interface Requirement {
  /** Binary looked up on PATH (or in /usr/sbin, where Debian puts mosquitto). */
  binary?: string;
  /** For a package without a binary: a file it installs, by absolute path. */
  file?: string;
  /** Debian package that ships it. */
  debianPackage: string;
}

export const TEST_SERVERS: Requirement[] = [
  { binary: "influxd", debianPackage: "influxdb" },
  { binary: "mosquitto", debianPackage: "mosquitto" },
  { binary: "socat", debianPackage: "socat" },
  // A Modbus server we did not write (test/servers/pymodbus.ts), and a Modbus client we did not write.
  { binary: "pymodbus.server", debianPackage: "python3-pymodbus" },
  // pymodbus 3.0's server imports serial_asyncio even for TCP, and Debian only recommends it. The package
  // has no binary: its module file, found from /usr/bin (findBinary joins a PATH folder and this name).
  {
    file: "/usr/lib/python3/dist-packages/serial_asyncio/__init__.py",
    debianPackage: "python3-serial-asyncio",
  },
  { binary: "mbpoll", debianPackage: "mbpoll" },
  // PDF reports: text extraction and page images in the report tests.
  { binary: "pdftotext", debianPackage: "poppler-utils" },
  // The web page, tested in a real browser driven by playwright-core.
  { binary: "chromium", debianPackage: "chromium" },
  // The gateway's systemd unit (systemd-analyze verify) and its sd_notify (systemd-notify).
  { binary: "systemd-analyze", debianPackage: "systemd" },
];

function present(r: Requirement): boolean {
  if (r.file !== undefined) return existsSync(r.file);
  return r.binary !== undefined && findBinary(r.binary) !== undefined;
}

function label(r: Requirement): string {
  return r.binary ?? r.file ?? r.debianPackage;
}

const EXTRA_DIRS = ["/usr/sbin", "/usr/bin", "/sbin", "/usr/local/sbin"];

/** Absolute path of a binary, or undefined. */
export function findBinary(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(":").filter(Boolean), ...EXTRA_DIRS];
  for (const dir of dirs) {
    const path = `${dir}/${name}`;
    if (existsSync(path)) return path;
  }
  return undefined;
}

function isDebian(): boolean {
  return existsSync("/etc/debian_version") || /ID(_LIKE)?=.*debian/.test(readOrEmpty("/etc/os-release"));
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

/** Whether this machine lets us install packages; a parameter so the refusal can be tested as root. */
export interface InstallHost {
  isRoot: boolean;
  isDebian: boolean;
}

export function ensurePackages(
  requirements: Requirement[] = TEST_SERVERS,
  log: (m: string) => void = (m) => process.stderr.write(`${m}\n`),
  host: InstallHost = { isRoot: process.getuid?.() === 0, isDebian: isDebian() },
): void {
  const missing = requirements.filter((r) => !present(r));
  if (missing.length === 0) return;
  const names = missing.map((r) => r.debianPackage);
  if (!host.isRoot || !host.isDebian) {
    throw new Error(
      `The tests need ${missing.map(label).join(", ")}, which ${missing.length > 1 ? "are" : "is"} not installed.\n` +
        `Install ${missing.length > 1 ? "them" : "it"} (on Debian/Ubuntu: sudo apt-get install ${names.join(" ")}) and run the tests again.`,
    );
  }
  log(
    `[test setup] installing Debian packages: ${names.join(" ")} (missing: ${missing.map(label).join(", ")})`,
  );
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  execFileSync("apt-get", ["update", "-qq"], { stdio: ["ignore", "ignore", "inherit"], env });
  const res = spawnSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...names], {
    stdio: ["ignore", "ignore", "inherit"],
    env,
  });
  if (res.status !== 0) throw new Error(`apt-get install ${names.join(" ")} failed (exit ${res.status})`);
  const still = missing.filter((r) => !present(r));
  if (still.length > 0)
    throw new Error(`installed ${names.join(" ")} but ${still.map(label).join(", ")} is still not found`);
  // Debian starts the packaged services on their default ports; our tests use their own instances.
  for (const service of ["influxdb", "mosquitto"]) {
    spawnSync("systemctl", ["stop", service], { stdio: "ignore" });
    spawnSync("service", [service, "stop"], { stdio: "ignore" });
  }
}
