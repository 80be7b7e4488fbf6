// The register image of a profile device: values by point, encoded per the profile into the four Modbus
// tables, so what the gateway decodes went through encode → wire → decode.
import type { Profile, ProfilePoint, Table } from "@jisr/gateway/profiles";
import { encodePoint, encodeRaw, type PointInput } from "@jisr/gateway/profiles";

/** A Modbus exception answer; modbus-serial's server sends `modbusErrorCode`. */
export class ModbusServerException extends Error {
  constructor(
    readonly modbusErrorCode: number,
    message: string,
  ) {
    super(message);
    this.name = "ModbusServerException";
  }
}

/** Exception 2: what a device answers for a register it does not have. */
export const ILLEGAL_DATA_ADDRESS = 2;

export interface ImageOptions {
  /** Value of the identify register(s); by default the identify block's expected value or first model. */
  identity?: number | string;
  /** Refuse reads of registers no point covers (devices that answer exception 2 for gaps). */
  strictGaps?: boolean;
}

/** The identify register's value a matching device serves, when the test does not give one. */
function defaultIdentity(profile: Profile): number | string | undefined {
  const id = profile.identify;
  if (!id) return undefined;
  if (id.equals !== undefined) return id.equals;
  if (id.oneOf) return id.oneOf[0];
  return profile.spec.products.flatMap((p) => p.models).find((m) => id.match?.test(m));
}

export class ProfileImage {
  readonly profile: Profile;
  readonly #tables = new Map<Table, Map<number, number>>();
  readonly #bounds = new Map<Table, { start: number; end: number }>();
  readonly #values = new Map<string, PointInput>();
  readonly #byName: Map<string, ProfilePoint>;
  readonly #strict: boolean;

  constructor(profile: Profile, options: ImageOptions = {}) {
    this.profile = profile;
    this.#strict = options.strictGaps ?? false;
    this.#byName = new Map(profile.points.map((p) => [p.name, p]));
    for (const p of profile.points) this.#widen(p.table, p.address, p.size);
    const id = profile.identify;
    const identity = options.identity ?? defaultIdentity(profile);
    if (id && identity !== undefined) {
      this.#widen(id.table, id.address, id.size);
      this.#write(id.table, id.address, encodeRaw(id.type, identity, id.wordOrder, id.size));
    }
  }

  /** Points a name stands for: a point name, else every point writing that field or raw field. */
  pointsNamed(name: string): ProfilePoint[] {
    const point = this.#byName.get(name);
    if (point) return [point];
    return this.profile.points.filter((p) => p.field === name || p.rawField === name);
  }

  /** Sets a value (in the point's unit; names for enums and bitfields; null = "not available"). */
  set(name: string, value: PointInput): void {
    const points = this.pointsNamed(name);
    if (points.length === 0)
      throw new RangeError(`profile ${this.profile.name} has no point or field "${name}"`);
    for (const p of points) {
      this.#values.set(p.name, value);
      this.#encode(p);
      // A scale register changed: its values are served with the new factor.
      for (const q of this.profile.points) if (q.scaleRegister === p.name) this.#encode(q);
    }
  }

  get(name: string): PointInput | undefined {
    const [p] = this.pointsNamed(name);
    return p ? this.#values.get(p.name) : undefined;
  }

  /** Current values, by point name. */
  values(): Record<string, PointInput> {
    return Object.fromEntries(this.#values);
  }

  /** Words (or 0/1 bits) of `table` at `address`; throws exception 2 outside what the device has. */
  read(table: Table, address: number, count: number): number[] {
    const bounds = this.#bounds.get(table);
    if (!bounds || address < bounds.start || address + count > bounds.end) {
      throw new ModbusServerException(ILLEGAL_DATA_ADDRESS, `no ${table} ${address}+${count}`);
    }
    const words = this.#tables.get(table) ?? new Map<number, number>();
    return Array.from({ length: count }, (_, i) => {
      const w = words.get(address + i);
      if (w === undefined && this.#strict) {
        throw new ModbusServerException(ILLEGAL_DATA_ADDRESS, `no ${table} ${address + i}`);
      }
      return w ?? 0;
    });
  }

  #encode(p: ProfilePoint): void {
    const value = this.#values.get(p.name);
    if (value === undefined) return;
    const sf = p.scaleRegister === undefined ? 0 : this.#values.get(p.scaleRegister);
    this.#write(p.table, p.address, encodePoint(p, value, typeof sf === "number" ? sf : 0));
  }

  #write(table: Table, address: number, words: readonly number[]): void {
    let t = this.#tables.get(table);
    if (!t) {
      t = new Map();
      this.#tables.set(table, t);
    }
    words.forEach((w, i) => {
      t.set(address + i, w);
    });
  }

  #widen(table: Table, address: number, size: number): void {
    const b = this.#bounds.get(table);
    this.#bounds.set(table, {
      start: Math.min(b?.start ?? address, address),
      end: Math.max(b?.end ?? address + size, address + size),
    });
  }
}
