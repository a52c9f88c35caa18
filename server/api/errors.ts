// One error model for every surface: tRPC, REST, the file routes and the CLI turn whatever was thrown
// into an AppError here (or into nothing: an internal error, logged and masked by the caller). Invalid
// input always names its field: `{"taskIds": ["retail-0001"]}` is "taskIds.0: expected a number",
// never "Invalid input" at the root.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { asAppError } from "../db/availability";
import { AppError, type InputIssue } from "../errors";

type Issue = z.core.$ZodIssue;

const pathOf = (path: ReadonlyArray<PropertyKey>) => path.map(String).join(".");

/** Flattens zod issues into field-level ones: unknown keys one by one, unions by their closest branch. */
function inputIssues(issues: readonly Issue[], prefix: ReadonlyArray<PropertyKey> = []): InputIssue[] {
  return issues.flatMap((i): InputIssue[] => {
    const at = [...prefix, ...i.path];
    if (i.code === "unrecognized_keys")
      return i.keys.map((k) => ({ path: pathOf([...at, k]), message: "unknown field" }));
    if (i.code === "invalid_union" && i.errors.length) {
      // The branch that got furthest (its issues lie deepest) is the one the caller meant.
      const depth = (errs: readonly Issue[]) => Math.max(...errs.map((e) => e.path.length));
      const best = [...i.errors].sort((a, b) => depth(b) - depth(a) || a.length - b.length)[0]!;
      if (best.length && depth(best) > 0) return inputIssues(best, at);
    }
    return [{ path: pathOf(at), message: i.message }];
  });
}

function invalidInput(issues: InputIssue[]): AppError {
  const first = issues.slice(0, 3).map((i) => (i.path ? `${i.path}: ${i.message}` : i.message));
  return new AppError(
    "BAD_INPUT",
    `Invalid input: ${first.join("; ")}${issues.length > 3 ? ` (and ${issues.length - 3} more)` : ""}.`,
    { issues },
  );
}

const FROM_TRPC: Partial<Record<TRPCError["code"], AppError["code"]>> = {
  PARSE_ERROR: "BAD_INPUT",
  BAD_REQUEST: "BAD_INPUT",
  UNAUTHORIZED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  METHOD_NOT_SUPPORTED: "BAD_INPUT",
  PAYLOAD_TOO_LARGE: "TOO_LARGE",
  TOO_MANY_REQUESTS: "RATE_LIMITED",
  SERVICE_UNAVAILABLE: "UNAVAILABLE",
};

/** The AppError a thrown value stands for, or null when it is an internal error. */
export function toAppError(err: unknown): AppError | null {
  const known = asAppError(err);
  if (known) return known;
  if (err instanceof z.ZodError) return invalidInput(inputIssues(err.issues));
  if (err instanceof TRPCError) {
    if (err.cause) {
      const inner = toAppError(err.cause);
      if (inner) return inner;
    }
    const code = FROM_TRPC[err.code];
    return code ? new AppError(code, err.message) : null;
  }
  return null;
}
