/**
 * Thresholds of the rules about the data path and the inverters' own reports: silence, backlog,
 * fault states and event bits. Sources: the gateway's health readings (gateway/src/run/health.ts) and
 * DOMAIN.md §5.1 "Inverter event bits" (SunSpec Evt1 §6.3, Huawei alarms §6.4).
 */

import { strictObject } from "@jisr/core";
import { z } from "zod";
import { bounded, enabled, severitySchema, whole } from "./zod-helpers.js";

export const siteSilentSchema = strictObject({
  enabled: enabled(),
  after_min: whole(2, 24 * 60, "min")
    .default(15)
    .describe(
      "A gateway is silent when its last gateway_health reading is older than this. It sends one every " +
        "health.interval (60 s by default), so 15 min is 15 missed beats, not a blip.",
    ),
  severity: severitySchema.default("critical").describe("A silent gateway hides the whole institution."),
});

export const deviceSilentSchema = strictObject({
  enabled: enabled(),
  after_min: whole(2, 24 * 60, "min")
    .default(30)
    .describe("A device is silent when its last reading (any measurement) is older than this."),
  inverters_sleep_at_night: z
    .boolean()
    .default(true)
    .describe(
      "Many inverters switch their Modbus off at night: count an inverter's silence only while the sun " +
        "is above awake_elevation_deg.",
    ),
  awake_elevation_deg: bounded(-10, 30, "°")
    .default(10)
    .describe("Sun elevation above which a sleeping inverter must have woken up and answer."),
  severity: severitySchema.default("major"),
});

export const gatewayBacklogSchema = strictObject({
  enabled: enabled(),
  max_oldest_queued_age_min: whole(1, 7 * 24 * 60, "min")
    .default(30)
    .describe(
      "Backlog when the oldest queued reading (gateway_health.oldest_queued_age_s) is older than this: " +
        "the uplink has not delivered for that long.",
    ),
  growth_window_min: whole(10, 24 * 60, "min")
    .default(60)
    .describe("Window over which a growing queue (gateway_health.queue_points) is looked for."),
  min_growth_points: whole(1, 10_000_000, "points")
    .default(500)
    .describe(
      "Growing when queue_points rose by at least this over the window and never fell back to where it " +
        "started (a healthy queue empties at every send).",
    ),
  min_samples: whole(2, 1000, "readings")
    .default(4)
    .describe("Health readings needed in the window to judge."),
  severity: severitySchema.default("minor").describe("Severity of a backlog; lost points raise it to major."),
});

/** SunSpec Evt1 names (gateway/profiles/sunspec/inverter.yaml) and Huawei alarm names (huawei-sun2000.yaml). */
const DEFAULT_EVENT_SEVERITY: Record<string, z.infer<typeof severitySchema>> = {
  // Safety first: insulation and earth faults, arcs (Huawei marks these "major").
  GROUND_FAULT: "critical",
  DC_ARC_FAULT: "critical",
  LOW_INSULATION_RESISTANCE: "critical",
  ABNORMAL_GROUNDING: "critical",
  ABNORMAL_RESIDUAL_CURRENT: "critical",
  PHASE_WIRE_SHORT_TO_PE: "critical",
  STRING_REVERSE_CONNECTION: "critical",
  // Someone opened the cabinet or stopped the inverter: worth knowing, rarely a fault.
  CABINET_OPEN: "minor",
  MANUAL_SHUTDOWN: "minor",
  LICENSE_EXPIRED: "info",
  UPGRADE_FAILED_OR_VERSION_MISMATCH: "minor",
};

export const inverterFaultSchema = strictObject({
  enabled: enabled(),
  max_age_min: whole(1, 24 * 60, "min")
    .default(15)
    .describe("Judge only a reading at most this old; an older one is the silence rule's business."),
  fault_states: z
    .array(z.string().min(1))
    .default(["FAULT", "SHUTDOWN_FAULT"])
    .describe(
      "pv_inverter.state values that are a fault: SunSpec St FAULT, Huawei 0x0300 SHUTDOWN_FAULT " +
        "(DOMAIN.md §5.1).",
    ),
  fault_severity: severitySchema.default("critical"),
  event_severity: z
    .record(z.string().regex(/^[A-Z0-9_]+$/, "must be an event name in UPPER_SNAKE"), severitySchema)
    .default({})
    .transform((given) => ({ ...DEFAULT_EVENT_SEVERITY, ...given }))
    .describe(
      "Severity per event or alarm name (pv_inverter.events / alarms), on top of the built-in list " +
        "(earth and arc faults critical, cabinet open minor...); other names get default_event_severity.",
    ),
  default_event_severity: severitySchema.default("major"),
  ignored_events: z
    .array(z.string().min(1))
    .default([])
    .describe("Event or alarm names never alerted on (e.g. one a vendor sets permanently)."),
});
