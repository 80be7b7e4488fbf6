/**
 * The configured MQTT devices, each with its profile loaded and its topic patterns compiled for its own
 * topic. Done once at start: a missing profile or a role the profile does not know refuses the start,
 * with every problem named by its config path.
 */
import { type Problem, ValidationError } from "@jisr/core";
import type { MqttConfig, MqttDeviceConfig } from "../config/mqtt-schema.js";
import { loadMqttProfile, type MqttProfile } from "../profiles/load.js";
import type { Role, TopicSpec } from "../profiles/mqtt-schema.js";
import { type CompiledTopic, compileTopicPattern } from "./topic-pattern.js";

export interface DeviceTopic {
  spec: TopicSpec;
  compiled: CompiledTopic;
}

export interface MqttDevice {
  config: MqttDeviceConfig;
  profile: MqttProfile;
  role: Role;
  topics: DeviceTopic[];
}

/** Resolves every device; throws ValidationError (paths `mqtt.devices.N...`) if any cannot be used. */
export function resolveMqttDevices(config: Pick<MqttConfig, "devices">, baseDir?: string): MqttDevice[] {
  const problems: Problem[] = [];
  const devices: MqttDevice[] = [];
  const profiles = new Map<string, MqttProfile>();
  config.devices.forEach((device, i) => {
    const at = (key: string) => `mqtt.devices.${i}.${key}`;
    let profile = profiles.get(device.profile);
    try {
      profile ??= loadMqttProfile(device.profile, baseDir);
      profiles.set(device.profile, profile);
    } catch (err) {
      const detail = err instanceof ValidationError ? err.problems.map((p) => `${p.path}: ${p.message}`) : [];
      const message = detail.length > 0 ? detail.join("; ") : (err as Error).message;
      problems.push({ path: at("profile"), message: `profile "${device.profile}": ${message}` });
      return;
    }
    const role = device.role ?? profile.spec.roles[0];
    if (role === undefined || !profile.spec.roles.includes(role)) {
      problems.push({
        path: at("role"),
        message: `"${device.role}" is not a role of profile "${profile.name}" (roles: ${profile.spec.roles.join(", ")})`,
      });
      return;
    }
    devices.push(mqttDevice(device, profile, role));
  });
  if (problems.length > 0) throw new ValidationError("MQTT devices", problems);
  return devices;
}

/** One device with its profile's topic patterns compiled for the device's own topic. */
export function mqttDevice(config: MqttDeviceConfig, profile: MqttProfile, role: Role): MqttDevice {
  const topics = profile.spec.topics.map((spec) => ({
    spec,
    compiled: compileTopicPattern(spec.topic, config.topic),
  }));
  return { config, profile, role, topics };
}

/** The device and topic spec a message belongs to, with what the pattern captured; first match wins. */
export function routeMessage(
  devices: readonly MqttDevice[],
  topic: string,
): { device: MqttDevice; topic: DeviceTopic; captures: Record<string, string> } | undefined {
  for (const device of devices) {
    for (const t of device.topics) {
      const captures = t.compiled.match(topic);
      if (captures) return { device, topic: t, captures };
    }
  }
  return undefined;
}
