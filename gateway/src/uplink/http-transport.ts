/**
 * The HTTP transport of the Sender: one POST of a gzipped JSON batch to <uplink.url>/api/v1/write per
 * batch (post-batch.ts), with the gateway's token. No connection to keep: always ready.
 */
import type { Point } from "@jisr/core";
import { postBatch, writeEndpoint } from "./post-batch.js";
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

  constructor(options: HttpTransportOptions) {
    this.#endpoint = writeEndpoint(options.url);
    this.#token = options.token;
    this.#userAgent = `jisr-gateway (${options.gatewayId})`;
  }

  send(points: readonly Point[], signal: AbortSignal): Promise<TransportOutcome> {
    return postBatch({
      endpoint: this.#endpoint,
      token: this.#token,
      userAgent: this.#userAgent,
      points,
      signal,
    });
  }
}
