import { expect, test } from "@playwright/test";
import { importTasks, lenientTask, taskIds, typeInto, uniqueToken } from "./helpers";

test("inside Monaco, Ctrl+Enter runs Try and Ctrl+S saves; the run's status and the history follow the run live", async ({
  page,
  request,
}) => {
  test.setTimeout(180_000);
  const batch = uniqueToken("e2e-keys-");
  const token = uniqueToken("keys");
  await importTasks(request, batch, [lenientTask(token, `Keys ${token}.`)]);
  const ids = await taskIds(request, batch);
  await page.goto(`/tasks/${ids[token]}`);
  await expect(page.getByRole("heading", { name: token })).toBeVisible();

  // Ctrl+Enter from the verifier's editor: Try runs, and no line is inserted.
  await typeInto(page, "Verifier", ["def verify(state, answer):", "    return answer == 'done'"]);
  const verifierLines = page.getByRole("region", { name: "Verifier", exact: true }).locator(".view-line");
  await expect(verifierLines).toHaveCount(2);
  await page.keyboard.press("ControlOrMeta+Enter");
  const tried = page.getByTestId("try-result");
  await expect(tried).toContainText("accepted", { timeout: 60_000 });
  await expect(verifierLines).toHaveCount(2);

  // Ctrl+Enter from a failure case's editor: Try runs on what it holds now.
  await typeInto(page, "Failure case 1", ["respond('done')"]);
  await page.keyboard.press("ControlOrMeta+Enter");
  await expect(tried).toContainText("failure case passing", { timeout: 60_000 });

  // Ctrl+S from inside the editor saves a revision; the note and the history follow its run.
  await typeInto(page, "Failure case 1", ["respond('not done')"]);
  await page.keyboard.press("ControlOrMeta+S");
  await expect(page.getByTestId("revision-count")).toHaveText("2");
  const note = page.getByRole("status").filter({ hasText: "Saved revision 2" });
  await expect(note).toBeVisible();
  await expect(note).toHaveText("Saved revision 2; the filter accepted it.", { timeout: 120_000 });
  await expect(page.getByTestId("history")).toContainText(/filter run #\d+: accepted/);
  await expect(page.getByTestId("history")).not.toContainText("queued");
  await expect(page.getByRole("heading", { name: token }).locator("..")).toContainText("accepted");
});
