/** The shared machinery of the checkers: plain messages from zod, suggestions, lines, names. */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  byLine,
  describeValue,
  formatLocated,
  knownKeys,
  lineOf,
  locate,
  nameAt,
  readYaml,
  suggest,
  zodProblems,
} from "./config-problems.js";

const schema = z.strictObject({
  devices: z
    .array(
      z.strictObject({
        id: z.string(),
        address: z.number().int(),
        kind: z.enum(["inverter", "meter"]).optional(),
        serial: z.strictObject({ path: z.string(), baud: z.number() }).optional(),
      }),
    )
    .default([]),
});

const TEXT = `devices:
  - id: inv-1
    adress: 40000
    kind: invertr
  - id: meter-1
    address: "40001"
    serial: { path: /dev/ttyUSB0, bauds: 9600 }
`;

describe("config problems", () => {
  it("turns zod's issues into plain messages with suggestions, each at its line and named by its device", () => {
    const source = readYaml(TEXT);
    const parsed = schema.safeParse(source.value);
    if (parsed.success) throw new Error("must fail");
    const problems = byLine(locate(zodProblems(parsed.error, schema, source.value), source));
    expect(problems).toEqual([
      {
        path: "devices.0.address",
        message: "is required",
        line: 2,
        column: 5,
        name: 'device "inv-1"',
      },
      {
        path: "devices.0.adress",
        message: "unknown key: did you mean `address`? (known keys are: id, address, kind, serial)",
        line: 3,
        column: 5,
        name: 'device "inv-1"',
      },
      {
        path: "devices.0.kind",
        message: 'must be one of "inverter", "meter": did you mean "inverter"?',
        line: 4,
        column: 11,
        name: 'device "inv-1"',
      },
      {
        path: "devices.1.address",
        message: 'expected a number, not the text "40001"',
        line: 6,
        column: 14,
        name: 'device "meter-1"',
      },
      {
        path: "devices.1.serial.baud",
        message: "is required",
        line: 7,
        column: 5,
        name: 'device "meter-1"',
      },
      {
        path: "devices.1.serial.bauds",
        message: "unknown key: did you mean `baud`? (known keys are: path, baud)",
        line: 7,
        column: 35,
        name: 'device "meter-1"',
      },
    ]);
    expect(formatLocated(problems[3] as (typeof problems)[number], "site.yaml")).toBe(
      '  - devices.1.address: expected a number, not the text "40001"\n    at site.yaml:6, device "meter-1"\n',
    );
  });

  it("suggests only near words, and names values", () => {
    expect(suggest("adress", ["address", "id"])).toBe("address");
    expect(suggest("colour", ["id", "profile", "host", "port"])).toBeUndefined();
    expect(suggest("Intervall", ["interval", "timeout"])).toBe("interval");
    expect(describeValue(30)).toBe("the number 30");
    expect(describeValue([1])).toBe("a list");
    expect(knownKeys(schema, ["devices", 0, "serial"])).toEqual(["path", "baud"]);
  });

  it("finds lines of nested values, of missing keys (their parent) and names by id or name", () => {
    const source = readYaml("a:\n  b:\n    - name: p1\n      c: 1\n");
    expect(lineOf(source, ["a", "b", 0, "c"])).toEqual({ line: 4, column: 10 });
    expect(lineOf(source, ["a", "b", 0, "missing"])?.line).toBe(3);
    expect(nameAt({ points: [{ name: "pv_power_w" }] }, ["points", 0, "address"])).toBe('point "pv_power_w"');
    expect(nameAt({ devices: [{}] }, ["devices", 0])).toBeUndefined();
  });

  it("reports YAML syntax errors at their line", () => {
    const source = readYaml("a: [1, 2\nb: 3\n");
    expect(source.errors.length).toBeGreaterThan(0);
    expect(source.errors[0]).toMatchObject({ path: "(yaml)", line: expect.any(Number) });
    expect(source.value).toBeUndefined();
  });
});
