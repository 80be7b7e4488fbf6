/**
 * What every device profile says about itself, whatever its protocol (schema.ts for Modbus, mqtt-schema.ts
 * for MQTT): the products it reads and the notes for whoever installs one, in the programme's three
 * languages (STYLE.md habit 14).
 */
import { strictObject } from "@jisr/core";
import { z } from "zod";

export const text = (max: number) =>
  z.string().trim().min(1, "must not be empty").max(max, `must be at most ${max} characters`);

/** User-visible text in the programme's three languages. */
export const localText = (max: number) =>
  strictObject({
    en: text(max).describe("English."),
    fr: text(max).describe("French."),
    ar: text(max).describe("Arabic."),
  });

export const note = strictObject({
  text: localText(400).describe("What to do or to know, in full sentences."),
  link: z
    .url({ error: "must be a URL" })
    .optional()
    .describe("Where it is documented (vendor manual, issue)."),
});

export const product = strictObject({
  brand: text(60).describe('Maker as printed on the device, e.g. "Huawei", "Shelly".'),
  models: z
    .array(text(80))
    .min(1, "must list at least one model")
    .describe('Model names this profile reads, e.g. ["SUN2000-5KTL-M1"].'),
});
