import { hostname } from "node:os";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { addMqttOptions, mqttServerOptions } from "./cli-options.js";
import { batchTopicParts, parseBatchTopicFilter, subscription } from "./topic.js";

/** The options as commander hands them to the action, defaults included. */
function parseArgs(args: string[]): Record<string, unknown> {
  const command = addMqttOptions(new Command("ingest").exitOverride());
  command.parse(args, { from: "user" });
  return command.opts();
}

describe("jisr ingest MQTT options", () => {
  it("takes HTTP only without --mqtt-url", () => {
    expect(mqttServerOptions(parseArgs([]), 8080)).toEqual({ ok: true, options: undefined });
  });

  it("defaults to a plain subscription of jisr/+/+/points and a client id per host and port", () => {
    expect(mqttServerOptions(parseArgs(["--mqtt-url", "mqtt://broker:1883"]), 8080)).toEqual({
      ok: true,
      options: {
        url: "mqtt://broker:1883",
        topic: "jisr/+/+/points",
        group: "",
        clientId: `jisr-ingest-${hostname()}-8080`.slice(0, 64),
        state: {
          path: "jisr-ingest-mqtt.sqlite",
          maxQuarantineBatches: 10_000,
          maxQuarantineBytes: 536_870_912,
        },
        feedbackTopic: "jisr/{institution}/{gateway}/feedback",
      },
    });
  });

  it("names each wrong option", () => {
    const raw = parseArgs([
      "--mqtt-url",
      "http://broker",
      "--mqtt-topic",
      "jisr/#",
      "--mqtt-group",
      "a b",
      "--mqtt-feedback-topic",
      "jisr/+/feedback",
      "--mqtt-quarantine-max-batches",
      "0",
    ]);
    expect(mqttServerOptions(raw, 8080)).toEqual({
      ok: false,
      problems: [
        { path: "mqttUrl", message: "must be an mqtt:// or mqtts:// URL, e.g. mqtt://127.0.0.1:1883" },
        { path: "mqttTopic", message: 'must not contain "#": the topic names institution and gateway' },
        { path: "mqttGroup", message: "must be letters, digits, _ or - (empty: no shared subscription)" },
        { path: "mqttFeedbackTopic", message: 'must be a topic name, without "+", "#" or a leading "$"' },
        { path: "mqttQuarantineMaxBatches", message: expect.stringMatching(/>0|greater than 0|positive/i) },
      ],
    });
  });
});

describe("batch topics", () => {
  it("reads the institution and the gateway from the two + levels", () => {
    const f = parseBatchTopicFilter("sites/+/gw/+/points");
    expect(batchTopicParts(f, "sites/ehpad-ben-guerir/gw/gw-1/points")).toEqual({
      institution: "ehpad-ben-guerir",
      gateway: "gw-1",
    });
    expect(batchTopicParts(f, "sites/ehpad-ben-guerir/gw/gw-1/points/x")).toBeUndefined();
    expect(() => parseBatchTopicFilter("jisr/+/points")).toThrow("must have exactly two + levels");
    expect(subscription("jisr/+/+/points", "jisr-ingest")).toBe("$share/jisr-ingest/jisr/+/+/points");
    expect(subscription("jisr/+/+/points", "")).toBe("jisr/+/+/points");
  });
});
