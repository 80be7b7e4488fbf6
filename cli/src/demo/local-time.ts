/** Local wall-clock helpers of the demo: they now live in @jisr/core/time, shared with the analytics. */
export { formatLocal, localTimeToday, offsetMinutes } from "@jisr/core";
