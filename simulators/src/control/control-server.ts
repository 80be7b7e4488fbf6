/**
 * A small HTTP API to break and repair running simulated devices, so a fault can be injected on command
 * (`jisr sim fault`, or curl) into a simulator or the demo while the gateway and the alert rules watch:
 *
 *   GET    /devices                 every device, what it can have, and its faults now
 *   POST   /devices/:id/faults      {"fault":"trip"} | {"fault":"soiling","percent":30} | ...
 *   DELETE /devices/:id/faults      every fault cleared, the link back up
 *
 * It listens on loopback by default: it is a test bench's switchboard, with no authentication. So that a
 * web page open on the same machine cannot drive it either, it refuses requests a browser makes (with an
 * Origin header, or under another host name: DNS rebinding) and bodies that are not JSON (a cross-site
 * form can post text/plain without asking first).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type Logger, pino } from "pino";
import { type FaultTarget, faultRequestSchema, UnsupportedFaultError } from "./faults.js";

const MAX_BODY_BYTES = 10_000;

export interface ControlServer {
  /** e.g. http://127.0.0.1:5099 */
  url: string;
  close(): Promise<void>;
}

export interface ControlServerOptions {
  targets: readonly FaultTarget[];
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  logger?: Logger;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new HttpError(400, "body is not JSON");
  }
}

const LOOPBACK_NAMES = new Set(["127.0.0.1", "localhost", "[::1]"]);
/** The Host header names this server: a loopback name, or the address it was told to listen on. */
function hostAllowed(host: string | undefined, listening: string): boolean {
  if (host === undefined) return true; // HTTP/1.0 clients send none; a browser always does
  const name = host.replace(/:\d+$/, "");
  return LOOPBACK_NAMES.has(name) || name === listening || name === `[${listening}]`;
}

function decodeId(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new HttpError(400, `device id "${raw}" is not valid percent-encoding`);
  }
}

function describe(t: FaultTarget) {
  return { id: t.id, kind: t.kind, supports: t.supports, faults: t.faults() };
}

export async function startControlServer(opts: ControlServerOptions): Promise<ControlServer> {
  const log = (opts.logger ?? pino({ level: "silent" })).child({ component: "sim-control" });
  const host = opts.host ?? "127.0.0.1";
  const targets = new Map(opts.targets.map((t) => [t.id, t]));
  if (targets.size !== opts.targets.length) throw new Error("control server: two devices share an id");

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.headers.origin !== undefined)
      throw new HttpError(403, "requests from a web page are refused; use jisr sim fault or curl");
    if (!hostAllowed(req.headers.host, host))
      throw new HttpError(403, `host "${req.headers.host ?? ""}" refused; use the address it listens on`);
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path === "/devices" && req.method === "GET") return [...targets.values()].map(describe);
    const m = /^\/devices\/([^/]+)\/faults$/.exec(path);
    if (!m) throw new HttpError(404, `no route ${req.method} ${path}; try GET /devices`);
    const id = decodeId(m[1] as string);
    const target = targets.get(id);
    if (!target) throw new HttpError(404, `no device "${id}"; devices: ${[...targets.keys()].join(", ")}`);
    if (req.method === "DELETE") {
      await target.clear();
      log.info({ device: id }, "faults cleared");
      return describe(target);
    }
    if (req.method !== "POST") {
      res.setHeader("allow", "POST, DELETE");
      throw new HttpError(405, `${req.method} not allowed on ${path}`);
    }
    const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
    if (type !== "application/json") throw new HttpError(415, "send the fault as application/json");
    const parsed = faultRequestSchema.safeParse(await readJson(req));
    if (!parsed.success)
      throw new HttpError(
        400,
        parsed.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; "),
      );
    try {
      await target.apply(parsed.data);
    } catch (err) {
      if (err instanceof UnsupportedFaultError) throw new HttpError(409, err.message);
      throw new HttpError(400, (err as Error).message);
    }
    log.info({ device: id, fault: parsed.data }, "fault injected");
    return describe(target);
  };

  const server = createServer((req, res) => {
    handle(req, res).then(
      (body) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      },
      (err: unknown) => {
        const status = err instanceof HttpError ? err.status : 500;
        if (status === 500) log.error({ err }, "control request failed");
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: (err as Error).message }));
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  log.info({ url, devices: [...targets.keys()] }, "fault control listening");
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Client side, for `jisr sim fault`: one request, its JSON answer, or an error naming the server's reason. */
export async function controlRequest(
  baseUrl: string,
  method: "GET" | "POST" | "DELETE",
  path: string,
  body?: unknown,
): Promise<unknown> {
  const url = new URL(path, baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`);
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      ...(body !== undefined && {
        body: JSON.stringify(body),
        headers: { "content-type": "application/json" },
      }),
    });
  } catch (err) {
    const cause = (err as Error).cause as { code?: string; message?: string } | undefined;
    throw new Error(
      `no fault control at ${baseUrl}: ${cause?.code ?? cause?.message ?? (err as Error).message}`,
    );
  }
  const answer = (await res.json().catch(() => ({}))) as { error?: string };
  if (!res.ok) throw new Error(`${res.status}: ${answer.error ?? res.statusText}`);
  return answer;
}
