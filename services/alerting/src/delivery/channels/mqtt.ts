/**
 * MQTT: the message's JSON document published with QoS 1 (the broker acknowledges it; a copy after a
 * reconnect is possible, hence the idempotency key in the payload), not retained: an alert is an event,
 * and a subscriber joining later should not get an old one as if new. One connection, opened at the first
 * message and kept; mqtt.js reconnects by itself.
 */
import mqtt, { type MqttClient } from "mqtt";
import type { Logger } from "pino";
import type { MqttConfig } from "../../config/schema.js";
import { type Channel, DeliveryError, type OutgoingMessage } from "./channel.js";

export class MqttChannel implements Channel {
  readonly kind = "mqtt" as const;
  readonly #config: MqttConfig;
  readonly #log: Logger;
  #client: Promise<MqttClient> | undefined;

  constructor(config: MqttConfig, logger: Logger) {
    this.#config = config;
    this.#log = logger;
  }

  #connect(): Promise<MqttClient> {
    const c = this.#config;
    this.#client ??= mqtt
      .connectAsync(c.url, {
        clientId: c.client_id,
        ...(c.username !== undefined && { username: c.username, password: c.password ?? "" }),
        connectTimeout: c.timeout,
        reconnectPeriod: 1000,
      })
      .then((client) => {
        client.on("error", (err) => this.#log.warn({ err }, "MQTT connection error"));
        return client;
      })
      .catch((err: unknown) => {
        this.#client = undefined; // the next message tries again
        throw err;
      });
    return this.#client;
  }

  async send({ delivery, payload }: OutgoingMessage): Promise<void> {
    const where = `MQTT ${this.#config.url} topic "${delivery.address}"`;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no PUBACK within ${this.#config.timeout} ms`)),
        this.#config.timeout,
      );
    });
    try {
      const client = await Promise.race([this.#connect(), timeout]);
      await Promise.race([
        client.publishAsync(delivery.address, JSON.stringify(payload), { qos: 1 }),
        timeout,
      ]);
      this.#log.debug({ topic: delivery.address, key: delivery.idempotencyKey }, "MQTT message delivered");
    } catch (err) {
      throw new DeliveryError(`${where}: ${(err as Error).message}`, true, { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    const pending = this.#client;
    this.#client = undefined;
    const client = await pending?.catch(() => undefined);
    await client?.endAsync();
  }
}
