import { pino } from "pino";
import { expect, it } from "vitest";
import { MemoryOutbox } from "./memory-outbox.js";
import { outboxContract } from "./outbox-contract.js";

outboxContract("MemoryOutbox", (max) => new MemoryOutbox(max));

it("counts dropped points and logs once per overflow episode", () => {
  const lines: { msg: string; dropped_total?: number }[] = [];
  const logger = pino({ level: "info" }, { write: (s: string) => lines.push(JSON.parse(s)) });
  const outbox = new MemoryOutbox(2, logger);
  const p = (n: number) => ({ measurement: "m", tags: {}, fields: { v: n }, time: 1_800_000_000_000 + n });
  outbox.enqueue([p(1), p(2), p(3), p(4), p(5)]);
  expect(outbox.dropped).toBe(3);
  expect(lines.filter((l) => l.msg.startsWith("Outbox full"))).toHaveLength(1);
  outbox.ack(outbox.peek(1).map((e) => e.id));
  expect(lines.at(-1)?.msg).toBe("Outbox has room again");
  outbox.enqueue([p(6), p(7)]);
  expect(outbox.dropped).toBe(4);
  expect(lines.filter((l) => l.msg.startsWith("Outbox full"))).toHaveLength(2);
});
