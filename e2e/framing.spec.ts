import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { catTask, uniqueToken } from "./helpers";

test("a page on another origin can neither frame the app nor import into it", async ({ page, request, baseURL }) => {
  const batch = uniqueToken("e2e-foreign-");
  const line = JSON.stringify(catTask(uniqueToken("foreign-"), "Planted by another site."));
  // The other origin: a tiny server on another port of 127.0.0.1, serving a page that frames a task
  // and posts a task file the way a form could (no-cors, text/plain: no preflight).
  const html = `<!doctype html><title>elsewhere</title><h1>Another site</h1>
<iframe id="app" title="framed app" src="${baseURL}/tasks/1" width="900" height="400"></iframe>
<script>
fetch(${JSON.stringify(`${baseURL}/api/import?batch=${batch}&fileName=planted.jsonl`)}, { method: "POST", mode: "no-cors", headers: { "content-type": "text/plain" }, body: ${JSON.stringify(line)} })
  .then(() => { document.title = "posted"; }, () => { document.title = "post failed"; });
</script>`;
  const other = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(html);
  });
  await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
  try {
    const framed = page.waitForResponse((r) => r.url() === `${baseURL}/tasks/1`);
    await page.goto(`http://127.0.0.1:${(other.address() as AddressInfo).port}/`, { waitUntil: "load" });
    // The app answered the frame's request, with headers that forbid framing it…
    const response = await framed;
    expect(response.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(response.headers()["x-frame-options"]).toBe("DENY");
    // …so the browser showed none of it: the frame is not the app's page and holds no app content.
    await expect(page).toHaveTitle(/posted|post failed/);
    const frame = page.frames().find((f) => f !== page.mainFrame());
    expect(frame?.url()).not.toBe(`${baseURL}/tasks/1`);
    await expect(page.frameLocator("#app").getByRole("navigation", { name: "Main" })).toHaveCount(0);
    await expect(page.frameLocator("#app").locator("body")).not.toContainText("CaT Curator");
  } finally {
    await new Promise((resolve) => other.close(resolve));
  }
  // And the planted import was refused: no batch, no task.
  const tasks = await request.get(`/api/v1/tasks?batch=${batch}`);
  expect(((await tasks.json()) as { items: unknown[] }).items).toEqual([]);
  await page.goto("/import");
  await expect(page.getByRole("table", { name: "Recent imports" })).toBeVisible();
  await expect(page.getByRole("table", { name: "Recent imports" })).not.toContainText(batch);
});
