import { randomBytes } from "node:crypto";
import { expect, type APIRequestContext, type Page } from "@playwright/test";

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

/** A task the filter rejects: its verifier accepts anything, so its failure case passes. */
export const lenientTask = (id: string, instruction: string) =>
  catTask(id, instruction, { verifier: "def verify(state, answer):\n    return True\n" });

/** Seeds tasks through the HTTP import endpoint (the API, not the form); `filter` runs the CaT filter on the batch. */
export async function importTasks(
  request: APIRequestContext,
  batch: string,
  tasks: unknown[],
  { filter = false }: { filter?: boolean } = {},
) {
  const res = await request.post(`/api/import?batch=${encodeURIComponent(batch)}&fileName=${batch}.jsonl`, {
    data: Buffer.from(tasks.map((t) => JSON.stringify(t)).join("\n") + "\n"),
    headers: { "content-type": "application/octet-stream" },
  });
  if (!res.ok()) throw new Error(`seeding failed: ${res.status()} ${await res.text()}`);
  const summary: unknown = await res.json();
  if (filter) await runFilter(request, { batch });
  return summary;
}

/** Queues the CaT filter over a list filter (the REST API); returns the rerun. */
export async function runFilter(request: APIRequestContext, filter: Record<string, string>, base = "") {
  const res = await request.post(`${base}/api/v1/reruns`, { data: { filter } });
  if (!res.ok()) throw new Error(`rerun failed: ${res.status()} ${await res.text()}`);
  return (await res.json()) as { rerunId: number; taskCount: number };
}

/** The batch's tasks by external id (internal ids for URLs and API calls). */
export async function taskIds(request: APIRequestContext, batch: string): Promise<Record<string, number>> {
  const res = await request.get(`/api/v1/tasks?batch=${encodeURIComponent(batch)}&limit=500`);
  expect(res.ok()).toBe(true);
  const body = (await res.json()) as { items: Array<{ id: number; externalId: string }> };
  return Object.fromEntries(body.items.map((t) => [t.externalId, t.id]));
}

/** Waits until the filter has a verdict for every task of the batch (its runs queue behind others'). */
export async function waitForVerdicts(request: APIRequestContext, batch: string) {
  await expect
    .poll(
      async () => {
        const res = await request.get(`/api/v1/tasks?batch=${encodeURIComponent(batch)}&verdict=pending&limit=1`);
        return ((await res.json()) as { items: unknown[] }).items.length;
      },
      { timeout: 150_000, message: `verdicts for batch ${batch}` },
    )
    .toBe(0);
}

/** Calls a tRPC procedure the way the app does (superjson's envelope), for seeding. */
export async function trpc(request: APIRequestContext, path: string, input: unknown) {
  const res = await request.post(`/api/trpc/${path}`, { data: { json: input } });
  if (!res.ok()) throw new Error(`${path} failed: ${res.status()} ${await res.text()}`);
  return ((await res.json()) as { result: { data: { json: unknown } } }).result.data.json;
}

/** Approves tasks the filter accepted (seeding; the review itself is tested through the UI). */
export const approve = (request: APIRequestContext, ids: number[]) =>
  trpc(request, "review.setStatus", { selection: { taskIds: ids }, status: "approved" });

/** Creates a dataset and puts approved tasks into its working set. */
export async function datasetWith(request: APIRequestContext, name: string, ids: number[]) {
  const made = await request.post("/api/v1/datasets", { data: { name } });
  if (!made.ok()) throw new Error(`dataset create failed: ${made.status()} ${await made.text()}`);
  const added = await request.post(`/api/v1/datasets/${name}/tasks`, { data: { taskIds: ids } });
  if (!added.ok()) throw new Error(`dataset add failed: ${added.status()} ${await added.text()}`);
  return added.json();
}

/** Replaces the content of a Monaco editor through the keyboard (text inserted as typed input). */
export async function typeInto(page: Page, region: string, lines: string[]) {
  const editor = page.getByRole("region", { name: region, exact: true }).locator(".monaco-editor");
  // Focus must be inside the editor before select-all, or the keys go to the page.
  await expect(async () => {
    await editor.click();
    expect(await editor.evaluate((el) => el.contains(document.activeElement))).toBe(true);
  }).toPass({ timeout: 15_000 });
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Delete");
  // insertText, not type(): Monaco's auto-closing of brackets and quotes would race per-key typing.
  await page.keyboard.insertText(lines.join("\n"));
  await expect(editor.locator(".view-lines")).toContainText(lines[lines.length - 1]!.trim());
}
