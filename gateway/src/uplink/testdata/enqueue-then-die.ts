// For sqlite-outbox.test.ts: queue points in several transactions, then die by SIGKILL before closing.
import { SqliteOutbox } from "../sqlite-outbox.js";

const [path, polls] = process.argv.slice(2);
const outbox = SqliteOutbox.open({ path: path as string, maxBytes: 64 * 1024 * 1024 });
for (let n = 1; n <= Number(polls); n++) {
  outbox.enqueue([
    {
      measurement: "pv_inverter",
      tags: { device: "inv-1" },
      fields: { power_w: n },
      time: 1_800_000_000_000 + n,
    },
  ]);
}
process.stdout.write("queued\n");
process.kill(process.pid, "SIGKILL");
