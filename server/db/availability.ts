// Telling "the database is down" apart from every other error, so each surface can answer 503
// "database unavailable" (something to wait for) instead of a masked 500 (something to report).
import { AppError } from "../errors";

const CODES = new Set([
  // sockets
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EPIPE",
  "EHOSTUNREACH",
  // PostgreSQL: admin/crash shutdown, cannot connect now, connection exceptions
  "57P01",
  "57P02",
  "57P03",
  "08000",
  "08001",
  "08003",
  "08004",
  "08006",
  // Prisma: can't reach, timed out, server closed the connection
  "P1001",
  "P1002",
  "P1017",
]);
const KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout"]);
const MESSAGES =
  /Connection terminated|ECONNREFUSED|Can't reach database server|Server has closed the connection|terminating connection due to administrator command|the database system is (starting up|shutting down|in recovery mode)|Client has encountered a connection error/i;

export function isDatabaseUnavailable(err: unknown): boolean {
  // Prisma wraps the driver's error in meta.driverAdapterError, which wraps the original in cause.
  const queue: unknown[] = [err];
  for (let seen = 0; queue.length && seen < 12; seen++) {
    const e = queue.shift();
    if (!e || typeof e !== "object") continue;
    const x = e as {
      code?: unknown;
      kind?: unknown;
      message?: unknown;
      cause?: unknown;
      meta?: { driverAdapterError?: unknown };
    };
    if (typeof x.code === "string" && CODES.has(x.code)) return true;
    if (typeof x.kind === "string" && KINDS.has(x.kind)) return true;
    if (typeof x.message === "string" && MESSAGES.test(x.message)) return true;
    queue.push(x.cause, x.meta?.driverAdapterError);
  }
  return false;
}

const databaseUnavailable = () =>
  new AppError(
    "UNAVAILABLE",
    "The database is unavailable right now; the app reconnects by itself. Try again in a moment.",
  );

/** An AppError for the errors users can act on (including an unreachable database), else null. */
export function asAppError(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  if (isDatabaseUnavailable(err)) return databaseUnavailable();
  return null;
}
