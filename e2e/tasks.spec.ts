import { expect, test } from "@playwright/test";
import { catTask, importTasks, uniqueToken } from "./helpers";

test("the list shows the demo tasks and pages past the first 200 rows by keyset cursor", async ({ page, request }) => {
  // Our own 30 tasks make sure there is more than one page of 200, whatever else the database holds.
  await importTasks(
    request,
    uniqueToken("e2e-paging-"),
    Array.from({ length: 30 }, (_, i) => catTask(uniqueToken(`page${i}-`), `Paging task ${i}.`)),
  );
  await page.goto("/tasks");
  await expect(page.getByTestId("task-count")).toHaveText(/^\d[\d,]* tasks$/);
  const count = Number(((await page.getByTestId("task-count").textContent()) ?? "").replace(/\D/g, ""));
  expect(count).toBeGreaterThan(200);
  await expect(page.getByTestId("task-row").first()).toBeVisible();
  // Virtualized: only rows in view are in the DOM. Scrolling to the end loads the next page.
  const table = page.getByTestId("task-table");
  await expect(async () => {
    await table.evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await expect(page.getByTestId("task-row").last()).toHaveAttribute("data-row", String(count - 1), { timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  expect(await page.getByTestId("task-row").count()).toBeLessThan(120);
});

test("filter by batch and search instructions; the filter lives in the URL", async ({ page, request }) => {
  const token = uniqueToken("zebra");
  const batch = uniqueToken("e2e-search-");
  await importTasks(request, batch, [
    catTask(`${token}-1`, `Return the ${token} skateboard via paypal.`),
    catTask(`${token}-2`, `Exchange the ${token} lamp for a blue one.`),
    catTask(`${token}-3`, "An unrelated instruction."),
  ]);
  await page.goto("/tasks");
  await page.getByLabel("Batch").selectOption(batch);
  await expect(page.getByTestId("task-count")).toHaveText("3 tasks");
  await page.keyboard.press("/");
  await page.keyboard.type(token);
  await expect(page.getByTestId("task-count")).toHaveText("2 tasks");
  await expect(page.getByTestId("task-row")).toHaveCount(2);
  await expect(page).toHaveURL(new RegExp(`batch=${batch}.*q=${token}|q=${token}.*batch=${batch}`));
  await page.getByLabel("Search instructions and code").fill(`${token} lamp`);
  await expect(page.getByTestId("task-count")).toHaveText("1 task");
  await expect(page.getByTestId("task-row")).toContainText(`${token}-2`);

  // Shareable: the same URL in a fresh page shows the same result.
  const url = page.url();
  const other = await page.context().newPage();
  await other.goto(url);
  await expect(other.getByTestId("task-count")).toHaveText("1 task");
});

test("open a task: instruction, highlighted code, failure cases and metadata", async ({ page, request }) => {
  const token = uniqueToken("open");
  await importTasks(request, uniqueToken("e2e-open-"), [
    catTask(token, `Cancel the ${token} order.`, { failure_cases: ["respond('a')", "respond('b')"] }),
  ]);
  await page.goto(`/tasks?q=${token}`);
  await expect(page.getByTestId("task-row")).toHaveCount(1);
  await page.keyboard.press("j");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: token })).toBeVisible();
  await expect(page.getByTestId("instruction")).toHaveValue(`Cancel the ${token} order.`);
  const verifier = page.getByRole("region", { name: "Verifier" });
  await expect(verifier.locator(".monaco-editor")).toBeVisible();
  await expect(verifier.locator(".view-lines")).toContainText("def verify(state, answer):");
  // Monaco tokenises Python: the keyword `def` is coloured unlike the name it defines (without a
  // Python grammar both would be one plain token of the same class).
  const tokenClass = (text: RegExp) =>
    verifier.locator(".view-lines span span", { hasText: text }).first().getAttribute("class");
  const keyword = await tokenClass(/^def$/);
  expect(keyword).toMatch(/mtk\d+/);
  expect(keyword).not.toEqual(await tokenClass(/^\s*verify$/));
  await expect(page.getByRole("region", { name: "Failure case 2" })).toBeVisible();
  await expect(page.getByText('"generator": "e2e"')).toBeVisible();
  await expect(page.getByTestId("revision-count")).toHaveText("1");
  await page.keyboard.press("Escape");
  await expect(page).toHaveURL(new RegExp(`/tasks\\?q=${token}$`));
});
