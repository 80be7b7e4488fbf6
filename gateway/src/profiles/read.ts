/**
 * Reading a device with a profile: the plan's requests through a ModbusLink, one after the other (an
 * RS-485 line takes one request at a time anyway), then every point decoded from the words it was read in.
 */
import type { ModbusLink } from "../modbus/link-types.js";
import { type DecodedValue, decodePoint } from "./decode.js";
import { planReads, type ReadRequest } from "./plan.js";
import type { Profile, ProfilePoint } from "./profile.js";

/** A device answered with fewer registers than asked: it does not hold what the profile says. */
export class ShortResponseError extends Error {
  override name = "ShortResponseError";
}

const plans = new WeakMap<Profile, ReadRequest[]>();

/** The profile's read plan, computed once per loaded profile. */
export function planOf(profile: Profile): ReadRequest[] {
  let plan = plans.get(profile);
  if (!plan) {
    plan = planReads(profile.points, profile.read);
    plans.set(profile, plan);
  }
  return plan;
}

/**
 * Decodes every point of `profile` from the answers to its plan (`responses[i]` answers `plan[i]`), in
 * profile order. Scale registers are decoded first, so each value takes the factor read with it.
 */
export function decodeResponses(
  profile: Profile,
  plan: readonly ReadRequest[],
  responses: readonly (readonly number[])[],
): DecodedValue[] {
  const byName = new Map(profile.points.map((p) => [p.name, p]));
  const wordsOf = new Map<string, readonly number[]>();
  plan.forEach((request, i) => {
    const data = responses[i] ?? [];
    for (const name of request.points) {
      const p = byName.get(name) as ProfilePoint;
      const from = p.address - request.address;
      wordsOf.set(name, data.slice(from, from + p.size));
    }
  });
  const decoded = new Map<string, DecodedValue>();
  const decode = (p: ProfilePoint) => {
    const sf = p.scaleRegister === undefined ? undefined : decoded.get(p.scaleRegister)?.value;
    decoded.set(p.name, decodePoint(p, wordsOf.get(p.name) ?? [], typeof sf === "number" ? sf : null));
  };
  for (const p of profile.points) if (p.scaleRegister === undefined) decode(p);
  for (const p of profile.points) if (p.scaleRegister !== undefined) decode(p);
  return profile.points.map((p) => decoded.get(p.name) as DecodedValue);
}

/**
 * Sends the requests of `plan` in order; rejects with the link's error, or ShortResponseError. `readAt`,
 * when given, receives the clock's time as each answer arrives (`readAt[i]` for `plan[i]`).
 */
export async function readPlan(
  link: ModbusLink,
  unit: number,
  plan: readonly ReadRequest[],
  timeoutMs: number,
  readAt?: { clock: () => number; times: number[] },
): Promise<number[][]> {
  const responses: number[][] = [];
  for (const r of plan) {
    const data = await link.read(unit, r.table, r.address, r.count, timeoutMs);
    readAt?.times.push(readAt.clock());
    if (data.length < r.count) {
      throw new ShortResponseError(
        `${r.table} ${r.address}+${r.count}: the device answered ${data.length} values instead of ${r.count}`,
      );
    }
    responses.push(data);
  }
  return responses;
}

/**
 * When each point of `profile` was read: the arrival time of the answer that carried its registers
 * (`times[i]` for `plan[i]`), in profile order.
 */
export function pointReadTimes(
  profile: Profile,
  plan: readonly ReadRequest[],
  times: readonly number[],
): number[] {
  const requestOf = new Map<string, number>();
  plan.forEach((request, i) => {
    for (const name of request.points) requestOf.set(name, i);
  });
  const last = times[times.length - 1] ?? Number.NaN;
  return profile.points.map((p) => times[requestOf.get(p.name) ?? -1] ?? last);
}

/**
 * Reads one device with `profile`: every point decoded, in profile order, and the time each was read
 * (the clock when the answer carrying its registers arrived).
 */
export async function readWithProfileTimed(
  link: ModbusLink,
  unit: number,
  profile: Profile,
  timeoutMs: number,
  clock: () => number,
): Promise<{ values: DecodedValue[]; readAt: number[] }> {
  const plan = planOf(profile);
  const times: number[] = [];
  const responses = await readPlan(link, unit, plan, timeoutMs, { clock, times });
  return { values: decodeResponses(profile, plan, responses), readAt: pointReadTimes(profile, plan, times) };
}

/** Reads one device with `profile` and returns every point decoded, in profile order, with its unit. */
export async function readWithProfile(
  link: ModbusLink,
  unit: number,
  profile: Profile,
  timeoutMs: number,
): Promise<DecodedValue[]> {
  const plan = planOf(profile);
  return decodeResponses(profile, plan, await readPlan(link, unit, plan, timeoutMs));
}
