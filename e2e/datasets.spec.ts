import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { catTask, importTasks, uniqueToken } from "./helpers";

test("approve tasks, add them to a dataset, publish, download: the file holds exactly those revisions", async ({ page, request }) => {
  const batch = uniqueToken("e2e-ds-");
  const token = uniqueToken("ds");
  const dataset = uniqueToken("curated-");
  await importTasks(request, batch, [catTask(`${token}-1`, "One."), catTask(`${token}-2`, "Two."), catTask(`${token}-3`, "Three.")]);

  // Approve two of the three from the list.
  await page.goto(`/tasks?batch=${batch}&sort=externalId&dir=asc`);
  await expect(page.getByTestId("task-count")).toHaveText("3 tasks");
  await page.getByLabel(`Select ${token}-1`).check();
  await page.getByLabel(`Select ${token}-3`).check();
  await page.getByRole("button", { name: "Approve", exact: true }).click();
  await expect(page.getByTestId("task-table")).toContainText("approved");

  await page.goto("/datasets");
  await page.getByLabel("New dataset name").fill(dataset);
  await page.getByRole("button", { name: "Create" }).click();
  const card = page.getByTestId("dataset").filter({ hasText: dataset });
  await expect(card).toContainText("0 tasks in the working set");

  // All matching tasks go to the dataset; the unapproved one is skipped and counted.
  await page.goto(`/tasks?batch=${batch}`);
  await expect(page.getByTestId("task-count")).toHaveText("3 tasks");
  await page.getByTestId("select-all-matching").click();
  await page.getByLabel("Add the selection to a dataset").selectOption(dataset);
  await expect(page.getByTestId("dataset-added")).toHaveText("2 added, 1 skipped (not approved)");

  await page.goto("/datasets");
  await expect(card).toContainText("2 tasks in the working set");
  await card.getByLabel(`Notes for ${dataset}`).fill("the first cut");
  await card.getByTestId("publish").click();
  await expect(card.getByTestId("version")).toContainText("v1");
  await expect(card.getByTestId("version")).toContainText("the first cut");

  const [download] = await Promise.all([page.waitForEvent("download"), card.getByRole("link", { name: "jsonl" }).click()]);
  const lines = fs.readFileSync((await download.path())!, "utf8").trim().split("\n").map((l) => JSON.parse(l));
  expect(lines.map((l) => l.id).sort()).toEqual([`${token}-1`, `${token}-3`]);
  expect(lines[0]).toMatchObject({ environment: "retail", instruction: expect.any(String), verdict: { status: "pending" } });

  // The same version as a background job: progress, then a download link.
  await card.getByLabel(`Export ${dataset} v1 in the background`).selectOption("jsonl");
  const link = card.getByTestId("background-export").getByRole("link", { name: `${dataset}-v1.jsonl` });
  await expect(link).toBeVisible({ timeout: 30_000 });
  const [bg] = await Promise.all([page.waitForEvent("download"), link.click()]);
  expect(fs.readFileSync((await bg.path())!, "utf8").trim().split("\n").map((l) => JSON.parse(l).id).sort()).toEqual([`${token}-1`, `${token}-3`]);
});
