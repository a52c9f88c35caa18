import path from "node:path";
import { expect, test } from "@playwright/test";
import { addUser, signedInContext } from "./auth";
import {
  approve,
  catTask,
  datasetWith,
  importTasks,
  lenientTask,
  taskIds,
  trpc,
  uniqueToken,
  waitForVerdicts,
} from "./helpers";

// Refreshes the README's screenshots (docs/screenshot-*.png): CAT_SCREENSHOTS=1 npx playwright test e2e/screenshots.spec.ts
test.skip(!process.env.CAT_SCREENSHOTS, "set CAT_SCREENSHOTS=1 to refresh docs/screenshot-*.png");
test.use({ viewport: { width: 1440, height: 900 } });
const shot = (name: string) => path.join("docs", `screenshot-${name}.png`);

test("screenshots for the README", async ({ page, request, browser }) => {
  test.setTimeout(400_000);
  const batch = uniqueToken("showcase-");
  const token = uniqueToken("cancel-");
  await importTasks(
    request,
    batch,
    [
      catTask(`${token}-ok`, "Cancel order #W2378156 because it was ordered by mistake."),
      lenientTask(`${token}-lenient`, "Return the skateboard via paypal_7706317."),
      catTask(`${token}-third`, "Change the shipping address of order #W4817420 to the office."),
    ],
    { filter: true },
  );
  await waitForVerdicts(request, "demo");
  await waitForVerdicts(request, batch);
  const ids = await taskIds(request, batch);
  const ok = ids[`${token}-ok`]!;
  const third = ids[`${token}-third`]!;

  // Two reviewers: Ada (the administrator) and Rita. They disagree on one task of a batch whose
  // policy asks for two approvals, and the dataset asks the same of its working set.
  const multi = `${batch}-two-reviewers`;
  await importTasks(request, multi, [catTask(`${token}-two`, "Exchange the blue mug for the red one.")], {
    filter: true,
  });
  await waitForVerdicts(request, multi);
  const two = (await taskIds(request, multi))[`${token}-two`]!;
  await trpc(request, "reviewers.setPolicy", { batch: multi, approvals: 2 });
  const email = `${token}-rita@e2e.example`;
  await addUser(request, { email, name: "Rita Reviewer", role: "reviewer" });
  await approve(request, [ok, two, third]);
  await datasetWith(request, "retail-curated", [ok, two, third]);
  await trpc(request, "reviewers.setPolicy", { dataset: "retail-curated", approvals: 2 });
  const rita = await signedInContext(browser, email);
  for (const [taskId, decision] of [
    [ok, "approve"],
    [two, "reject"],
  ] as const) {
    const res = await rita.request.post(`/api/v1/tasks/${taskId}/review`, { data: { decision } });
    expect(res.ok(), await res.text()).toBe(true);
  }
  await rita.close();

  await page.goto("/tasks?batch=demo");
  await expect(page.getByTestId("task-row").first()).toBeVisible();
  await page.screenshot({ path: shot("tasks") });

  await page.goto(`/tasks/${ids[`${token}-lenient`]}`);
  await expect(page.getByTestId("case-matrix")).toBeVisible();
  await expect(page.getByRole("region", { name: "Verifier", exact: true }).locator(".monaco-editor")).toBeVisible();
  await page
    .getByRole("group", { name: "Review decision" })
    .getByRole("button", { name: /^Approve/ })
    .click();
  await expect(page.getByTestId("approval-refused")).toBeVisible();
  await page.screenshot({ path: shot("task") });

  await page.goto("/datasets/retail-curated");
  await expect(page.getByTestId("review-policy")).toContainText("2 approvals");
  await expect(page.getByTestId("task-row")).toHaveCount(3);
  await page.getByTestId("publish").click();
  await expect(page.getByTestId("publish-included")).toHaveText("1 task goes in");
  await expect(page.getByTestId("exclusion-group")).toHaveCount(2);
  await page.screenshot({ path: shot("dataset") });

  await page.goto(`/tasks/${two}`);
  const decisions = page.getByTestId("reviewer-decisions");
  await expect(decisions.getByTestId("adjudicate")).toBeVisible();
  await expect(page.getByRole("region", { name: "Verifier", exact: true }).locator(".monaco-editor")).toBeVisible();
  await decisions.scrollIntoViewIfNeeded();
  await page.screenshot({ path: shot("review") });

  await page.goto("/stats");
  await expect(page.getByTestId("funnel").first()).toBeVisible();
  await page.emulateMedia({ colorScheme: "dark" });
  await page.evaluate(() => document.documentElement.classList.add("dark"));
  await page.screenshot({ path: shot("stats") });
});
