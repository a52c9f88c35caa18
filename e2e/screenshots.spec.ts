import path from "node:path";
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

// Refreshes the README's screenshots (docs/screenshot-*.png): CAT_SCREENSHOTS=1 npx playwright test e2e/screenshots.spec.ts
test.skip(!process.env.CAT_SCREENSHOTS, "set CAT_SCREENSHOTS=1 to refresh docs/screenshot-*.png");
test.use({ viewport: { width: 1440, height: 900 } });
const shot = (name: string) => path.join("docs", `screenshot-${name}.png`);

test("screenshots for the README", async ({ page, request }) => {
  test.setTimeout(400_000);
  const batch = uniqueToken("showcase-");
  const token = uniqueToken("cancel-");
  await importTasks(
    request,
    batch,
    [
      catTask(`${token}-ok`, "Cancel order #W2378156 because it was ordered by mistake."),
      lenientTask(`${token}-lenient`, "Return the skateboard via paypal_7706317."),
    ],
    { filter: true },
  );
  await waitForVerdicts(request, "demo");
  await waitForVerdicts(request, batch);
  const ids = await taskIds(request, batch);
  await approve(request, [ids[`${token}-ok`]!]);
  await datasetWith(request, "retail-curated", [ids[`${token}-ok`]!]);

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
  await page.getByTestId("publish").click();
  await expect(page.getByTestId("publish-included")).toBeVisible();
  await page.screenshot({ path: shot("dataset") });

  await page.goto("/stats");
  await expect(page.getByTestId("funnel").first()).toBeVisible();
  await page.emulateMedia({ colorScheme: "dark" });
  await page.evaluate(() => document.documentElement.classList.add("dark"));
  await page.screenshot({ path: shot("stats") });
});
