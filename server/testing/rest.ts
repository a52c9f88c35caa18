// The REST API called in-process, as the tests that follow a workflow through its routes do.
import type { Db } from "../db/client";
import { handleApiRequest } from "../rest/routes";

/**
 * Sends one request to the API as `headers` (an API token's, from tokenFor). A string body goes as
 * it is (malformed JSON, for the tests of errors), anything else as JSON.
 */
export async function callApi(db: Db, headers: Record<string, string>, method: string, path: string, body?: unknown) {
  const res = await handleApiRequest(
    new Request(`http://127.0.0.1${path}`, {
      method,
      headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    }),
    db,
  );
  // biome-ignore lint/suspicious/noExplicitAny: tests read deep into JSON answers
  return { status: res.status, json: (await res.json()) as any };
}
