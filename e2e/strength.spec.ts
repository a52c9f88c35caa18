import { expect, type Page, test } from "@playwright/test";
import { addUser, signedInContext } from "./auth";
import { catTask, importTasks, taskIds, typeInto, uniqueToken, waitForVerdicts } from "./helpers";

// Strength checks run at low priority, behind every filter run (the first start's demo rerun
// included) and behind the checks queued before them: the lenient test waits minutes, not seconds.
test.describe.configure({ timeout: 600_000 });

const ORDER = "#W8149997";
const SOLUTION = [
  "uid = find_user_id_by_email(email='amelia.roberts1432@example.com')",
  `order = get_order_details(order_id='${ORDER}')`,
  `cancel_pending_order(order_id='${ORDER}', reason='no longer needed')`,
  `respond('Your order ${ORDER} is cancelled.')`,
].join("\n");

/** A retail task whose verifier checks only the order's status: the cancel reason can be anything. */
const statusOnlyTask = (id: string) =>
  catTask(
    id,
    `Your email is amelia.roberts1432@example.com. Cancel your pending order ${ORDER}: you no longer need it.`,
    {
      verifier: `def verify(state, answer):\n    return state['orders']['${ORDER}']['status'] == 'cancelled'\n`,
      solution: SOLUTION,
      failure_cases: [
        "uid = find_user_id_by_email(email='amelia.roberts1432@example.com')\nrespond('I cannot cancel orders.')",
      ],
    },
  );

async function openAccepted(page: Page, request: Parameters<typeof taskIds>[0], batch: string, id: string) {
  await waitForVerdicts(request, batch);
  const ids = await taskIds(request, batch);
  await page.goto(`/tasks/${ids[id]}`);
  await expect(page.getByTestId("run-summary")).toContainText("accepted");
  return ids[id]!;
}

test("the run matrix shows what each case changed in the state, a failure case's beside the solution's; Check again runs a new check", async ({
  page,
  request,
}) => {
  const batch = uniqueToken("e2e-diff-");
  const id = uniqueToken("diff");
  await importTasks(request, batch, [statusOnlyTask(id)], { filter: true });
  await openAccepted(page, request, batch, id);

  const matrix = page.getByTestId("case-matrix");
  await matrix.getByRole("button", { name: "Solution" }).click();
  const diff = matrix.getByTestId("state-diff");
  await expect(diff).toContainText(`orders['${ORDER}']['status']`);
  await expect(diff.getByTestId("state-change").filter({ hasText: "['status']" })).toContainText(
    '"pending"→"cancelled"',
  );
  await expect(diff.getByTestId("state-change").filter({ hasText: "['cancel_reason']" })).toContainText(
    '+ "no longer needed"',
  );

  // The failure case changed nothing; beside it, the solution's changes it did not make.
  await matrix.getByRole("button", { name: "Failure case 1" }).click();
  const beside = matrix.getByTestId("state-diff-beside");
  await expect(beside.getByTestId("state-diff")).toContainText("No change to the state.");
  await expect(beside.getByTestId("solution-state-diff")).toContainText("['cancel_reason']");
  await expect(beside.getByTestId("missing-changes")).toContainText(`orders['${ORDER}']['status']`);

  // "Check again" runs a new check of the revision: the one it replaces moves to the earlier checks.
  const panel = page.getByRole("region", { name: "Verifier strength" });
  await expect(panel.getByTestId("strength-summary")).toContainText("Revision 1:", { timeout: 300_000 });
  await expect(panel.getByText(/^Earlier checks/)).toHaveCount(0);
  await panel.getByRole("button", { name: "Check again" }).click();
  await expect(panel.getByText("Earlier checks (1)")).toBeVisible({ timeout: 300_000 });
  await expect(panel.getByTestId("strength-summary")).toContainText("Revision 1:");
});

test("a verifier that checks only the status is suspected lenient; its leak, added as a failure case, is rejected until the verifier is tightened", async ({
  page,
  request,
  browser,
}) => {
  const batch = uniqueToken("e2e-lenient-");
  const id = uniqueToken("len");
  // A second task, imported after it: newest first, it comes before the lenient one until sorted.
  await importTasks(request, batch, [statusOnlyTask(id), catTask(`${id}-plain`, "Say done.")], { filter: true });
  await openAccepted(page, request, batch, id);

  // The check runs by itself after the accepted filter run; the panel follows it.
  const panel = page.getByRole("region", { name: "Verifier strength" });
  await expect(panel).toContainText("suspected lenient", { timeout: 540_000 });
  await expect(panel.getByTestId("unread-writes")).toContainText(
    `The verifier does not look at orders['${ORDER}']['cancel_reason'], which the solution set.`,
  );
  await expect(panel.getByTestId("strength-summary")).toContainText(/\d+ variants run, [1-9]\d* leaks?/);
  // The leak: another valid reason (an enum of the tool's schema) that the verifier lets through.
  const leak = panel
    .getByTestId("leak")
    .filter({ has: page.getByTestId("leak-code").filter({ hasText: "reason='" }) })
    .first();
  await expect(leak.getByTestId("leak-delta").filter({ hasText: "['cancel_reason']" })).toContainText(
    "no longer needed",
  );
  const leakCode = (await leak.getByTestId("leak-code").textContent())!.trim();
  expect(leakCode).not.toContain("reason='no longer needed'");

  // A reviewer sees the same evidence, without the curator's buttons (the server refuses them anyway).
  const email = `${id}-reviewer@e2e.example`;
  await addUser(request, { email, name: "Rae Reviewer", role: "reviewer" });
  const reviewer = await signedInContext(browser, email);
  const r = await reviewer.newPage();
  await r.goto(page.url());
  const seen = r.getByRole("region", { name: "Verifier strength" });
  await expect(seen.getByTestId("leak-code").filter({ hasText: leakCode })).toBeVisible();
  await expect(seen.getByRole("button", { name: "Add as failure case" })).toHaveCount(0);
  await expect(seen.getByRole("button", { name: "Check again" })).toHaveCount(0);
  await reviewer.close();

  // The list: "suspected lenient first" puts it before the newer task, and the facet counts it.
  await page.goto(`/tasks?batch=${batch}`);
  await expect(page.getByTestId("task-count")).toHaveText("2 tasks");
  await expect(page.getByTestId("task-row").first()).toContainText(`${id}-plain`);
  await page.getByLabel("Sort", { exact: true }).selectOption("lenient");
  await expect(page).toHaveURL(/sort=lenient/);
  await expect(page.getByTestId("task-row").first()).not.toContainText(`${id}-plain`);
  await expect(page.getByTestId("task-row").first()).toContainText(id);
  // its row says so; the other task's (no strength warning) does not
  await expect(page.getByTestId("task-row").first()).toContainText("suspected lenient");
  await expect(page.getByTestId("task-row").nth(1)).not.toContainText("suspected lenient");
  await expect(page.getByLabel("Strength", { exact: true })).toContainText("suspected lenient (1)");
  await page.getByLabel("Strength", { exact: true }).selectOption("lenient");
  await expect(page).toHaveURL(/strength=lenient/);
  await expect(page.getByTestId("task-count")).toHaveText("1 task");

  // The statistics page counts it in its batch, and the count opens exactly that list.
  await page.goto("/stats");
  await page.getByRole("tab", { name: "per batch" }).click();
  const row = page
    .getByRole("table", { name: "Verifier strength per batch" })
    .getByTestId("strength-row")
    .filter({ hasText: batch });
  await expect(row.getByTestId("lenient-count")).toHaveText("1");
  await row.getByTestId("lenient-count").click();
  await expect(page).toHaveURL(new RegExp(`batch=${batch}.*strength=lenient|strength=lenient.*batch=${batch}`));
  await expect(page.getByTestId("task-count")).toHaveText("1 task");
  await page.getByRole("link", { name: id, exact: true }).click();

  // One click: the leak becomes failure case 2 of revision 2, and the filter rejects that revision.
  const leakAgain = page
    .getByRole("region", { name: "Verifier strength" })
    .getByTestId("leak")
    .filter({ has: page.getByTestId("leak-code").filter({ hasText: leakCode }) });
  await leakAgain.getByRole("button", { name: "Add as failure case" }).click();
  await expect(page.getByTestId("revision-count")).toHaveText("2");
  await expect(
    page.getByRole("status").filter({ hasText: "Added the variant as a failure case: revision 2" }),
  ).toContainText("the filter rejected it (failure case passing)", { timeout: 120_000 });
  await expect(page.getByTestId("run-summary")).toContainText("revision 2");
  await expect(page.getByTestId("case-row")).toHaveCount(3);
  await expect(page.getByTestId("case-row").nth(2)).toHaveAttribute("data-ok", "false");

  // Tighten the verifier until Try shows the new case failing, then save: accepted.
  // The reason is set only by a cancellation. (Two short lines: Monaco indents each new line of
  // inserted text after the previous one, and wraps long ones.)
  await typeInto(page, "Verifier", [
    "def verify(state, answer):",
    `    return state['orders']['${ORDER}'].get('cancel_reason') == 'no longer needed'`,
  ]);
  await page.getByTestId("try").click();
  const tried = page.getByTestId("try-result");
  await expect(tried).toContainText("accepted", { timeout: 60_000 });
  const newCase = tried.getByTestId("flip-row").filter({ hasText: "Failure case 2" });
  await expect(newCase).toContainText("pass → fail");
  await expect(newCase).toHaveAttribute("data-flipped", "true");
  // Its state diff in Try: the reason it set, marked as not what the solution set.
  await newCase.getByRole("button", { name: "Failure case 2" }).click();
  await expect(tried.getByTestId("state-diff-beside").getByTestId("state-diff")).toContainText("≠");

  await page.getByTestId("save").click();
  await expect(page.getByTestId("revision-count")).toHaveText("3");
  await expect(page.getByRole("status").filter({ hasText: "Saved revision 3" })).toContainText(
    "the filter accepted it.",
    { timeout: 120_000 },
  );
  // Strength is checked again on the new revision: the leak is gone.
  const rechecked = page.getByRole("region", { name: "Verifier strength" });
  await expect(rechecked.getByTestId("strength-summary")).toContainText("Revision 3:", { timeout: 300_000 });
  await expect(rechecked.getByTestId("strength-summary")).toContainText(" 0 leaks");
  await expect(rechecked.getByTestId("leak")).toHaveCount(0);
  // What it still leaves unread: the status, which the tightened verifier no longer reads.
  await expect(rechecked.getByTestId("unread-writes")).toContainText(`orders['${ORDER}']['status']`);
});
