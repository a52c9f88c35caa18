// Environments and their pack versions (uploads go to the file route /api/packs).
import { z } from "zod";
import { out } from "./common";

export const environmentsOutput = z.array(out({ name: z.string() }));
export const setActivePackInput = z.strictObject({
  environment: z.string().min(1).max(100),
  packHash: z.string().regex(/^[0-9a-f]{8,64}$/, "a pack hash: hex digits"),
});
export const setActivePackOutput = out({ version: z.number().int() });
export const setProbeVariantsInput = z.strictObject({
  environment: z.string().min(1).max(100),
  probeVariants: z
    .number()
    .int()
    .min(0)
    .max(100)
    .nullable()
    .describe("variants per strength check: 0 turns checks off, null is the default (24)"),
});
export const setProbeVariantsOutput = out({ environment: z.string(), probeVariants: z.number().int().nullable() });
