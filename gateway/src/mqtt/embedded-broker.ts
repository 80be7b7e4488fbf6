/**
 * A small MQTT broker inside the gateway (aedes), for a site without a broker of its own and for the demo.
 * aedes 1.2 speaks MQTT 3.1.1 only (an MQTT 5 CONNECT is refused), which is what Shelly, Tasmota and
 * OpenDTU speak; it keeps its sessions in memory, so a gateway restart forgets them.
 */
import { createServer, type Server } from "node:net";
import { Aedes } from "aedes";
import type { Logger } from "pino";

export interface EmbeddedBroker {
  /** Where the gateway itself connects: mqtt://127.0.0.1:<port> when listening on every interface. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts listening; `port: 0` picks a free port (tests). Throws if the port is taken. */
export async function startEmbeddedBroker(
  listen: { host: string; port: number },
  logger: Logger,
): Promise<EmbeddedBroker> {
  const broker = await Aedes.createBroker();
  broker.on("clientError", (client, err) => {
    logger.debug({ client: client.id, err: err.message }, "MQTT client error on the embedded broker");
  });
  const server = createServer(broker.handle);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(listen.port, listen.host, () => resolve());
    });
  } catch (err) {
    await closeBroker(broker);
    const e = err as NodeJS.ErrnoException;
    const hint =
      e.code === "EADDRINUSE" ? ": another broker already listens there (set mqtt.url to use it)" : "";
    throw new Error(
      `embedded MQTT broker cannot listen on ${listen.host}:${listen.port} (${e.code ?? e.message})${hint}`,
    );
  }
  const port = (server.address() as { port: number }).port;
  const host = listen.host === "0.0.0.0" || listen.host === "::" ? "127.0.0.1" : listen.host;
  logger.info({ host: listen.host, port }, "Embedded MQTT broker listening");
  return { url: `mqtt://${host}:${port}`, port, close: () => closeServer(server, broker) };
}

async function closeServer(server: Server, broker: Aedes): Promise<void> {
  await closeBroker(broker); // closes the client connections, so server.close() can complete
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

function closeBroker(broker: Aedes): Promise<void> {
  return new Promise((resolve) => broker.close(() => resolve()));
}
