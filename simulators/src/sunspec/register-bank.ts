// The holding-register image of a SunSpec device: "SunS", a chain of models, the end marker.
import {
  fitInteger,
  notImplementedRegisters,
  numberToRegisters,
  registersToNumber,
  registersToString,
  stringToRegisters,
} from "./encode.js";
import { fixedSize, type ModelDef, type PointDef, repeatSize } from "./models.js";

/** Default SunSpec base address (0-based protocol address; "40001" in Modicon numbering). */
export const SUNSPEC_BASE = 40000;
/** "SunS" in ASCII. */
export const SUNS_MARKER = [0x5375, 0x6e53] as const;
export const END_MODEL_ID = 0xffff;

/** Modbus exception codes a real device answers with. */
export const MODBUS_EXCEPTION = {
  ILLEGAL_FUNCTION: 1,
  ILLEGAL_DATA_ADDRESS: 2,
  ILLEGAL_DATA_VALUE: 3,
} as const;

/** An error modbus-serial's server turns into a Modbus exception response (`modbusErrorCode`). */
export class ModbusException extends Error {
  constructor(
    readonly modbusErrorCode: number,
    message: string,
  ) {
    super(message);
    this.name = "ModbusException";
  }
}

export interface ModelInstance {
  def: ModelDef;
  /** Number of repeating blocks (model 160: N modules). */
  repeatCount?: number;
}

interface Slot {
  /** Offset from the bank's base address. */
  offset: number;
  point: PointDef;
  /** Key of the scale-factor point, if the point has one. */
  sfKey?: string;
}

/** Key of a point: `103.W`, or `160.module2.DCA` for the 2nd repeating block (1-based). */
export function pointKey(modelId: number, name: string, block?: number): string {
  return block === undefined ? `${modelId}.${name}` : `${modelId}.module${block}.${name}`;
}

export class SunSpecRegisterBank {
  readonly regs: Uint16Array;
  readonly #slots = new Map<string, Slot>();
  readonly #modelAddr = new Map<number, number>();

  constructor(
    models: readonly ModelInstance[],
    readonly base = SUNSPEC_BASE,
  ) {
    const total =
      2 + models.reduce((n, m) => n + fixedSize(m.def) + repeatSize(m.def) * (m.repeatCount ?? 0), 0);
    this.regs = new Uint16Array(total + 2);
    this.regs.set(SUNS_MARKER, 0);
    let offset = 2;
    for (const m of models) offset = this.#layModel(m, offset);
    this.regs.set([END_MODEL_ID, 0], offset);
  }

  #layModel({ def, repeatCount = 0 }: ModelInstance, start: number): number {
    this.#modelAddr.set(def.id, this.base + start);
    let offset = this.#layPoints(def, def.points, start);
    for (let block = 1; block <= repeatCount; block++) {
      offset = this.#layPoints(def, def.repeating?.points ?? [], offset, block);
    }
    this.setRaw(pointKey(def.id, "ID"), def.id);
    this.setRaw(pointKey(def.id, "L"), offset - start - 2);
    if (repeatCount > 0) this.setRaw(pointKey(def.id, "N"), repeatCount);
    return offset;
  }

  #layPoints(def: ModelDef, points: readonly PointDef[], start: number, block?: number): number {
    let offset = start;
    for (const point of points) {
      const slot: Slot = { offset, point };
      if (point.sf) slot.sfKey = pointKey(def.id, point.sf);
      this.#slots.set(pointKey(def.id, point.name, block), slot);
      this.regs.set(notImplementedRegisters(point.type, point.size), offset);
      offset += point.size;
    }
    return offset;
  }

  /** Absolute address of a model's ID register. */
  modelAddress(modelId: number): number {
    const addr = this.#modelAddr.get(modelId);
    if (addr === undefined) throw new Error(`model ${modelId} is not in this register bank`);
    return addr;
  }

  /** Absolute address of a point. */
  address(key: string): number {
    return this.base + this.#slot(key).offset;
  }

  #slot(key: string): Slot {
    const slot = this.#slots.get(key);
    if (!slot) throw new Error(`unknown SunSpec point "${key}"`);
    return slot;
  }

  /** Registers [addr, addr + count), or a Modbus "illegal data address" outside the image. */
  read(addr: number, count: number): number[] {
    const from = addr - this.base;
    if (count < 1 || count > 125) {
      throw new ModbusException(MODBUS_EXCEPTION.ILLEGAL_DATA_VALUE, `invalid register count ${count}`);
    }
    if (from < 0 || from + count > this.regs.length) {
      throw new ModbusException(
        MODBUS_EXCEPTION.ILLEGAL_DATA_ADDRESS,
        `registers ${addr}..${addr + count - 1} are outside ${this.base}..${this.base + this.regs.length - 1}`,
      );
    }
    return Array.from(this.regs.subarray(from, from + count));
  }

  /** Store an integer, clamped (accumulators: wrapped) to the point's type. */
  setRaw(key: string, raw: number): void {
    const { offset, point } = this.#slot(key);
    this.regs.set(numberToRegisters(fitInteger(point.type, raw), point.size), offset);
  }

  /** Store a real value as raw = value / 10^SF, using the SF currently in the bank. */
  setScaled(key: string, value: number): void {
    const slot = this.#slot(key);
    const sf = slot.sfKey ? this.getRaw(slot.sfKey) : 0;
    this.setRaw(key, value / 10 ** sf);
  }

  setString(key: string, text: string): void {
    const { offset, point } = this.#slot(key);
    this.regs.set(stringToRegisters(text, point.size), offset);
  }

  setNotImplemented(key: string): void {
    const { offset, point } = this.#slot(key);
    this.regs.set(notImplementedRegisters(point.type, point.size), offset);
  }

  getRaw(key: string): number {
    const { offset, point } = this.#slot(key);
    return registersToNumber(point.type, Array.from(this.regs.subarray(offset, offset + point.size)));
  }

  /** Real value = raw × 10^SF, as a client decodes it. */
  getScaled(key: string): number {
    const slot = this.#slot(key);
    const raw = this.getRaw(key);
    if (!slot.sfKey) return raw;
    const sf = this.getRaw(slot.sfKey);
    // Round away binary noise: 1234 × 10^-2 should read 12.34, not 12.340000000000002.
    return Number((raw * 10 ** sf).toFixed(Math.max(0, -sf)));
  }

  getString(key: string): string {
    const { offset, point } = this.#slot(key);
    return registersToString(Array.from(this.regs.subarray(offset, offset + point.size)));
  }
}
