/**
 * The batch topics ingestion subscribes to: a filter with exactly two "+" levels, the institution first,
 * then the gateway (default jisr/+/+/points). The institution of a batch is read from its topic; whether
 * the sender may write there is checked against its token (see consumer.ts).
 */

export const DEFAULT_BATCH_TOPIC = "jisr/+/+/points";

export interface BatchTopicFilter {
  filter: string;
  institutionLevel: number;
  gatewayLevel: number;
  levels: number;
}

/** Checks a filter given on the command line; throws an Error saying what is wrong. */
export function parseBatchTopicFilter(filter: string): BatchTopicFilter {
  const levels = filter.split("/");
  const plus = levels.flatMap((l, i) => (l === "+" ? [i] : []));
  if (filter.startsWith("$"))
    throw new Error('must not start with "$" (the shared-subscription group is --mqtt-group)');
  if (levels.some((l) => l.includes("#")))
    throw new Error('must not contain "#": the topic names institution and gateway');
  if (levels.some((l) => l !== "+" && l.includes("+"))) throw new Error('"+" must be a whole level');
  if (plus.length !== 2) throw new Error("must have exactly two + levels: the institution, then the gateway");
  return {
    filter,
    institutionLevel: plus[0] as number,
    gatewayLevel: plus[1] as number,
    levels: levels.length,
  };
}

/** The institution and gateway named by a topic, or undefined when the topic does not fit the filter. */
export function batchTopicParts(
  f: BatchTopicFilter,
  topic: string,
): { institution: string; gateway: string } | undefined {
  const parts = topic.split("/");
  if (parts.length !== f.levels) return undefined;
  const institution = parts[f.institutionLevel];
  const gateway = parts[f.gatewayLevel];
  if (!institution || !gateway) return undefined;
  return { institution, gateway };
}

/** What to subscribe to: the filter, shared by the group's instances unless the group is empty. */
export function subscription(filter: string, group: string): string {
  return group === "" ? filter : `$share/${group}/${filter}`;
}
