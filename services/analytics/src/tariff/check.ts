/**
 * Cross-field rules of a tariff that zod cannot express per field: `from` dates sorted, brackets that do
 * not overlap and end open, seasons covering each month once, windows covering 24 h once. Each problem
 * names its path, like the schema's own issues, so `jisr tariff check` points at the line to fix.
 */
import { DAY_MINUTES as DAY, inWindow } from "./periods.js";
import type { Bracket, PeriodTable, Tariff } from "./schema.js";

export interface PathProblem {
  path: (string | number)[];
  message: string;
}

type Path = (string | number)[];

export function crossCheckTariff(t: Tariff): PathProblem[] {
  const problems: PathProblem[] = [];
  const add = (path: Path, message: string) => problems.push({ path, message });
  const lists: [string, { from: string }[]][] = [
    ["vat", t.vat],
    ["energy", t.energy],
    ["fixed_fees", t.fixed_fees],
    ["tppan", t.tppan],
  ];
  if (t.kind === "bt-two-period" || t.kind === "mt") lists.push(["periods", t.periods]);
  if (t.kind === "mt") lists.push(["power_charge", t.power_charge], ["subscribed_power", t.subscribed_power]);
  for (const [key, list] of lists) checkSortedDates(list, [key], add);
  checkSortedDates(t.export.prices, ["export", "prices"], add);

  if (t.kind === "bt-domestic" || t.kind === "bt-professional") {
    t.energy.forEach((table, i) => {
      checkBrackets([...table.progressive, ...table.selective], ["energy", i], table.progressive.length, add);
    });
  }
  t.tppan.forEach((table, i) => {
    checkBrackets(table.slices, ["tppan", i, "slices"], table.slices.length, add);
  });
  t.fixed_fees.forEach((table, i) => {
    checkUniqueFeeIds(table.fees, ["fixed_fees", i, "fees"], add);
  });
  if (t.kind === "bt-two-period" || t.kind === "mt") {
    t.periods.forEach((table, i) => {
      checkPeriods(table, ["periods", i], add);
    });
  }
  if (t.export.warn_at_pct > t.export.cap_pct)
    add(["export", "warn_at_pct"], `must not exceed cap_pct (${t.export.cap_pct})`);
  return problems;
}

function checkSortedDates(list: { from: string }[], path: Path, add: (p: Path, m: string) => void): void {
  for (let i = 1; i < list.length; i++) {
    const [prev, cur] = [list[i - 1]?.from ?? "", list[i]?.from ?? ""];
    if (cur <= prev)
      add(
        [...path, i, "from"],
        cur === prev
          ? `repeats ${cur}: two entries cannot start on the same day`
          : `${cur} is before the previous entry's ${prev}: sort the entries by \`from\``,
      );
  }
}

/**
 * `brackets` is one sequence of edges (the progressive slices then the selective brackets): edges must
 * increase, only the last may be open, and the last must be open so every month has a price.
 * `progressiveCount` names the halves in the paths.
 */
function checkBrackets(
  brackets: Bracket[],
  base: Path,
  progressiveCount: number,
  add: (p: Path, m: string) => void,
): void {
  const pathOf = (i: number): Path =>
    base[base.length - 1] === "slices"
      ? [...base, i]
      : i < progressiveCount
        ? [...base, "progressive", i]
        : [...base, "selective", i - progressiveCount];
  let previous = 0;
  brackets.forEach((b, i) => {
    const isLast = i === brackets.length - 1;
    if (b.up_to_kwh === undefined) {
      if (!isLast)
        add([...pathOf(i), "up_to_kwh"], "is missing: only the last bracket may be open (no upper edge)");
      return;
    }
    if (b.up_to_kwh <= previous)
      add(
        [...pathOf(i), "up_to_kwh"],
        `${b.up_to_kwh} overlaps the previous bracket, which ends at ${previous} kWh: edges must increase`,
      );
    else previous = b.up_to_kwh;
    if (isLast)
      add(
        [...pathOf(i), "up_to_kwh"],
        "must be omitted on the last bracket, so months above it still have a price",
      );
  });
}

function checkUniqueFeeIds(fees: { id: string }[], path: Path, add: (p: Path, m: string) => void): void {
  const seen = new Set<string>();
  fees.forEach((fee, i) => {
    if (seen.has(fee.id)) add([...path, i, "id"], `"${fee.id}" is used twice in this table`);
    seen.add(fee.id);
  });
}

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

function checkPeriods(table: PeriodTable, base: Path, add: (p: Path, m: string) => void): void {
  const owner = new Map<number, number>();
  table.seasons.forEach((season, s) => {
    for (const month of season.months) {
      const other = owner.get(month);
      if (other !== undefined)
        add([...base, "seasons", s, "months"], `month ${month} is also in season ${other}`);
      else owner.set(month, s);
    }
    season.windows.forEach((w, i) => {
      if (w.start === "24:00") add([...base, "seasons", s, "windows", i, "start"], "must be before 24:00");
      else if (w.start === w.end)
        add(
          [...base, "seasons", s, "windows", i, "end"],
          "must differ from start (write 00:00 to 24:00 for a day)",
        );
    });
    for (const message of coverageProblems(season.windows)) add([...base, "seasons", s, "windows"], message);
  });
  const missing = [...Array(12).keys()].map((m) => m + 1).filter((m) => !owner.has(m));
  if (missing.length > 0) add([...base, "seasons"], `month(s) ${missing.join(", ")} belong to no season`);
}

/** Minutes of the day covered by no window, or by more than one, as "HH:MM-HH:MM" ranges. */
function coverageProblems(windows: { start: string; end: string }[]): string[] {
  const valid = windows.filter((w) => w.start !== "24:00" && w.start !== w.end); // others reported above
  const count = Array.from({ length: DAY }, (_, m) => valid.filter((w) => inWindow(m, w)).length);
  const gaps = ranges(count, (c) => c === 0);
  const overlaps = ranges(count, (c) => c > 1);
  return [
    ...(gaps.length > 0 ? [`do not cover ${gaps.join(", ")}: the windows must cover 24 h`] : []),
    ...(overlaps.length > 0 ? [`overlap on ${overlaps.join(", ")}: each minute belongs to one period`] : []),
  ];
}

function ranges(count: number[], match: (c: number) => boolean): string[] {
  const out: string[] = [];
  let start = -1;
  for (let m = 0; m <= DAY; m++) {
    const hit = m < DAY && match(count[m] ?? 0);
    if (hit && start < 0) start = m;
    if (!hit && start >= 0) {
      out.push(`${hhmm(start)}-${hhmm(m)}`);
      start = -1;
    }
  }
  return out;
}
