// `jisr sim fault`: break or repair a running simulated device through its control API.
import type { Command } from "commander";
import { z } from "zod";
import { controlRequest } from "./control-server.js";
import { FAULT_TEXT_HELP, parseFaultText } from "./faults.js";

const deviceSchema = z.object({
  id: z.string(),
  kind: z.string(),
  supports: z.array(z.string()),
  faults: z.record(z.string(), z.unknown()),
});
type DeviceState = z.infer<typeof deviceSchema>;

/** The faults worth printing: a link down, and whatever is set (false, null, 0 and [] are "none"). */
function describeFaults(faults: Record<string, unknown>): string {
  const shown: string[] = [];
  if (faults.online === false) shown.push("offline");
  for (const [k, v] of Object.entries(faults)) {
    if (k === "online" || v === false || v === null || v === 0 || (Array.isArray(v) && v.length === 0))
      continue;
    shown.push(v === true ? k : `${k}=${Array.isArray(v) ? v.join(",") : String(v)}`);
  }
  return shown.length ? shown.join(" ") : "none";
}

function line(d: DeviceState, idWidth = d.id.length, kindWidth = d.kind.length): string {
  return `${d.id.padEnd(idWidth)}  ${d.kind.padEnd(kindWidth)}  faults: ${describeFaults(d.faults)}   (can have: ${d.supports.join(", ")})`;
}

function table(devices: readonly DeviceState[]): string {
  const idWidth = Math.max(...devices.map((d) => d.id.length));
  const kindWidth = Math.max(...devices.map((d) => d.kind.length));
  return devices.map((d) => line(d, idWidth, kindWidth)).join("\n");
}

async function runFault(
  device: string | undefined,
  fault: string | undefined,
  o: { control: string; clear?: boolean; json?: boolean },
): Promise<void> {
  const print = (answer: unknown, text: () => string) =>
    process.stdout.write(`${o.json ? JSON.stringify(answer, null, 2) : text()}\n`);
  if (device === undefined) {
    if (o.clear) throw new Error("--clear needs a device: jisr sim fault --control URL DEVICE --clear");
    const devices = z.array(deviceSchema).parse(await controlRequest(o.control, "GET", "devices"));
    print(devices, () => (devices.length ? table(devices) : "no devices"));
    return;
  }
  const path = `devices/${encodeURIComponent(device)}/faults`;
  if (o.clear) {
    if (fault !== undefined) throw new Error(`--clear clears every fault of "${device}"; drop "${fault}"`);
    const d = deviceSchema.parse(await controlRequest(o.control, "DELETE", path));
    print(d, () => `cleared: ${line(d)}`);
    return;
  }
  if (fault === undefined) throw new Error(`which fault for "${device}"? e.g. trip, or --clear`);
  const d = deviceSchema.parse(await controlRequest(o.control, "POST", path, parseFaultText(fault)));
  print(d, () => line(d));
}

export function registerFaultCommand(sim: Command): void {
  sim
    .command("fault")
    .description(
      "inject a fault into a running simulated device, or clear its faults, through its control API " +
        "(jisr sim inverter|device --control-port, or the URL the demo prints); without a device, list them",
    )
    .argument("[device]", "device id, as listed (e.g. inverter, or foyer-ben-guerir/inverter-1 in the demo)")
    .argument("[fault]", "the fault, e.g. trip, string-failure=2, soiling=30, pump-failure")
    .requiredOption("--control <url>", "the control API, e.g. http://127.0.0.1:5099")
    .option("--clear", "clear every fault of the device and bring its link back")
    .option("--json", "print the device's state as JSON")
    .addHelpText(
      "after",
      `
Faults:
${FAULT_TEXT_HELP.replace(/^/gm, "  ")}

Examples:
  jisr sim fault --control http://127.0.0.1:5099                      (list devices and their faults)
  jisr sim fault --control http://127.0.0.1:5099 foyer-ben-guerir/inverter-1 string-failure=2
  jisr sim fault --control http://127.0.0.1:5099 foyer-ben-guerir/swh-1 stuck-sensor=tank_top_temperature_c
  jisr sim fault --control http://127.0.0.1:5099 foyer-ben-guerir/inverter-1 --clear`,
    )
    .action(runFault);
}
