/**
 * Each semantic check catches the mistake it is there for: a broken copy of a real dashboard must fail it,
 * so structure.test.ts passing means something.
 */
import { describe, expect, it } from "vitest";
import {
  checkAliases,
  checkDashboard,
  checkDatasources,
  checkGrid,
  checkPanelIds,
  checkQueries,
  checkRawSpans,
  checkTexts,
  checkVariables,
  variableRefs,
} from "./checks.js";
import { fleetHealthDashboard } from "./fleet-health.js";
import { allLevels, groupByTags, selectLevels } from "./influxql-levels.js";
import { institutionDashboard } from "./institution.js";
import type { Dashboard, Panel } from "./model.js";

const UIDS = new Set(["jisr-influxdb"]);

function broken(change: (d: Dashboard, p: Panel, q: Panel) => void): Dashboard {
  const d = structuredClone(fleetHealthDashboard());
  change(d, d.panels[0] as Panel, d.panels[1] as Panel);
  return d;
}

function setQuery(p: Panel, query: string): void {
  (p.targets[0] as { query: string }).query = query;
}

describe("semantic checks", () => {
  it("a real dashboard passes them all", () => {
    expect(checkDashboard(fleetHealthDashboard(), UIDS)).toEqual([]);
  });

  it("duplicate panel ids", () => {
    const d = broken((_d, p, q) => {
      q.id = p.id;
    });
    expect(checkPanelIds(d)).toEqual([expect.stringContaining("id 1 already used")]);
  });

  it("a datasource uid that is not provisioned, anywhere in the dashboard", () => {
    const d = broken((d) => {
      (d.templating.list[0] as { datasource: { uid: string } }).datasource.uid = "other";
    });
    expect(checkDatasources(d, UIDS)).toEqual([expect.stringContaining('uid "other" is not provisioned')]);
  });

  it("a variable the dashboard does not define", () => {
    const d = broken((_d, p) => setQuery(p, `${p.targets[0]?.query} AND "device" =~ /^$devices$/`));
    expect(checkVariables(d)).toEqual([expect.stringContaining("unknown variable $devices")]);
  });

  it("a query without $timeFilter or without the institution filter", () => {
    const d = broken((_d, p, q) => {
      setQuery(
        p,
        'SELECT last("queue_points") FROM "gateway_health" WHERE "institution"::tag =~ /^$institution$/',
      );
      setQuery(q, 'SELECT last("queue_points") FROM "gateway_health" WHERE $timeFilter');
    });
    const problems = checkQueries(d);
    expect(problems).toEqual([
      expect.stringContaining("no $timeFilter"),
      expect.stringContaining("no institution filter"),
    ]);
  });

  it("a filter in the outer query does not count for the subquery that reads the measurement", () => {
    const d = broken((_d, p) =>
      setQuery(
        p,
        `SELECT sum("v") FROM (SELECT last("queue_points") AS "v" FROM "gateway_health" GROUP BY "device"::tag) ` +
          `WHERE "institution"::tag =~ /^$institution$/ AND $timeFilter`,
      ),
    );
    expect(checkQueries(d)).toHaveLength(2);
  });

  it("an outer GROUP BY time() over a subquery without its own $timeFilter", () => {
    const d = broken((_d, p) =>
      setQuery(
        p,
        `SELECT sum("v") FROM (SELECT mean("power_w") AS "v" FROM "pv_inverter" WHERE "institution"::tag =~ /^$institution$/ ` +
          `AND $timeFilter GROUP BY time($__interval), "device"::tag) GROUP BY time($__interval)`,
      ),
    );
    expect(checkQueries(d)).toEqual([
      expect.stringContaining("groups a subquery by time without $timeFilter"),
    ]);
  });

  it("a tag compared or grouped without ::tag (a field of that name would win)", () => {
    const d = broken((_d, p, q) => {
      setQuery(
        p,
        'SELECT last("queue_points") FROM "gateway_health" WHERE "institution"::tag =~ /^$institution$/ ' +
          `AND "device" = 'gw-1' AND $timeFilter GROUP BY "institution"::tag`,
      );
      setQuery(
        q,
        'SELECT last("queue_points") FROM "gateway_health" WHERE "institution"::tag =~ /^$institution$/ ' +
          'AND $timeFilter GROUP BY time(1h, 30m), "institution"::tag, "gateway"',
      );
    });
    expect(checkQueries(d)).toEqual([
      expect.stringContaining('tag "device" compared or grouped without ::tag'),
      expect.stringContaining('GROUP BY "gateway" is not a "key"::tag'),
    ]);
  });

  it("a panel over more than a day that reads raw minutes instead of results or rollups", () => {
    const d = structuredClone(institutionDashboard());
    const tank = d.panels.find((p) => p.targets[0]?.query.includes('"rp_1h"."hot_water"')) as Panel;
    expect(checkRawSpans(d)).toEqual([]);
    setQuery(tank, (tank.targets[0]?.query ?? "").replace('"rp_1h"."hot_water"', '"hot_water"'));
    expect(checkRawSpans(d)).toEqual([
      expect.stringContaining('spans more than a day but reads raw "hot_water"'),
    ]);
    // The same raw query over today only is fine.
    tank.timeFrom = "now/d";
    expect(checkRawSpans(d)).toEqual([]);
  });

  it("an alias naming a tag the query does not group by", () => {
    const d = broken((_d, p) => {
      (p.targets[0] as { alias?: string }).alias = "$tag_device";
    });
    expect(checkAliases(d)).toEqual([expect.stringContaining("$tag_device, not a GROUP BY tag")]);
  });

  it("panels outside the grid or on top of each other", () => {
    const d = broken((_d, p, q) => {
      p.gridPos = { x: 20, y: 0, w: 6, h: 5 };
      q.gridPos = { ...p.gridPos, x: 18 };
    });
    const problems = checkGrid(d);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining("outside the 24-column grid"),
        expect.stringContaining("overlaps"),
      ]),
    );
  });

  it("a panel without description or unit", () => {
    const d = broken((_d, p) => {
      p.description = " ";
      p.fieldConfig.defaults.unit = "";
    });
    expect(checkTexts(d)).toEqual([
      expect.stringContaining("no description"),
      expect.stringContaining("no unit"),
    ]);
  });
});

describe("InfluxQL levels", () => {
  const q =
    `SELECT sum("v") FROM (SELECT last("x") AS "v" FROM "m" WHERE "k" = '(SELECT' GROUP BY "institution", "device") ` +
    `WHERE $timeFilter GROUP BY time(1h), "institution" fill(none)`;

  it("splits a query into its statement and subqueries, quotes respected", () => {
    const levels = allLevels(selectLevels(q));
    expect(levels.map((l) => l.readsSubquery)).toEqual([true, false]);
    expect(levels[0]?.text).toContain("FROM (…) WHERE $timeFilter");
    expect(levels[1]?.text).toContain(`"k" = '(SELECT'`);
  });

  it("lists a level's GROUP BY tags", () => {
    const [outer, inner] = allLevels(selectLevels(q));
    expect(outer && groupByTags(outer)).toEqual(["institution"]);
    expect(inner && groupByTags(inner)).toEqual(["institution", "device"]);
  });

  it("finds variables in every Grafana syntax", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's ${var} syntax, on purpose
    expect(variableRefs("/^$institution$/ ${a} ${b:regex} [[c]] $__interval")).toEqual([
      "institution",
      "a",
      "b",
      "c",
      "__interval",
    ]);
  });
});
