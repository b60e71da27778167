import { classifyDatabaseError } from "@switchyard/db";
import { AppError } from "../errors.ts";

/** camelCase column -> words for people: teamId -> "team", clientKey -> "client key". */
function describeField(field: string): string {
  return field
    .replace(/Id$/, "")
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase();
}

/**
 * The AppError for a database error a client can provoke, or null when the error is not one
 * (a bug, which stays a 500 and is logged). Used by the tRPC error middleware and the REST
 * error handler, so each database error means the same thing on every path. Services that
 * know better (which field, which object) check first and throw their own AppError.
 */
export function appErrorFromDatabase(error: unknown): AppError | null {
  if (error instanceof AppError) return null;
  const kind = classifyDatabaseError(error);
  if (!kind) return null;
  switch (kind.kind) {
    case "unique": {
      const what = kind.fields.length > 0 ? kind.fields.map(describeField).join(" and ") : "key";
      return new AppError("CONFLICT", `unique violation on ${kind.table}(${kind.fields.join(", ")})`, {
        userMessage: `${kind.table ? `A ${describeField(kind.table)}` : "A record"} with this ${what} exists already.`,
        field: kind.fields.at(-1),
        cause: error,
      });
    }
    case "foreignKey":
      return new AppError("INVALID_REQUEST", `foreign key violation on ${kind.table}.${kind.field}`, {
        userMessage: kind.field
          ? `The ${describeField(kind.field)} does not exist (or is still in use).`
          : "This refers to something that does not exist (or is still in use).",
        field: kind.field ?? undefined,
        cause: error,
      });
    case "notFound":
      return new AppError("NOT_FOUND", `record not found in ${kind.table}`, {
        userMessage: `This ${kind.table ? describeField(kind.table) : "record"} does not exist.`,
        cause: error,
      });
    case "invalidValue":
      return new AppError(
        "INVALID_REQUEST",
        `value refused by the database (${kind.reason}) in ${kind.table}`,
        {
          userMessage: {
            tooLong: "A value is too long to store.",
            outOfRange: "A number or date is out of the range this field accepts.",
            encoding: "A text holds a character that cannot be stored.",
            invalid: "A value has a form this field does not accept.",
          }[kind.reason],
          cause: error,
        },
      );
    case "retry":
      return new AppError("CONFLICT", "serialisation failure or deadlock", {
        userMessage: "Another change got in the way; try again.",
        cause: error,
      });
    case "unavailable":
      return new AppError("UNAVAILABLE", "database unavailable", {
        userMessage: "The database is not reachable right now; try again in a few seconds.",
        cause: error,
      });
  }
}
