import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { catTask, importTasks, lenientTask, uniqueToken, waitForVerdicts } from "./helpers";

test("approve accepted tasks, add them to a dataset, publish through the preview, download: the file holds exactly those revisions", async ({
  page,
  request,
}) => {
  test.setTimeout(240_000);
  const batch = uniqueToken("e2e-ds-");
  const token = uniqueToken("ds");
  const dataset = uniqueToken("curated-");
  await importTasks(
    request,
    batch,
    [catTask(`${token}-1`, "One."), lenientTask(`${token}-2`, "Two."), catTask(`${token}-3`, "Three.")],
    { filter: true },
  );
  await waitForVerdicts(request, batch);

  // Approve the two the filter accepted from the list.
  await page.goto(`/tasks?batch=${batch}&sort=externalId&dir=asc`);
  await expect(page.getByTestId("task-count")).toHaveText("3 tasks");
  await page.getByLabel(`Select ${token}-1`).check();
  await page.getByLabel(`Select ${token}-3`).check();
  await page.getByRole("button", { name: "Approve", exact: true }).click();
  await expect(page.getByTestId("bulk-result")).toHaveText("approved 2");

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
  await expect(page.getByTestId("bulk-result")).toHaveText("2 added, 1 skipped (not approved)");

  await page.goto("/datasets");
  await expect(card).toContainText("2 tasks in the working set");
  await card.getByRole("link", { name: dataset }).click();
  await expect(page.getByRole("heading", { name: dataset })).toBeVisible();
  // The working set is the task list pinned to the dataset; each row says whether it goes in.
  const workingSet = page.getByRole("region", { name: "Working set" });
  await expect(workingSet.getByTestId("task-count")).toHaveText("2 tasks");
  await expect(workingSet.getByTestId("publish-status").first()).toHaveText("goes in");

  await page.getByTestId("publish").click();
  const dialog = page.getByRole("dialog", { name: `Publish ${dataset} v1` });
  await expect(dialog.getByTestId("publish-included")).toHaveText("2 tasks go in");
  await expect(dialog.getByTestId("publish-changes")).toHaveText("the first version");
  await dialog.getByLabel("Notes").fill("the first cut");
  await dialog.getByRole("button", { name: "Publish 2 tasks" }).click();
  await expect(dialog).toBeHidden();
  const versions = page.getByTestId("version");
  await expect(versions).toContainText("v1");
  await expect(versions).toContainText("the first cut");

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    versions.getByRole("link", { name: "jsonl" }).click(),
  ]);
  const lines = fs
    .readFileSync((await download.path())!, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  expect(lines.map((l) => l.id).sort()).toEqual([`${token}-1`, `${token}-3`]);
  expect(lines[0]).toMatchObject({
    environment: "retail",
    instruction: expect.any(String),
    verdict: { status: "accepted" },
    review: { status: "approved", revision: 1, stale: false, override: null },
  });

  // The same version as a background job: progress, then a download link.
  await versions.getByLabel(`Export ${dataset} v1 in the background`).selectOption("jsonl");
  const link = versions.getByTestId("background-export").getByRole("link", { name: `${dataset}-v1.jsonl` });
  await expect(link).toBeVisible({ timeout: 30_000 });
  const [bg] = await Promise.all([page.waitForEvent("download"), link.click()]);
  expect(
    fs
      .readFileSync((await bg.path())!, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).id)
      .sort(),
  ).toEqual([`${token}-1`, `${token}-3`]);
});
