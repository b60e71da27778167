import { z } from "zod";
import { zId } from "../../lib/input.ts";
import { typeMessage } from "../../lib/messages.ts";
import { CLASSIFICATIONS } from "./list-datasets.schema.ts";

const distinct = (values: string[]) => new Set(values).size === values.length;

const zCode = (pattern: RegExp, maxLength: number, message: string) =>
  z.string().trim().toUpperCase().max(maxLength, message).regex(pattern, message);

/**
 * The fields a person edits on a dataset, shared by the form and dataset.create / dataset.update.
 * Sizes are entered in GB (decimal) and stored in bytes.
 */
const ZDatasetFieldsBase = z.object({
  name: z.string().trim().min(2, "At least 2 characters").max(120, "At most 120 characters"),
  description: z.string().trim().max(2_000, "At most 2,000 characters").default(""),
  sizeGb: z
    .number({ error: typeMessage("Enter the size in GB") })
    .positive("The size must be more than 0 GB")
    .max(1_000_000_000, "At most 1,000,000,000 GB"),
  classification: z.enum(CLASSIFICATIONS, {
    error: "Choose public, internal, confidential or regulated",
  }),
  regulations: z
    .array(zCode(/^[A-Z0-9][A-Z0-9-]{1,19}$/, 20, "Regulation codes like GDPR, HIPAA or PCI-DSS"))
    .max(10, "At most 10 regulations")
    .refine(distinct, "Name each regulation once"),
  residencyCountries: z
    .array(zCode(/^[A-Z]{2}$/, 2, "Two-letter ISO 3166-1 country codes, e.g. DE, US"))
    .max(50, "At most 50 countries")
    .refine(distinct, "Name each country once"),
  residencyJurisdictions: z
    .array(zCode(/^[A-Z]{2,10}$/, 10, "Jurisdictions of 2-10 capital letters, e.g. EU, US"))
    .max(20, "At most 20 jurisdictions")
    .refine(distinct, "Name each jurisdiction once"),
  onPremOnly: z.boolean({ error: "Say whether the data may only reside on-prem" }),
  ownerTeamId: zId("Owner team", "Choose the team that owns the data"),
  stewardIds: z
    .array(zId("Steward"))
    .max(20, "At most 20 stewards")
    .refine(distinct, "Choose each steward once"),
});

/** Regulated data names its regulations and has someone to decide its approvals. */
function regulatedNeedsRulesAndStewards(
  value: { classification: string; regulations: string[]; stewardIds: string[] },
  ctx: z.RefinementCtx,
) {
  if (value.classification !== "REGULATED") return;
  if (value.regulations.length === 0)
    ctx.addIssue({
      code: "custom",
      path: ["regulations"],
      message: "Regulated data names at least one regulation, e.g. GDPR",
    });
  if (value.stewardIds.length === 0)
    ctx.addIssue({
      code: "custom",
      path: ["stewardIds"],
      message: "Regulated data needs at least one steward to decide its approvals",
    });
}

export const ZDatasetFields = ZDatasetFieldsBase.superRefine(regulatedNeedsRulesAndStewards);
export type TDatasetFields = z.infer<typeof ZDatasetFields>;

/** A new dataset: its fields, a slug that never changes, and where copies of it are stored today. */
export const ZCreateDatasetInput = ZDatasetFieldsBase.extend({
  slug: z
    .string()
    .trim()
    .max(60, "3-60 lowercase letters, digits and dashes")
    .regex(/^[a-z0-9][a-z0-9-]{1,58}[a-z0-9]$/, "3-60 lowercase letters, digits and dashes"),
  replicaSiteIds: z
    .array(zId("Site"))
    .min(1, "Choose at least one site where the data is stored today")
    .max(50, "At most 50 sites")
    .refine(distinct, "Choose each site once"),
}).superRefine(regulatedNeedsRulesAndStewards);
export type TCreateDatasetInput = z.infer<typeof ZCreateDatasetInput>;

export const ZUpdateDatasetInput = z.object({ id: zId("Dataset id"), data: ZDatasetFields });
export type TUpdateDatasetInput = z.infer<typeof ZUpdateDatasetInput>;

export const GB = 1_000_000_000;
