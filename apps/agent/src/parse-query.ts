import { NvidiaSmiError, QUERY_FIELDS } from "./nvidia-smi.ts";

/** One GPU's reading from `nvidia-smi --query-gpu=…`; null where nvidia-smi says N/A. */
export type TGpuReading = {
  index: number;
  uuid: string;
  name: string;
  driverVersion: string;
  memoryTotalMib: number;
  memoryUsedMib: number;
  utilizationPct: number;
  temperatureC: number | null;
  powerW: number | null;
  migMode: string | null;
  eccErrors: number | null;
};

type TField = (typeof QUERY_FIELDS)[number];

/** What nvidia-smi prints for a value it does not have. */
const NOT_AVAILABLE = /^\[?(N\/A|Not Supported|Unknown Error|Insufficient Permissions)\]?$/i;
/** Units `--format=csv` appends (the agent asks for nounits; a header-and-units capture reads the same). */
const UNIT = /\s*(MiB|%|W|MHz|C)$/;

/**
 * Reads `nvidia-smi --query-gpu=<QUERY_FIELDS> --format=csv,noheader,nounits`. A header line
 * and units (`--format=csv`) are accepted too. Anything else is an error naming the line and
 * the field: a line with the wrong number of values (truncated output), a number that is not
 * one, no GPU at all.
 */
export function parseQueryCsv(text: string): TGpuReading[] {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  if (lines.length === 0)
    throw new NvidiaSmiError("nvidia-smi --query-gpu printed nothing: no GPU was listed.");
  const rows = lines[0]?.startsWith("index,") ? lines.slice(1) : lines;
  if (rows.length === 0) throw new NvidiaSmiError("nvidia-smi --query-gpu printed a header but no GPU.");
  return rows.map((line, i) => parseRow(line, i + 1 + (rows === lines ? 0 : 1)));
}

function parseRow(line: string, lineNumber: number): TGpuReading {
  const values = line.split(",").map((v) => v.trim());
  if (values.length !== QUERY_FIELDS.length) {
    throw new NvidiaSmiError(
      `nvidia-smi --query-gpu line ${lineNumber} has ${values.length} of ${QUERY_FIELDS.length} values (${QUERY_FIELDS.join(", ")}); the output looks truncated: ${JSON.stringify(line.slice(0, 120))}`,
    );
  }
  const raw = (field: TField) => values[QUERY_FIELDS.indexOf(field)] as string;
  const text = (field: TField) => {
    const value = raw(field);
    if (value === "" || NOT_AVAILABLE.test(value))
      throw new NvidiaSmiError(
        `nvidia-smi --query-gpu line ${lineNumber}: ${field} is missing (${JSON.stringify(value)}).`,
      );
    return value;
  };
  const optionalNumber = (field: TField) => {
    const value = raw(field);
    if (NOT_AVAILABLE.test(value)) return null;
    const number = Number(value.replace(UNIT, ""));
    if (value === "" || !Number.isFinite(number))
      throw new NvidiaSmiError(
        `nvidia-smi --query-gpu line ${lineNumber}: ${field} is not a number (${JSON.stringify(value)}).`,
      );
    return number;
  };
  const number = (field: TField) => {
    const value = optionalNumber(field);
    if (value === null)
      throw new NvidiaSmiError(`nvidia-smi --query-gpu line ${lineNumber}: ${field} is N/A.`);
    return value;
  };
  const mig = raw("mig.mode.current");
  return {
    index: number("index"),
    uuid: text("uuid"),
    name: text("name"),
    driverVersion: text("driver_version"),
    memoryTotalMib: number("memory.total"),
    memoryUsedMib: number("memory.used"),
    utilizationPct: number("utilization.gpu"),
    temperatureC: optionalNumber("temperature.gpu"),
    powerW: optionalNumber("power.draw"),
    migMode: NOT_AVAILABLE.test(mig) ? null : mig,
    eccErrors: optionalNumber("ecc.errors.uncorrected.volatile.total"),
  };
}
