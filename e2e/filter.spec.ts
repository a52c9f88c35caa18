import { expect, test } from "@playwright/test";
import { catTask, importTasks, uniqueToken } from "./helpers";

test("rerun a filtered list in the sandbox: live progress, verdicts in the list, the funnel per batch", async ({
  page,
  request,
}) => {
  test.setTimeout(180_000);
  const batch = uniqueToken("e2e-filter-");
  const token = uniqueToken("flt");
  await importTasks(request, batch, [
    // accepted: only the solution makes the answer 'done'
    catTask(`${token}-good`, "Say done."),
    // failure_case_passing: the verifier accepts anything
    catTask(`${token}-lenient`, "Say anything.", { verifier: "def verify(state, answer):\n    return True\n" }),
    // verifier_invalid
    catTask(`${token}-broken`, "Broken verifier.", { verifier: "def verify(state, answer)\n    return True\n" }),
  ]);
  await page.goto(`/tasks?batch=${batch}`);
  await expect(page.getByTestId("task-count")).toHaveText("3 tasks");
  await page.getByTestId("select-all-matching").click();
  await expect(page.getByTestId("selection-count")).toHaveText("3 selected");
  await page.getByRole("button", { name: "Run filter" }).click();
  await expect(page.getByTestId("bulk-result")).toHaveText("the filter is running on 3 tasks");
  // Its own line of the progress strip (the first start's demo rerun may still be going).
  const progress = page.getByTestId("rerun").filter({ hasText: batch });
  await expect(progress).toContainText("3/3 tasks", { timeout: 90_000 });
  await expect(progress).toContainText("1 accepted");
  await expect(progress).toContainText("2 rejected");
  await expect(page.getByTestId("task-table")).toContainText("failure case passing");
  await expect(page.getByTestId("task-table")).toContainText("verifier invalid");

  await page.goto("/stats");
  await page.getByRole("tab", { name: "per batch" }).click();
  const funnel = page.getByTestId("funnel").filter({ hasText: batch });
  await expect(funnel).toContainText("3 tasks · 3 run");
  await expect(funnel.getByRole("img", { name: /^Verifier loads: 2 / })).toBeVisible();
  await expect(funnel.getByRole("img", { name: /^Failure cases rejected \(accepted\): 1 / })).toBeVisible();
  // A bar opens exactly the tasks it counts: the stage within the batch.
  await funnel.getByTestId("funnel-bar-verifierLoads").click();
  await expect(page).toHaveURL(new RegExp(`/tasks\\?batch=${batch}&stage=verifier_loads`));
  await expect(page.getByTestId("task-count")).toHaveText("2 tasks");
  await expect(page.getByTestId("task-table")).not.toContainText(`${token}-broken`);

  await page.goBack();
  await page.getByRole("tab", { name: "per batch" }).click(); // the grouping is not in the URL
  await funnel.getByRole("link", { name: /show the 1 whose verifier does not load/ }).click();
  await expect(page).toHaveURL(/reason=verifier_invalid/);
  await expect(page.getByTestId("task-count")).toHaveText("1 task");

  await page.goto("/environments");
  const retail = page.getByTestId("environment").filter({ hasText: "retail" });
  await expect(retail).toContainText("return_delivered_order_items");
  await expect(retail).toContainText("Current pack");
});
