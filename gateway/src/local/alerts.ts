/**
 * Local alerts (issue 13, "weeks alone"): the gateway itself notices an inverter fault, a device that
 * stopped answering and cold hot water, and tells someone on site, because with the Internet link down
 * the central alerting service sees nothing. The conditions follow the central rules (inverter_fault,
 * device_silent, swh_tank_cold) and the texts are theirs (@jisr/core/alert-texts), so a technician reads
 * the same words from both.
 *
 * Pure: fed readings (`record`) and the devices' health (`evaluate`), it returns the changes to tell.
 * Each alert is raised once and cleared once: its cause must be gone for `clear_after` before it is
 * cleared, and a cause that comes back meanwhile keeps it raised without a new message.
 */
import type { Point } from "@jisr/core";
import { localParts } from "@jisr/core";
import { CATALOGUES, type Catalogue, type Language, text } from "@jisr/core/alert-texts";
import { type LocalAlertsConfig, windowMinutes } from "../config/local-schema.js";

export type LocalRule = "inverter_fault" | "device_silent" | "swh_tank_cold";
type Severity = "critical" | "major" | "minor" | "info";

/** What a rule says about one device now; undefined from a rule: no verdict (keep the alert as it is). */
interface Verdict {
  active: boolean;
  variant: string;
  params: Record<string, string | number>;
  action: string;
  /** When the cause began (epoch ms). */
  since: number;
}

/** One message for the local recipient: an alert raised or cleared, in one language. */
export interface LocalAlertMessage {
  /** `<rule>:<device>`: the same for the raise and the clear of one alert. */
  key: string;
  status: "firing" | "resolved";
  rule: LocalRule;
  device: string;
  institution: string;
  gateway_id: string;
  severity: Severity;
  language: Language;
  /** E.g. "Critique — Nouvelle alerte" / "Résolue". */
  title: string;
  /** The central rule's summary text, e.g. "L'onduleur inv-1 est en défaut (état FAULT)". */
  summary: string;
  /** Suggested action (firing only). */
  action?: string;
  /** Title, summary and action as one line, for a display or a text message. */
  text: string;
  /** When the cause began (epoch ms) and when this message was decided. */
  since: number;
  at: number;
}

export interface DeviceView {
  id: string;
  state: string;
  since: number;
  last_success_at?: number;
}

const SEVERITY: Record<LocalRule, Severity> = {
  inverter_fault: "critical",
  device_silent: "major",
  swh_tank_cold: "major",
};

interface Tracked {
  raised: boolean;
  /** While raised: since when the cause has been gone (the clear waits for clear_after). */
  goneSince?: number;
  verdict: Verdict;
}

interface ColdRun {
  /** First reading of the current run below the service temperature. */
  since?: number;
  /** First reading of the current run at or above it. */
  warmSince?: number;
  temperature: number;
  time: number;
}

export class LocalAlerts {
  readonly #c: LocalAlertsConfig;
  readonly #who: { institution: string; gateway_id: string };
  readonly #lang: Catalogue;
  readonly #alerts = new Map<string, Tracked>();
  /** Latest inverter state per device (from pv_inverter readings). */
  readonly #inverters = new Map<string, { state: string; time: number; since: number; fault: boolean }>();
  readonly #tanks = new Map<string, ColdRun>();

  constructor(config: LocalAlertsConfig, who: { institution: string; gateway_id: string }) {
    this.#c = config;
    this.#who = who;
    this.#lang = CATALOGUES[config.language];
  }

  /** Takes in readings as they are queued (any device, any measurement). */
  record(points: readonly Point[]): void {
    for (const p of points) {
      const device = p.tags.device;
      if (device === undefined) continue;
      if (p.measurement === "pv_inverter" && typeof p.fields.state === "string") this.#inverter(device, p);
      else if (p.measurement === "hot_water") this.#tank(device, p);
    }
  }

  /** The alerts raised now, for the local page. */
  active(): { key: string; rule: LocalRule; device: string; summary: string; since: number }[] {
    return [...this.#alerts.entries()]
      .filter(([, a]) => a.raised)
      .map(([key, a]) => {
        const [rule, device] = splitKey(key);
        return { key, rule, device, summary: this.#summary(rule, device, a.verdict), since: a.verdict.since };
      });
  }

  /** Judges every device now; returns the messages to send (raises and clears), oldest cause first. */
  evaluate(now: number, devices: readonly DeviceView[]): LocalAlertMessage[] {
    const out: LocalAlertMessage[] = [];
    for (const d of devices) this.#apply(`device_silent:${d.id}`, this.#silence(d, now), now, out);
    for (const [id, inv] of this.#inverters) {
      this.#apply(
        `inverter_fault:${id}`,
        {
          active: inv.fault,
          variant: inv.fault ? "fault_state" : "ok",
          params: { state: inv.state, events: "" },
          action: "read_inverter_display_and_restart",
          since: inv.since,
        },
        now,
        out,
      );
    }
    const window = this.#windowAt(now);
    for (const [id, run] of this.#tanks) {
      // Outside the demand windows the tank is not judged (as centrally): no raise and no clear.
      if (!window || run.time < window.start) continue;
      const cold =
        run.since !== undefined && Math.max(run.since, window.start) <= now - this.#c.hot_water.for;
      if (cold || run.since === undefined)
        this.#apply(
          `swh_tank_cold:${id}`,
          {
            active: cold,
            variant: cold ? "cold" : "ok",
            params: {
              temperature_c: Math.round(run.temperature),
              service_temperature_c: this.#c.hot_water.service_temperature_c,
              demand_window: window.label,
            },
            action: "check_solar_loop_and_backup",
            since: run.since ?? run.warmSince ?? run.time,
          },
          now,
          out,
        );
    }
    return out.sort((a, b) => a.since - b.since);
  }

  #silence(d: DeviceView, now: number): Verdict | undefined {
    if (d.state === "online")
      return { active: false, variant: "ok", params: {}, action: "none", since: d.since };
    if (d.state !== "offline") return undefined;
    const lastSeen = d.last_success_at ?? d.since;
    const silentMs = now - lastSeen;
    return {
      // A device that flaps (back for one poll, then gone again) keeps its alert: offline again is
      // not the cause going away.
      active:
        now - d.since >= this.#c.offline_after || this.#alerts.get(`device_silent:${d.id}`)?.raised === true,
      variant: "silent",
      params: { silent_min: Math.max(1, Math.round(silentMs / 60_000)) },
      action: "check_device_power_and_link",
      since: d.since,
    };
  }

  #inverter(device: string, p: Point): void {
    const state = p.fields.state as string;
    const fault = this.#c.fault_states.includes(state);
    const before = this.#inverters.get(device);
    if (before && p.time < before.time) return; // a late reading says nothing about now
    const since = before && before.fault === fault ? before.since : p.time;
    this.#inverters.set(device, { state, time: p.time, since, fault });
  }

  #tank(device: string, p: Point): void {
    const field = this.#c.hot_water.fields.find((f) => typeof p.fields[f] === "number");
    if (!field) return;
    const temperature = p.fields[field] as number;
    const before = this.#tanks.get(device);
    if (before && p.time < before.time) return;
    const cold = temperature < this.#c.hot_water.service_temperature_c;
    const since = cold ? (before?.since ?? p.time) : undefined;
    const warmSince = cold ? undefined : (before?.warmSince ?? p.time);
    this.#tanks.set(device, {
      temperature,
      time: p.time,
      ...(since !== undefined && { since }),
      ...(warmSince !== undefined && { warmSince }),
    });
  }

  /** The demand window `now` falls in (its start as epoch ms), if any. */
  #windowAt(now: number): { start: number; label: string } | undefined {
    const { hour, minute } = localParts(now, this.#c.hot_water.time_zone);
    const minutes = hour * 60 + minute;
    for (const w of this.#c.hot_water.demand_windows) {
      const start = windowMinutes(w.start);
      if (minutes >= start && minutes < windowMinutes(w.end)) {
        // Zone offsets are whole minutes: the local second is the UTC one.
        const startMs = now - (minutes - start) * 60_000 - (now % 60_000);
        return { start: startMs, label: `${w.start}-${w.end}` };
      }
    }
    return undefined;
  }

  /** Raise on a cause not yet raised; clear once a raised cause has been gone for clear_after. */
  #apply(key: string, verdict: Verdict | undefined, now: number, out: LocalAlertMessage[]): void {
    if (!verdict) return;
    const tracked = this.#alerts.get(key);
    if (verdict.active) {
      if (tracked?.raised) {
        tracked.goneSince = undefined;
        tracked.verdict = verdict;
        return;
      }
      this.#alerts.set(key, { raised: true, verdict });
      out.push(this.#message(key, "firing", verdict, now));
      return;
    }
    if (!tracked?.raised) return;
    // From when the cause went away (the first good reading), if the verdict knows it.
    tracked.goneSince ??= Math.min(now, verdict.since);
    if (now - tracked.goneSince < this.#c.clear_after) return;
    this.#alerts.delete(key);
    out.push(this.#message(key, "resolved", { ...verdict, since: tracked.verdict.since }, now));
  }

  #summary(rule: LocalRule, device: string, v: Verdict): string {
    return text({ key: `${rule}.${v.variant}`, params: v.params }, "summaries", this.#lang, CATALOGUES.en, {
      device,
      institution: this.#who.institution,
    });
  }

  #message(key: string, status: "firing" | "resolved", v: Verdict, now: number): LocalAlertMessage {
    const [rule, device] = splitKey(key);
    const c = this.#lang;
    const severity = SEVERITY[rule];
    const okVariant = { ...v, variant: "ok" };
    const summary = this.#summary(rule, device, status === "firing" ? v : okVariant);
    const action =
      status === "firing"
        ? text({ key: v.action, params: {} }, "actions", c, CATALOGUES.en, { device })
        : undefined;
    const title = status === "firing" ? `${c.severity[severity]} — ${c.kind.firing}` : c.kind.resolved;
    const line = [
      `${title}${c.punctuation.colon}${summary}`,
      ...(action ? [`${c.labels.action}${c.punctuation.colon}${action}`] : []),
    ].join(c.punctuation.semicolon);
    return {
      key,
      status,
      rule,
      device,
      ...this.#who,
      severity,
      language: c.language,
      title,
      summary,
      ...(action !== undefined && { action }),
      text: line,
      since: v.since,
      at: now,
    };
  }
}

function splitKey(key: string): [LocalRule, string] {
  const at = key.indexOf(":");
  return [key.slice(0, at) as LocalRule, key.slice(at + 1)];
}
