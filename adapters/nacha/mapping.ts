import { z } from "zod";
import { mappingBase } from "../../src/adapter-kit/mapping";
import { LENIENCY_REASONS, PROFILE_NAMES, type NachaLeniencies } from "./profile";

const leniencyKeys = Object.keys(LENIENCY_REASONS) as (keyof NachaLeniencies)[];

/**
 * A NACHA mapping names a validation profile and, when an aggregator differs from it in a named
 * way, overrides single leniencies (`leniencies: { padShortLines: true }`). Unknown keys fail when
 * the mapping loads.
 */
export const NachaMapping = mappingBase("nacha")
  .extend({
    profile: z.enum(PROFILE_NAMES),
    leniencies: z
      .object(
        Object.fromEntries(
          leniencyKeys.map((k) => [k, z.boolean().optional().describe(LENIENCY_REASONS[k])]),
        ) as Record<keyof NachaLeniencies, z.ZodOptional<z.ZodBoolean>>,
      )
      .strict()
      .optional(),
  })
  .strict();
export type NachaMapping = z.output<typeof NachaMapping>;
