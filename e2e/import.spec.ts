import path from "node:path";
import os from "node:os";
import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { catTask, uniqueToken } from "./helpers";

test("import a file with one bad line through the UI: its error is shown, the good lines appear, the filter runs on them", async ({
  page,
}) => {
  const token = uniqueToken("imp");
  const batch = uniqueToken("e2e-import-");
  const lines = [
    JSON.stringify(catTask(`${token}-a`, `First ${token} task.`)),
    JSON.stringify({ ...catTask(`${token}-bad`, "Bad one."), failure_cases: "not a list" }),
    JSON.stringify(catTask(`${token}-b`, `Second ${token} task.`)),
  ];
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cat-e2e-file-")), `${token}.jsonl`);
  fs.writeFileSync(file, lines.join("\n") + "\n");

  await page.goto("/import");
  await page.getByLabel("Batch name (optional)").fill(batch);
  // On by default: the import queues the filter for the tasks it created (?filter=1).
  await expect(page.getByTestId("import-run-filter")).toBeChecked();
  await page.getByTestId("import-file").setInputFiles(file);
  const result = page.getByTestId("import-result");
  await expect(result).toContainText(`imported into batch ${batch}`);
  await expect(result).toContainText("3 lines read · 2 new · 0 revised · 0 unchanged · 1 refused");
  const rerun = page.getByTestId("import-rerun");
  await expect(rerun).toContainText(/Filter rerun #\d+ queued for the 2 new and revised tasks/);
  await expect(page.getByTestId("import-rerun-progress")).toContainText("finished · 2 accepted, 0 rejected", {
    timeout: 90_000,
  });
  const error = page.getByTestId("line-error");
  await expect(error).toHaveCount(1);
  await expect(error).toContainText("2");
  await expect(error).toContainText("failure_cases");
  await expect(error).toContainText("failure_cases must be an array of strings");

  await result.getByRole("link", { name: batch }).click();
  await expect(page).toHaveURL(new RegExp(`/tasks\\?batch=${batch}`));
  await expect(page.getByTestId("task-count")).toHaveText("2 tasks");
  await expect(page.getByTestId("task-table")).toContainText(`${token}-a`);
  await expect(page.getByTestId("task-table")).toContainText(`${token}-b`);
  await expect(page.getByTestId("task-table")).not.toContainText(`${token}-bad`);
  await expect(page.getByTestId("task-table")).not.toContainText("pending");
});

test("an import without the filter queues no rerun; a re-import of the same file has nothing to filter", async ({
  page,
}) => {
  const token = uniqueToken("imn");
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cat-e2e-file-")), `${token}.jsonl`);
  fs.writeFileSync(file, `${JSON.stringify(catTask(`${token}-a`, `Only ${token} task.`))}\n`);
  await page.goto("/import");
  await page.getByTestId("import-run-filter").uncheck();
  await page.getByTestId("import-file").setInputFiles(file);
  await expect(page.getByTestId("import-result")).toContainText("1 new");
  await expect(page.getByTestId("import-rerun")).toHaveCount(0);

  await page.getByTestId("import-run-filter").check();
  await page.getByTestId("import-file").setInputFiles(file);
  await expect(page.getByTestId("import-result")).toContainText("1 unchanged");
  await expect(page.getByTestId("import-rerun")).toHaveText("No filter run queued: no task is new or revised.");
});

test("a file that is not JSONL at all is refused whole, with the reason", async ({ page }) => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cat-e2e-file-")), "notes.jsonl");
  fs.writeFileSync(file, Array.from({ length: 250 }, (_, i) => `row ${i}, some, csv`).join("\n"));
  await page.goto("/import");
  await page.getByTestId("import-file").setInputFiles(file);
  const result = page.getByTestId("import-result");
  await expect(result).toContainText("notes.jsonl was not imported");
  await expect(result).toContainText("does not look like a CaT JSON Lines file");
  await expect(page.getByTestId("line-error").first()).toContainText("invalid JSON");
});

test("an empty file says so", async ({ page }) => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cat-e2e-file-")), "empty.jsonl");
  fs.writeFileSync(file, "");
  await page.goto("/import");
  await page.getByTestId("import-file").setInputFiles(file);
  await expect(page.getByTestId("import-result")).toContainText("The file is empty: no tasks found.");
});
