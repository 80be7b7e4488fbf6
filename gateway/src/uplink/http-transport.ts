/**
 * The HTTP transport of the Sender: one POST of a gzipped JSON batch to <uplink.url>/api/v1/write per
 * batch (post-batch.ts), with the gateway's token, over a kept-alive connection of its own (closed on
 * close()). No session to set up: always ready.
 */
import type { Point } from "@jisr/core";
import { postBatch, type UplinkConnections, uplinkConnections, writeEndpoint } from "./post-batch.js";
import type { Transport, TransportOutcome } from "./transport.js";

export interface HttpTransportOptions {
  /** Base URL of the ingestion service (uplink.url). */
  url: string;
  token: string;
  gatewayId: string;
}

export class HttpTransport implements Transport {
  readonly peer = "Server";
  readonly #endpoint: string;
  readonly #token: string;
  readonly #userAgent: string;
  #connections: Promise<UplinkConnections> | undefined;

  constructor(options: HttpTransportOptions) {
    this.#endpoint = writeEndpoint(options.url);
    this.#token = options.token;
    this.#userAgent = `jisr-gateway (${options.gatewayId})`;
  }

  send(points: readonly Point[], signal: AbortSignal): Promise<TransportOutcome> {
    this.#connections ??= uplinkConnections(this.#endpoint);
    return postBatch({
      endpoint: this.#endpoint,
      token: this.#token,
      userAgent: this.#userAgent,
      points,
      signal,
      connections: this.#connections,
    });
  }

  /** Closes the kept-alive connection (the last batch's answer has been read by then). */
  async close(): Promise<void> {
    const connections = this.#connections;
    this.#connections = undefined;
    (await connections?.catch(() => undefined))?.agent.destroy();
  }
}
