import { z } from "zod";

/**
 * The message table of Switchyard: validator output turned into sentences written for people,
 * keyed by zod issue code and field. Client-safe (zod only): the tRPC error formatter, the
 * REST error handler and the console's forms all use it, so a field says the same thing in
 * the browser, in a tRPC error's fieldErrors and in a REST error body.
 *
 * Schemas that know better say so themselves (per-check messages); this table answers for
 * every check that does not, and installHumanMessages() makes it zod's global error map so
 * no "Too big: expected number to be <=100" is ever produced.
 */

type TIssue = {
  code: string;
  path?: readonly PropertyKey[];
  message?: string;
  input?: unknown;
  origin?: string;
  expected?: string;
  format?: string;
  minimum?: number | bigint | Date;
  maximum?: number | bigint | Date;
  inclusive?: boolean;
  divisor?: number;
  values?: readonly unknown[];
  keys?: readonly string[];
  /** invalid_union: each option's issues, paths relative to the union. */
  errors?: readonly (readonly TIssue[])[];
};

/** Sentences for one field, by issue code ("*" for any code); keyed by the field's last name. */
const FIELD_MESSAGES: Record<string, Partial<Record<string, string>>> = {
  latitude: { "*": "Latitude is between −90 and 90" },
  longitude: { "*": "Longitude is between −180 and 180" },
  gpu: { invalid_union: "Enter a whole number of GPUs, at least 1" },
  count: { invalid_type: "Enter a whole number of GPUs" },
  estimatedHours: { invalid_type: "Enter the estimated hours" },
  deadline: { invalid_type: "Enter a date and time", invalid_date: "Enter a date and time" },
  email: { invalid_format: "Enter an email address, e.g. ada@example.com" },
  url: { invalid_format: "Enter a URL, e.g. https://example.com/hook" },
};

/** The unit a number field counts in, for "At most 10,000 hours". */
const FIELD_UNITS: Record<string, string> = {
  estimatedHours: "hours",
  count: "GPUs",
  gpusPerNode: "GPUs per node",
  nodes: "nodes",
  maxMs: "ms",
  minGpuMemoryGib: "GiB",
  memoryGib: "GiB",
  gpuMemoryGib: "GiB",
  gpuCount: "GPUs",
  sizeGb: "GB",
  bandwidthGbps: "Gbit/s",
  wanBandwidthGbps: "Gbit/s",
};

const TYPE_WORDS: Record<string, string> = {
  number: "Enter a number",
  int: "Enter a whole number",
  string: "Enter text",
  boolean: "Choose yes or no",
  array: "Enter a list",
  object: "Fill in this group of fields",
  date: "Enter a date",
  bigint: "Enter a whole number",
};

const FORMAT_WORDS: Record<string, string> = {
  email: "Enter an email address, e.g. ada@example.com",
  url: "Enter a URL, e.g. https://example.com",
  uuid: "Enter an id in UUID form",
  cuid: "Enter a valid id",
  cuid2: "Enter a valid id",
  datetime: "Enter a date and time",
  date: "Enter a date",
  time: "Enter a time",
  regex: "This is not in the expected form",
  starts_with: "This does not start as expected",
  ends_with: "This does not end as expected",
  includes: "This does not contain what it should",
  ipv4: "Enter an IPv4 address",
  ipv6: "Enter an IPv6 address",
};

function formatNumber(value: number | bigint | Date): string {
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return typeof value === "bigint" ? value.toLocaleString("en-US") : value.toLocaleString("en-US");
}

/** The field an issue is about: the last non-index segment of its path. */
function fieldOf(path: readonly PropertyKey[] | undefined): string | null {
  for (let i = (path?.length ?? 0) - 1; i >= 0; i--) {
    const segment = path?.[i];
    if (typeof segment === "string" && !/^\d+$/.test(segment)) return segment;
  }
  return null;
}

function listOf(values: readonly unknown[]): string {
  const shown = values.slice(0, 8).map((v) => String(v));
  return values.length > 8 ? `${shown.join(", ")}, …` : shown.join(", ");
}

function bound(issue: TIssue, which: "minimum" | "maximum", unit: string | undefined): string {
  const value = issue[which];
  if (value === undefined) return "";
  const words = formatNumber(value);
  return unit ? `${words} ${unit}` : words;
}

function sizeMessage(issue: TIssue, unit: string | undefined): string {
  const isMax = issue.code === "too_big";
  const origin = issue.origin ?? "number";
  const limit = issue[isMax ? "maximum" : "minimum"];
  if (origin === "string") {
    if (!isMax && Number(limit) === 1) return "Fill this in";
    return `${isMax ? "At most" : "At least"} ${bound(issue, isMax ? "maximum" : "minimum", "characters")}`;
  }
  if (origin === "array" || origin === "set") {
    if (!isMax && Number(limit) === 1) return "Choose at least one";
    return `${isMax ? "At most" : "At least"} ${bound(issue, isMax ? "maximum" : "minimum", "items")}`;
  }
  if (origin === "date") {
    return `${isMax ? "On or before" : "On or after"} ${bound(issue, isMax ? "maximum" : "minimum", undefined)}`;
  }
  if (origin === "file") return isMax ? "The file is too large" : "The file is too small";
  const text = bound(issue, isMax ? "maximum" : "minimum", unit);
  if (issue.inclusive === false) return `${isMax ? "Less than" : "More than"} ${text}`;
  return `${isMax ? "At most" : "At least"} ${text}`;
}

/** The sentence for one zod issue, from the table; never the validator's own wording. */
export function humanIssueMessage(issue: TIssue): string {
  const field = fieldOf(issue.path);
  const own = field ? FIELD_MESSAGES[field] : undefined;
  const special = own?.[issue.code] ?? own?.["*"];
  if (special) return special;
  const unit = field ? FIELD_UNITS[field] : undefined;
  switch (issue.code) {
    case "invalid_type": {
      if ("input" in issue && issue.input === undefined) return "Fill this in";
      if (issue.expected === "number" && typeof issue.input === "number") return "Enter a number";
      return TYPE_WORDS[issue.expected ?? ""] ?? "This value has the wrong type";
    }
    case "too_big":
    case "too_small":
      return sizeMessage(issue, unit);
    case "not_multiple_of":
      return issue.divisor === 1 ? "Enter a whole number" : `Enter a multiple of ${issue.divisor}`;
    case "invalid_format":
      return FORMAT_WORDS[issue.format ?? ""] ?? "This is not in the expected form";
    case "invalid_value":
      return issue.values && issue.values.length > 0
        ? issue.values.length === 1
          ? `Must be ${String(issue.values[0])}`
          : `Choose one of: ${listOf(issue.values)}`
        : "Choose one of the offered values";
    case "unrecognized_keys":
      return `Unknown field${issue.keys?.length === 1 ? "" : "s"}: ${listOf(issue.keys ?? [])}; check the spelling`;
    case "invalid_union":
      return "This value does not match any accepted form";
    case "invalid_key":
      return "A key here is not valid";
    case "invalid_element":
      return "An entry here is not valid";
    default:
      return "This value is not valid";
  }
}

/** zod's own English wording: the shapes of its en locale, which people must never read. */
const RAW_ZOD_MESSAGE = /^(Invalid\b|Too (big|small)\b|Unrecognized keys?\b|Expected\b|Required$)/;

/** True when a message is the validator's wording rather than one written for people. */
export function isRawValidatorMessage(message: string): boolean {
  return RAW_ZOD_MESSAGE.test(message);
}

/** An issue's message for people: its own when a schema wrote one, else the table's. */
export function humanMessage(issue: TIssue): string {
  return issue.message && !isRawValidatorMessage(issue.message) ? issue.message : humanIssueMessage(issue);
}

export type TFieldErrors = Record<string, string[]>;

/**
 * A union's issue as the issues of the option the input came closest to (fewest issues, the
 * first on a tie), at their own fields: `gpu: {count: 1.5}` is "gpu.count: Enter a whole
 * number of GPUs", not "gpu: does not match any accepted form".
 */
export function closestUnionIssues(issue: TIssue): TIssue[] {
  const options = issue.errors?.filter((option) => option.length > 0) ?? [];
  if (issue.code !== "invalid_union" || options.length === 0) return [issue];
  const closest = options.reduce((best, option) => (option.length < best.length ? option : best));
  return closest.flatMap((inner) =>
    closestUnionIssues({ ...inner, path: [...(issue.path ?? []), ...(inner.path ?? [])] }),
  );
}

/** Issues as per-field messages for people ("_" for the input as a whole). */
export function humanFieldErrors(issues: readonly TIssue[]): TFieldErrors {
  // A Map, not an object: a field named "constructor" or "__proto__" is just a name here.
  const fields = new Map<string, string[]>();
  for (const issue of issues.flatMap(closestUnionIssues)) {
    const key = (issue.path ?? []).map(String).join(".") || "_";
    const message = humanMessage(issue);
    const known = fields.get(key) ?? [];
    if (!known.includes(message)) fields.set(key, [...known, message]);
  }
  return Object.fromEntries(fields);
}

let isInstalled = false;

/**
 * Makes the table zod's global error map (below any schema's or check's own message), once
 * per process or page. Imported for its effect by lib/input.ts, which every schema uses.
 */
export function installHumanMessages(): void {
  if (isInstalled) return;
  isInstalled = true;
  z.config({ customError: (issue) => humanIssueMessage(issue as unknown as TIssue) });
}

installHumanMessages();

/**
 * A schema's message for a missing or mistyped value only (`z.number({ error: typeMessage(...) })`):
 * a schema-level string would also answer for its range checks ("Enter a latitude" for 999),
 * so every other issue falls through to its check's message or the table.
 */
export function typeMessage(message: string) {
  return (issue: { code: string }) => (issue.code === "invalid_type" ? message : undefined);
}
