// Maps errors to HTTP responses for the plain route handlers (uploads, downloads); tRPC has its own.
import { AppError, HTTP_STATUS } from "./errors";

export function errorResponse(err: unknown, where: string): Response {
  if (err instanceof AppError) return Response.json({ error: { code: err.code, message: err.message } }, { status: HTTP_STATUS[err.code] });
  console.error(`[http] ${where}:`, err);
  return Response.json({ error: { code: "INTERNAL", message: "Internal error; the server log has the details." } }, { status: 500 });
}
