import { describe, expect, it } from "vitest";
import { compileTopicPattern, filterCovers, minimalFilters, topicPatternProblem } from "./topic-pattern.js";

describe("topic patterns", () => {
  it("subscribes with + where the pattern captures, and matches level by level", () => {
    const t = compileTopicPattern("{topic}/status/switch:{id:[0-9]+}", "shellies/pump");
    expect(t.filter).toBe("shellies/pump/status/+");
    expect(t.captures).toEqual(["id"]);
    expect(t.match("shellies/pump/status/switch:12")).toEqual({ id: "12" });
    expect(t.match("shellies/pump/status/switch:x")).toBeUndefined();
    expect(t.match("shellies/pump/status/em:0")).toBeUndefined();
    expect(t.match("shellies/pump/status/switch:0/extra")).toBeUndefined();
    expect(compileTopicPattern("tele/{topic}/SENSOR", "plug.1").match("tele/plugx1/SENSOR")).toBeUndefined();
  });

  it("explains what is wrong with a pattern", () => {
    expect(topicPatternProblem("status/switch:0")).toBe('must contain "{topic}", the device\'s own topic');
    expect(topicPatternProblem("{topic}/+/power")).toBe(
      "must not contain the wildcards + or #: use {name} instead",
    );
    expect(topicPatternProblem("{topic}/{ch}/{ch}")).toBe('captures "{ch}" twice');
    expect(topicPatternProblem("x{topic}/a")).toBe('"{topic}" must be a whole level of the pattern');
    expect(topicPatternProblem("{topic}/{Ch}")).toBe(
      'level "{Ch}": a placeholder is written {name} or {name:regex}',
    );
    expect(topicPatternProblem("{topic}//a")).toBe("must not have an empty level (// or a leading /)");
    expect(topicPatternProblem("{topic}/{a:(}")).toMatch(/^level "\{a:\(\}": Invalid regular expression/);
  });

  it("keeps only the filters no other one covers, so no message arrives twice", () => {
    expect(filterCovers("a/+/power", "a/0/power")).toBe(true);
    expect(filterCovers("a/#", "a/b/c")).toBe(true);
    expect(filterCovers("a/+", "a/b/c")).toBe(false);
    expect(filterCovers("a/b", "a/+")).toBe(false);
    expect(minimalFilters(["a/0/power", "a/+/power", "a/0/power", "a/status/x", "b/#", "b/c"])).toEqual([
      "a/+/power",
      "a/status/x",
      "b/#",
    ]);
  });
});
