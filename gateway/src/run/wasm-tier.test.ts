import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const HERE = dirname(fileURLToPath(import.meta.url));

/** Runs `code` (an ES module) in a fresh Node, where no WebAssembly is compiled yet, and returns its stdout. */
function fresh(code: string): string {
  return execFileSync(process.execPath, ["--input-type=module", "-e", code], {
    cwd: HERE,
    encoding: "utf8",
    timeout: 60_000,
  });
}

describe("WebAssembly kept in the baseline tier (footprint: no TurboFan tier-up of fetch's llhttp)", () => {
  it("fetch still posts and reads answers after the flag is set", () => {
    const out = fresh(`
      const { keepWasmInBaselineTier } = await import("tsx/esm/api").then((t) => t.tsImport(${JSON.stringify(join(HERE, "wasm-tier.ts"))}, import.meta.url));
      keepWasmInBaselineTier();
      keepWasmInBaselineTier(); // idempotent
      const { createServer } = await import("node:http");
      const server = createServer((req, res) => {
        let n = 0;
        req.on("data", (c) => { n += c.length; });
        req.on("end", () => res.writeHead(200, { "content-type": "text/plain" }).end(String(n)));
      });
      await new Promise((r) => server.listen(0, "127.0.0.1", r));
      const url = "http://127.0.0.1:" + server.address().port + "/";
      const answers = [];
      for (let i = 0; i < 30; i++) {
        const res = await fetch(url, { method: "POST", body: "x".repeat(1000 + i) });
        answers.push(res.status + ":" + (await res.text()));
      }
      server.close();
      console.log(answers.join(" "));
    `);
    expect(out.trim().split(" ")).toEqual(Array.from({ length: 30 }, (_, i) => `200:${1000 + i}`));
  });
});
