// Errors users can act on. Services throw AppError with a code; the tRPC layer, the HTTP routes and
// the CLI map codes to statuses in one place each, and never show internals for anything else.
export type AppErrorCode = "BAD_INPUT" | "NOT_FOUND" | "CONFLICT" | "TOO_LARGE" | "UNAVAILABLE";

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
  NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_LARGE: 413,
  UNAVAILABLE: 503,
};
