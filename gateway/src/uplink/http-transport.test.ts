import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const HERE = dirname(fileURLToPath(import.meta.url));

/**
 * Issue 13, footprint: the HTTP uplink posts with node:http, so a gateway that uploads never loads
 * undici (Node's fetch: its own HTTP stack and a WebAssembly parser, ~10 MiB resident). Run in a fresh
 * Node, where nothing else has touched fetch, against a real server on loopback.
 */
describe("HttpTransport", () => {
  it("delivers batches over one kept-alive connection without loading undici, and closes it on close()", () => {
    const out = execFileSync(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `
        const { HttpTransport } = await import("tsx/esm/api").then((t) =>
          t.tsImport(${JSON.stringify(join(HERE, "http-transport.ts"))}, import.meta.url));
        const { createServer } = await import("node:http");
        let connections = 0;
        let open = 0;
        const server = createServer((req, res) => { req.resume(); req.on("end", () => res.writeHead(204).end()); });
        server.on("connection", (socket) => { connections++; open++; socket.on("close", () => open--); });
        await new Promise((r) => server.listen(0, "127.0.0.1", r));
        const transport = new HttpTransport({ url: "http://127.0.0.1:" + server.address().port, token: "t", gatewayId: "gw" });
        const point = { measurement: "m", tags: { institution: "i", device: "d" }, fields: { v: 1 }, time: 0 };
        const kinds = [];
        for (let i = 0; i < 3; i++) kinds.push((await transport.send([point], AbortSignal.timeout(10000))).kind);
        const openBeforeClose = open;
        await transport.close();
        while (open > 0) await new Promise((r) => setTimeout(r, 10));
        server.close();
        const undici = process.moduleLoadList.filter((m) => /undici/i.test(m));
        console.log(JSON.stringify({ kinds, connections, openBeforeClose, undici }));
      `,
      ],
      { cwd: HERE, encoding: "utf8", timeout: 60_000 },
    );
    expect(JSON.parse(out)).toEqual({
      kinds: ["delivered", "delivered", "delivered"],
      connections: 1,
      openBeforeClose: 1,
      undici: [],
    });
  });
});
