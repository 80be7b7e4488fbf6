/**
 * Every shipped profile (STYLE.md habit 4): it parses, its points do not overlap, it has no warnings, and
 * it reads end to end against a simulator serving it: values encoded per the profile, sent over a real
 * Modbus TCP socket, read through the gateway's link in the planned requests and decoded back.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pointSchema as wirePointSchema } from "@jisr/core";
import { startProfileDevice } from "@jisr/simulators";
import { describe, expect, it } from "vitest";
import { openModbusLink } from "../modbus/link.js";
import type { PointInput } from "./encode.js";
import { identifyProfiles } from "./identify.js";
import { BUILTIN_PROFILES_DIR, inspectProfileFile, listBuiltinProfiles, loadProfile } from "./load.js";
import type { Profile, ProfilePoint } from "./profile.js";
import { planOf, readWithProfile } from "./read.js";
import { MEASUREMENT_TAGS } from "./register-types.js";
import { pointSchema } from "./schema.js";
import { toPoints } from "./to-points.js";

/** Every .yaml under gateway/profiles/modbus, blocks included. */
function allFiles(dir = BUILTIN_PROFILES_DIR): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? allFiles(join(dir, e.name)) : e.name.endsWith(".yaml") ? [join(dir, e.name)] : [],
  );
}

/** A value each point can carry exactly, different from point to point and from any sentinel. */
function sample(p: ProfilePoint, i: number): PointInput {
  if (p.type === "bool") return i % 2 === 0;
  if (p.type === "string") return `T${i}`;
  if (p.enum) return [...p.enum.values()][i % p.enum.size] ?? null;
  if (p.bitfield) return [...p.bitfield.values()].slice(0, 2);
  if (p.scaleRegister !== undefined) return (100 + i) / 10; // with its scale register at -1
  if (p.type === "float32") return 1.5 * (i + 1) * (p.scale ?? 1);
  return Number(((100 + i) * (p.scale ?? 1)).toPrecision(12));
}

function samples(profile: Profile): Map<string, PointInput> {
  const scaleRegisters = new Set(profile.points.flatMap((p) => (p.scaleRegister ? [p.scaleRegister] : [])));
  return new Map(profile.points.map((p, i) => [p.name, scaleRegisters.has(p.name) ? -1 : sample(p, i)]));
}

const builtins = listBuiltinProfiles();

describe("shipped profiles", () => {
  it("are all found: one per device class at least", () => {
    const classes = new Set(builtins.map((b) => b.class));
    for (const c of ["inverter", "meter", "solar-water-heater", "heat-meter", "sensor"])
      expect(classes).toContain(c);
    expect(builtins.map((b) => b.name)).toEqual(expect.arrayContaining(["huawei-sun2000", "eastron-sdm630"]));
  });

  it.each(allFiles().map((f) => [f.slice(BUILTIN_PROFILES_DIR.length), f]))(
    "%s parses, without overlaps or warnings",
    (_, file) => {
      const found = inspectProfileFile(file);
      expect(found.errors).toEqual([]);
      expect(found.warnings).toEqual([]);
    },
  );

  it.each(builtins.map((b) => [b.name]))(
    "%s reads end to end against a simulator serving it",
    async (name) => {
      const profile = loadProfile(name);
      const values = samples(profile);
      // Scale registers first: a value is encoded with the factor it will be read with.
      const ordered = [...values].sort(
        ([a], [b]) => Number(values.get(b) === -1) - Number(values.get(a) === -1),
      );
      const device = await startProfileDevice({ profile, values: Object.fromEntries(ordered) });
      const link = await openModbusLink({ host: "127.0.0.1", port: device.port });
      try {
        const decoded = await readWithProfile(link, 1, profile, 2000);
        expect(device.requests).toHaveLength(planOf(profile).length);
        profile.points.forEach((p, i) => {
          const got = decoded[i];
          const want = values.get(p.name);
          if (p.bitfield) expect(got?.flags, p.name).toEqual(want);
          else if (typeof want === "number") expect(got?.value, p.name).toBeCloseTo(want, 6);
          else expect(got?.value, p.name).toEqual(want);
        });
        const points = toPoints(profile, decoded, {
          institution: "inst",
          device: "dev",
          time: Date.UTC(2026, 5, 21),
        });
        expect(points.length).toBeGreaterThan(0);
        for (const point of points) {
          expect(wirePointSchema.safeParse(point).success, JSON.stringify(point)).toBe(true);
          const extra = Object.keys(point.tags).filter((k) => k !== "institution" && k !== "device");
          const known = MEASUREMENT_TAGS[point.measurement];
          expect(known, point.measurement).toBeDefined();
          expect(extra.sort()).toEqual([...(known ?? [])].sort());
        }
      } finally {
        await link.close();
        await device.close();
      }
    },
  );

  it("the README's example is a valid profile, and the README names every key of a point", () => {
    const readme = readFileSync(join(BUILTIN_PROFILES_DIR, "README.md"), "utf8");
    const example = /## Adding a device[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    const file = join(mkdtempSync(join(tmpdir(), "jisr-readme-")), "acme-pv.yaml");
    writeFileSync(file, example ?? "");
    expect(inspectProfileFile(file)).toMatchObject({ errors: [], warnings: [] });
    for (const key of Object.keys(pointSchema.shape)) expect(readme, key).toContain(`\`points[].${key}\``);
  });

  it("tells a Huawei inverter by its identify register, and matches nothing on a meter", async () => {
    const huawei = await startProfileDevice({ profile: "huawei-sun2000", identity: "SUN2000-5KTL-M1" });
    const meter = await startProfileDevice({ profile: "eastron-sdm630" });
    const links = await Promise.all(
      [huawei, meter].map((d) => openModbusLink({ host: "127.0.0.1", port: d.port })),
    );
    try {
      const [onHuawei, onMeter] = await Promise.all(links.map((l) => identifyProfiles(l, 1, 1000)));
      expect(onHuawei?.map((m) => m.name)).toEqual(["huawei-sun2000", "huawei-sun2000-4-strings"]);
      expect(onHuawei?.[0]?.value).toBe("SUN2000-5KTL-M1");
      expect(onMeter).toEqual([]);
    } finally {
      await Promise.all(links.map((l) => l.close()));
      await Promise.all([huawei.close(), meter.close()]);
    }
  });
});
