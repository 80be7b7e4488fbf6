/**
 * The gateway under test for gateway-footprint.ts: runGateway with the config file given, in a process
 * of its own, reporting its own CPU time (process.cpuUsage) and memory as JSON lines on stdout.
 */
import { pino } from "pino";
import { loadGatewayConfig } from "../gateway/src/config/load.js";
import { runGateway } from "../gateway/src/run/gateway.js";

const [configPath, sampleMs] = process.argv.slice(2);
// Before anything runs: what Node, tsx and the loaded modules take by themselves.
process.stdout.write(`${JSON.stringify({ idle_rss: process.memoryUsage().rss })}\n`);
const gateway = await runGateway(loadGatewayConfig(configPath as string), {
  logger: pino({ level: "warn" }, process.stderr),
});
const sample = () => {
  const status = gateway.status();
  const line = {
    at: Date.now(),
    cpu: process.cpuUsage(),
    rss: process.memoryUsage().rss,
    heap: process.memoryUsage().heapUsed,
    polls: status.devices.reduce((n, d) => n + d.polls, 0),
    online: status.devices.filter((d) => d.state === "online").length,
    delivered: status.uplink.delivered_points,
    queued: status.queue.points,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
};
sample();
const timer = setInterval(sample, Number(sampleMs));
process.once("SIGTERM", async () => {
  clearInterval(timer);
  await gateway.stop();
  process.exit(0);
});
