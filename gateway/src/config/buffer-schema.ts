/** The gateway's durable on-disk queue (outbox): where it lives and how much disk it may take. */
import { z } from "zod";

const SIZE = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|KiB|MiB|GiB)$/;
const FACTOR: Record<string, number> = {
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
};

/** "256MiB", "1GB" → bytes. */
export function parseSize(text: string): number | undefined {
  const m = SIZE.exec(text.trim());
  return m ? Math.round(Number(m[1]) * (FACTOR[m[2] as string] ?? 1)) : undefined;
}

export const bufferSchema = z
  .strictObject({
    max_bytes: z
      .string()
      .transform((s, ctx) => {
        const bytes = parseSize(s);
        if (bytes === undefined || bytes < 1024 * 1024) {
          ctx.addIssue({
            code: "custom",
            message: 'must be a size of at least 1MiB, e.g. "256MiB" or "1GB"',
          });
          return z.NEVER;
        }
        return bytes;
      })
      .prefault("256MiB")
      .describe(
        "Disk budget of the queue. When it is full the oldest readings are dropped, counted and logged.",
      ),
  })
  .prefault({})
  .describe("The durable queue of readings waiting for upload, in <data_dir>/outbox.sqlite.");

export type BufferConfig = z.output<typeof bufferSchema>;
