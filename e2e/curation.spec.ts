import { expect, test } from "@playwright/test";
import {
  approve,
  catTask,
  datasetWith,
  importTasks,
  lenientTask,
  taskIds,
  uniqueToken,
  waitForVerdicts,
} from "./helpers";

// Each test seeds its own tasks and runs the filter on them; their runs queue behind everyone's.
test.describe.configure({ timeout: 240_000 });

test("approve → edit: the task is unreviewed again and the next publish leaves it out as a stale review", async ({
  page,
  request,
}) => {
  const batch = uniqueToken("e2e-stale-");
  const token = uniqueToken("stale");
  const dataset = uniqueToken("stale-ds-");
  await importTasks(
    request,
    batch,
    [catTask(`${token}-a`, `Stale ${token} a.`), catTask(`${token}-b`, `Stale ${token} b.`)],
    { filter: true },
  );
  await waitForVerdicts(request, batch);
  const ids = await taskIds(request, batch);

  // Approve on the task page with the keyboard: the decision names the revision and the verdict.
  await page.goto(`/tasks/${ids[`${token}-a`]}`);
  await expect(page.getByTestId("run-summary")).toContainText("accepted");
  await page.locator("body").click({ position: { x: 5, y: 200 } });
  await page.keyboard.press("a");
  await expect(page.getByTestId("review-decision")).toContainText("Approved on r1");
  await expect(page.getByTestId("review-decision")).toContainText("accepted");
  await approve(request, [ids[`${token}-b`]!]);
  await datasetWith(request, dataset, [ids[`${token}-a`]!, ids[`${token}-b`]!]);

  // Edit and save: revision 2 supersedes the approval.
  await page.getByTestId("instruction").fill(`Stale ${token} a, edited.`);
  await page.getByTestId("save").click();
  await expect(page.getByTestId("revision-count")).toHaveText("2");
  await expect(page.getByTestId("review-decision")).toContainText("the last decision was about an older revision");
  await expect(
    page.getByRole("group", { name: "Review decision" }).getByRole("button", { name: /^Approve/ }),
  ).toHaveAttribute("aria-pressed", "false");
  await expect(page.getByTestId("history")).toContainText("unreviewed → approved on r1");
  await expect(page.getByTestId("history")).toContainText("superseded by r2");

  // The list can show exactly the tasks whose review went stale.
  await page.goto(`/tasks?batch=${batch}&stale=yes`);
  await expect(page.getByTestId("task-count")).toHaveText("1 task");
  await expect(page.getByTestId("task-table")).toContainText(`${token}-a`);
  // Its Review column says so, and the facet counts it.
  await expect(page.getByTestId("task-row").filter({ hasText: `${token}-a` })).toContainText("unreviewedstale");
  await expect(page.getByLabel("Review is stale")).toContainText("yes (1)");

  // The publish dialog says, before committing, that it leaves the task out and why.
  await page.goto(`/datasets/${dataset}`);
  await expect(
    page
      .getByRole("region", { name: "Working set" })
      .getByTestId("task-row")
      .filter({ hasText: `${token}-a` }),
  ).toContainText("left out: stale review");
  await page.getByTestId("publish").click();
  const dialog = page.getByRole("dialog", { name: `Publish ${dataset} v1` });
  await expect(dialog.getByTestId("publish-included")).toHaveText("1 task goes in");
  await expect(dialog.getByTestId("publish-excluded")).toContainText("1 stale review: approved on an older revision");
  await expect(dialog.getByTestId("publish-excluded").getByRole("link", { name: `${token}-a` })).toBeVisible();
  await dialog.getByRole("button", { name: "Publish 1 task" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Published v1" })).toContainText("1 left out");
  await expect(page.getByTestId("version")).toContainText("v1");
});

test("approving a rejected task is refused; with a written reason it is approved by override, ships, and is counted", async ({
  page,
  request,
}) => {
  const batch = uniqueToken("e2e-override-");
  const token = uniqueToken("ovr");
  const dataset = uniqueToken("ovr-ds-");
  await importTasks(
    request,
    batch,
    [lenientTask(`${token}-lenient`, `Lenient ${token}.`), catTask(`${token}-good`, `Good ${token}.`)],
    { filter: true },
  );
  await waitForVerdicts(request, batch);
  const ids = await taskIds(request, batch);

  await page.goto(`/tasks/${ids[`${token}-lenient`]}`);
  await expect(page.getByTestId("run-summary")).toContainText("failure case passing");
  const approveButton = page.getByRole("group", { name: "Review decision" }).getByRole("button", { name: /^Approve/ });
  await approveButton.click();
  const refused = page.getByTestId("approval-refused");
  await expect(refused).toContainText(`${token}-lenient is rejected by the filter (revision 1)`);
  await expect(approveButton).toHaveAttribute("aria-pressed", "false");

  await refused.getByRole("button", { name: "Approve anyway…" }).click();
  const dialog = page.getByRole("dialog", { name: "Approve anyway?" });
  const confirm = dialog.getByRole("button", { name: "Approve anyway" });
  await expect(confirm).toBeDisabled(); // a reason is required
  await dialog.getByLabel("Why approve it anyway (required)").fill("the failure case is wrong, not the verifier");
  await confirm.click();
  await expect(dialog).toBeHidden();
  await expect(approveButton).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByTestId("override-reason")).toContainText("the failure case is wrong, not the verifier");
  await expect(page.getByTestId("history")).toContainText("Reason: the failure case is wrong, not the verifier");
  // The list marks it, with the reason as the badge's tooltip, and its Override facet counts it.
  await page.goto(`/tasks?batch=${batch}`);
  const badge = page
    .getByTestId("task-row")
    .filter({ hasText: `${token}-lenient` })
    .getByText("override", { exact: true });
  await expect(badge).toHaveAttribute("title", /: the failure case is wrong, not the verifier$/);
  await expect(page.getByLabel("Override")).toContainText("yes (1)");

  // It ships: the dataset page and the publish preview count the override, the version holds it.
  await approve(request, [ids[`${token}-good`]!]);
  await datasetWith(request, dataset, [ids[`${token}-lenient`]!, ids[`${token}-good`]!]);
  await page.goto(`/datasets/${dataset}`);
  await expect(page.getByTestId("dataset-summary")).toContainText("approved by override: 1");
  await page.getByTestId("publish").click();
  const publish = page.getByRole("dialog", { name: `Publish ${dataset} v1` });
  await expect(publish.getByTestId("publish-included")).toHaveText("2 tasks go in");
  await expect(publish.getByTestId("publish-overrides")).toContainText("1 approved by override");
  await publish.getByRole("button", { name: "Publish 2 tasks" }).click();
  await expect(page.getByTestId("version")).toContainText("v1");
  await expect(page.getByTestId("version")).toContainText("2");

  // The statistics page counts it, and its count opens the list of overridden tasks.
  await page.goto("/stats");
  const datasetRow = page.getByRole("table", { name: "Datasets" }).getByRole("row").filter({ hasText: dataset });
  await expect(datasetRow.getByRole("cell").last()).toHaveText("1");
  await page.getByTestId("overrides").click();
  await expect(page).toHaveURL(/override=yes/);
  await page.getByLabel("Search instructions and code").fill(token);
  await expect(page.getByTestId("task-count")).toHaveText("1 task");
  await expect(page.getByTestId("task-table")).toContainText(`${token}-lenient`);
});

test("bulk Approve approves what the filter accepted, reports the rest, and offers the same override for them", async ({
  page,
  request,
}) => {
  const batch = uniqueToken("e2e-bulk-");
  const token = uniqueToken("bulk");
  await importTasks(
    request,
    batch,
    [catTask(`${token}-1`, "One."), lenientTask(`${token}-2`, "Two."), lenientTask(`${token}-3`, "Three.")],
    { filter: true },
  );
  await waitForVerdicts(request, batch);
  await page.goto(`/tasks?batch=${batch}`);
  await expect(page.getByTestId("task-count")).toHaveText("3 tasks");
  await page.getByTestId("select-all-matching").click();
  await page.getByRole("button", { name: "Approve", exact: true }).click();
  await expect(page.getByTestId("bulk-result")).toHaveText(
    "approved 1; 2 not approved because 2 rejected by the filter",
  );
  await page.getByRole("button", { name: "Approve the 2 anyway…" }).click();
  const dialog = page.getByRole("dialog", { name: "Approve 2 tasks anyway?" });
  await expect(dialog).toContainText(`${token}-2 is rejected by the filter`);
  await dialog.getByLabel("Why approve it anyway (required)").fill("known-good upstream");
  await dialog.getByRole("button", { name: "Approve anyway" }).click();
  await expect(page.getByTestId("bulk-result")).toHaveText("approved 2 by override");
  await page.goto(`/tasks?batch=${batch}&override=yes`);
  await expect(page.getByTestId("task-count")).toHaveText("2 tasks");
});

test("a task rejected after it was added drops out of the next version, and the diff names it under removed; an unchanged set says so", async ({
  page,
  request,
}) => {
  const batch = uniqueToken("e2e-removed-");
  const token = uniqueToken("rm");
  const dataset = uniqueToken("rm-ds-");
  await importTasks(request, batch, [catTask(`${token}-keep`, "Keep."), catTask(`${token}-drop`, "Drop.")], {
    filter: true,
  });
  await waitForVerdicts(request, batch);
  const ids = await taskIds(request, batch);
  await approve(request, Object.values(ids));
  await datasetWith(request, dataset, Object.values(ids));

  await page.goto(`/datasets/${dataset}`);
  await page.getByTestId("publish").click();
  await page
    .getByRole("dialog", { name: `Publish ${dataset} v1` })
    .getByRole("button", { name: "Publish 2 tasks" })
    .click();
  await expect(page.getByTestId("version")).toContainText("v1");

  // Nothing changed: the dialog says so and publishes only when asked.
  await page.getByTestId("publish").click();
  const again = page.getByRole("dialog", { name: `Publish ${dataset} v2` });
  await expect(again.getByTestId("publish-unchanged")).toContainText("Nothing changed since v1");
  await expect(again.getByRole("button", { name: "Publish anyway" })).toBeVisible();
  await again.getByRole("button", { name: "Cancel" }).click();

  // A reviewer rejects one of them after it was added.
  await page.goto(`/tasks/${ids[`${token}-drop`]}`);
  await page
    .getByRole("group", { name: "Review decision" })
    .getByRole("button", { name: /^Reject/ })
    .click();
  await expect(page.getByTestId("review-decision")).toContainText("Rejected on r1");

  await page.goto(`/datasets/${dataset}`);
  await page.getByTestId("publish").click();
  const publish = page.getByRole("dialog", { name: `Publish ${dataset} v2` });
  await expect(publish.getByTestId("publish-changes")).toHaveText("+0 added · −1 removed · 0 changed against v1");
  await expect(publish.getByTestId("publish-excluded")).toContainText("1 not approved");
  await publish.getByRole("button", { name: "Publish 1 task" }).click();
  await expect(page.getByTestId("version").first()).toContainText("v2");
  await page.getByRole("button", { name: "diff vs v1" }).click();
  const diff = page.getByTestId("version-diff");
  await expect(diff).toContainText("v1 → v2: 0 added · 1 removed · 0 changed");
  await expect(diff).toContainText(`− ${token}-drop`);
});
