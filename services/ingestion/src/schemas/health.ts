/** Answers of GET /healthz (the process is up) and GET /readyz (the store answers too). */
import { z } from "zod";

export const healthSchema = z.object({ status: z.literal("ok") });

export const readySchema = z.object({
  status: z.enum(["ready", "unavailable"]),
  store: z.enum(["influxdb", "sqlite"]),
});
