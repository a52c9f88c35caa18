// Errors users can act on. Services throw AppError with a code; HTTP_STATUS is the one mapping from
// codes to statuses, used by tRPC (server/api/trpc.ts), the REST layer and the file routes
// (server/http.ts), and the CLI prints the code; anything else is logged and never shown.
export type AppErrorCode =
  | "BAD_INPUT"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "TOO_LARGE"
  | "RATE_LIMITED"
  | "UNAVAILABLE";

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const HTTP_STATUS: Record<AppErrorCode, number> = {
  BAD_INPUT: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_LARGE: 413,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
};

/** A field-level problem in a request, with the field's path ("taskIds.0", "filter.verdict"). */
export interface InputIssue {
  path: string;
  message: string;
}
