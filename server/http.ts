// Helpers for the plain route handlers (uploads, downloads, the REST layer). Errors go through the
// same mapping as tRPC's (server/api/errors.ts): a code, a message, and the fields of invalid input.
import { toAppError } from "./api/errors";
import { AppError, HTTP_STATUS } from "./errors";

export function errorResponse(err: unknown, where: string): Response {
  const known = toAppError(err);
  if (known) {
    const issues = known.code === "BAD_INPUT" ? (known.details as { issues?: unknown } | undefined)?.issues : undefined;
    const headers: Record<string, string> =
      known.code === "UNAUTHORIZED" ? { "www-authenticate": 'Bearer realm="cat-curator"' } : {};
    return Response.json(
      { error: { code: known.code, message: known.message, ...(issues ? { issues } : {}) } },
      { status: HTTP_STATUS[known.code], headers },
    );
  }
  console.error(`[http] ${where}:`, err);
  return Response.json(
    { error: { code: "INTERNAL", message: "Internal error; the server log has the details." } },
    { status: 500 },
  );
}

/** The largest JSON body an API call takes: a task's code is at most 8 MiB, and JSON escaping can double it. */
const MAX_JSON_BODY_BYTES = 16 << 20;

/**
 * The request body as a stream that errors once more than `maxBytes` have arrived: the limit holds
 * while the body streams in, whatever Content-Length says (or when there is none).
 */
function limitBody(body: ReadableStream<Uint8Array>, maxBytes: number): ReadableStream<Uint8Array> {
  let seen = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > maxBytes) controller.error(new AppError("TOO_LARGE", `The request body is over ${maxBytes} bytes.`));
        else controller.enqueue(chunk);
      },
    }),
  );
}

/** Reads a text body with the limit enforced while it streams. */
export async function readTextBody(req: Request, maxBytes = MAX_JSON_BODY_BYTES): Promise<string> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw new AppError("TOO_LARGE", `The request body is over ${maxBytes} bytes.`);
  if (!req.body) return "";
  const decoder = new TextDecoder();
  let text = "";
  const reader = limitBody(req.body, maxBytes).getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) text += decoder.decode(r.value, { stream: true });
  return text + decoder.decode();
}

/** The same request with its body limited (for handlers that read the body themselves, like tRPC's). */
export function withLimitedBody(req: Request, maxBytes = MAX_JSON_BODY_BYTES): Request {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw new AppError("TOO_LARGE", `The request body is over ${maxBytes} bytes.`);
  if (!req.body) return req;
  return new Request(req, { body: limitBody(req.body, maxBytes), duplex: "half" } as RequestInit);
}
