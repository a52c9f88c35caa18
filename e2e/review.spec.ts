import { expect, test } from "@playwright/test";
import { catTask, importTasks, typeInto, uniqueToken } from "./helpers";

// A task whose verifier is too lenient: it accepts any end state, so its failure cases pass.
const lenientTask = (id: string, instruction: string) =>
  catTask(id, instruction, {
    verifier: "def verify(state, answer):\n    return True\n",
    solution: "respond('cancelled')",
    failure_cases: ["pass", "respond('nothing done')"],
  });

test("the review loop: search, edit in Monaco, Try shows a flip, save, rerun, label, approve, next by keyboard", async ({
  page,
  request,
}) => {
  const token = uniqueToken("loop");
  const batch = uniqueToken("e2e-loop-");
  await importTasks(request, batch, [
    lenientTask(`${token}-a`, `Cancel the ${token} order, please.`),
    lenientTask(`${token}-b`, `Another ${token} task.`),
  ]);

  await page.goto("/tasks");
  await page.getByLabel("Search instructions and code").fill(token);
  await expect(page.getByTestId("task-count")).toHaveText("2 tasks");
  await page.getByLabel("Sort", { exact: true }).selectOption("externalId");
  await page.getByRole("button", { name: "Sorted descending; sort ascending" }).click();
  await expect(page).toHaveURL(/dir=asc/);
  await page.getByRole("link", { name: `${token}-a` }).click();
  await expect(page.getByRole("heading", { name: `${token}-a` })).toBeVisible();

  // Run the filter on the imported revision: the lenient verifier lets the failure cases pass.
  await page.getByTestId("rerun-task").click();
  await expect(page.getByTestId("run-summary")).toContainText("failure case passing", { timeout: 30_000 });
  await expect(page.getByTestId("case-row").nth(1)).toHaveAttribute("data-ok", "false");

  // Tighten the verifier in Monaco and Try it: both failure cases flip from pass to fail.
  await typeInto(page, "Verifier", ["def verify(state, answer):", "    return answer == 'cancelled'"]);
  await expect(page.getByTestId("unsaved")).toBeVisible();
  await page.getByTestId("try").click();
  const result = page.getByTestId("try-result");
  await expect(result).toContainText("accepted", { timeout: 30_000 });
  await expect(result.locator('[data-flipped="true"]')).toHaveCount(2);
  await expect(result.locator('[data-flipped="true"]').first()).toContainText("pass → fail");

  // Save: a new revision, and the filter reruns on it by itself.
  await page.getByTestId("save").click();
  await expect(page.getByTestId("revision-count")).toHaveText("2");
  await expect(page.getByRole("status").filter({ hasText: "Saved revision 2" })).toBeVisible();
  await expect(page.getByTestId("run-summary")).toContainText("revision 2", { timeout: 30_000 });
  await expect(page.getByTestId("run-summary")).toContainText("accepted", { timeout: 30_000 });

  // Label it a false positive (of the original filter), approve by keyboard, then move on with j.
  await page.getByRole("group", { name: "Labels" }).getByRole("button", { name: "false positive" }).click();
  await expect(
    page.getByRole("group", { name: "Labels" }).getByRole("button", { name: "false positive" }),
  ).toHaveAttribute("aria-pressed", "true");
  await page.locator("body").click({ position: { x: 5, y: 200 } });
  await page.keyboard.press("a");
  await expect(page.getByRole("button", { name: /^Approve/ })).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByTestId("history")).toContainText("unreviewed → approved");
  await expect(page.getByTestId("history")).toContainText("labelled false positive");
  await expect(page.getByTestId("history")).toContainText("saved revision 2");

  await page.keyboard.press("j");
  await expect(page.getByRole("heading", { name: `${token}-b` })).toBeVisible();
  await page.keyboard.press("k");
  await expect(page.getByRole("heading", { name: `${token}-a` })).toBeVisible();
});

test("an unsaved edit survives a reload", async ({ page, request }) => {
  const token = uniqueToken("draft");
  await importTasks(request, uniqueToken("e2e-draft-"), [lenientTask(token, `Draft ${token}.`)]);
  await page.goto(`/tasks?q=${token}`);
  await page.getByRole("link", { name: token }).click();
  await page.getByTestId("instruction").fill(`Edited ${token} instruction`);
  await page.reload();
  await expect(page.getByText("Restored your unsaved edit")).toBeVisible();
  await expect(page.getByTestId("instruction")).toHaveValue(`Edited ${token} instruction`);
});

test("two people saving on the same revision: the second sees a conflict with both versions, and loses nothing", async ({
  browser,
  request,
}) => {
  const token = uniqueToken("conflict");
  await importTasks(request, uniqueToken("e2e-conflict-"), [lenientTask(token, `Conflict ${token}.`)]);
  // Two browser contexts: two people, each with their own drafts.
  const [alice, bob] = await Promise.all([browser.newContext(), browser.newContext()]);
  const a = await alice.newPage();
  const b = await bob.newPage();
  for (const p of [a, b]) {
    await p.goto(`/tasks?q=${token}`);
    await p.getByRole("link", { name: token }).click();
    await expect(p.getByTestId("revision-count")).toHaveText("1");
  }
  await a.getByTestId("instruction").fill(`Alice's ${token} instruction`);
  await a.getByTestId("save").click();
  await expect(a.getByTestId("revision-count")).toHaveText("2");

  await typeInto(b, "Solution", ["respond('Bob says cancelled')"]);
  await b.getByTestId("save").click();
  const conflict = b.getByTestId("conflict");
  await expect(conflict).toContainText("revision 2 by Ada Curator");
  await expect(conflict.getByRole("region", { name: "Their revision against your edit" })).toContainText("Alice");
  await expect(b.getByTestId("unsaved")).toBeVisible(); // Bob's edit is still there

  await b.getByTestId("keep-mine").click();
  await b.getByTestId("save").click();
  await expect(b.getByTestId("revision-count")).toHaveText("3");
  // Bob's save went on top of Alice's: the instruction is hers, the solution his.
  await b.reload();
  await expect(b.getByTestId("instruction")).toHaveValue(`Alice's ${token} instruction`);
  await expect(b.getByRole("region", { name: "Solution" }).locator(".view-lines")).toContainText("Bob says cancelled");
  await alice.close();
  await bob.close();
});
