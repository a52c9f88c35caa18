import { randomBytes } from "node:crypto";
import type { APIRequestContext } from "@playwright/test";

/** A token unique to one test, so tests never see each other's data. */
export const uniqueToken = (prefix: string) => `${prefix}${randomBytes(4).toString("hex")}`;

export function catTask(id: string, instruction: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    environment: "retail",
    instruction,
    verifier: "def verify(state, answer):\n    return answer == 'done'\n",
    solution: "respond('done')",
    failure_cases: ["respond('not done')"],
    metadata: { generator: "e2e" },
    ...extra,
  };
}

/** Seeds tasks through the HTTP import endpoint (the API, not the form). */
export async function importTasks(request: APIRequestContext, batch: string, tasks: unknown[]) {
  const res = await request.post(`/api/import?batch=${encodeURIComponent(batch)}&fileName=${batch}.jsonl`, {
    data: Buffer.from(tasks.map((t) => JSON.stringify(t)).join("\n") + "\n"),
    headers: { "content-type": "application/octet-stream" },
  });
  if (!res.ok()) throw new Error(`seeding failed: ${res.status()} ${await res.text()}`);
  return res.json();
}
