// Roles in the browser: each person in a browser context of their own, signed in as themselves. The
// server refuses what a role may not do (server/auth); these check that the pages do not offer it.
import { expect, type Page, test } from "@playwright/test";
import { addUser, signedInContext, USER_PASSWORD } from "./auth";
import { approve, catTask, importTasks, taskIds, trpc, uniqueToken, waitForVerdicts } from "./helpers";

/** The account menu's links for whoever is signed in on `page`. */
async function accountLinks(page: Page) {
  await page.getByTestId("user-menu").click();
  const links = await page.getByRole("navigation", { name: "Account" }).getByRole("link").allTextContents();
  await page.keyboard.press("Escape");
  return links;
}

test("a viewer reads every page without a write button; a reviewer reviews and tries but cannot edit code", async ({
  browser,
  request,
}) => {
  const token = uniqueToken("role");
  const batch = uniqueToken("e2e-roles-");
  const dataset = uniqueToken("e2e-roles-set-");
  await importTasks(request, batch, [catTask(`${token}-t`, `Roles ${token}.`)], { filter: true });
  await waitForVerdicts(request, batch);
  const id = (await taskIds(request, batch))[`${token}-t`]!;
  expect((await request.post("/api/v1/datasets", { data: { name: dataset } })).ok()).toBe(true);
  await addUser(request, { email: `${token}-viewer@e2e.example`, name: "Val Viewer", role: "viewer" });
  await addUser(request, { email: `${token}-reviewer@e2e.example`, name: "Rex Reviewer", role: "reviewer" });

  const viewer = await signedInContext(browser, `${token}-viewer@e2e.example`);
  const v = await viewer.newPage();
  await v.goto(`/tasks?batch=${batch}`);
  await expect(v.getByTestId("task-count")).toHaveText("1 task");
  await expect(v.getByTestId("user-menu")).toContainText("Val Viewer · viewer");
  expect(await accountLinks(v)).toEqual(["API tokens"]);
  await expect(v.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Import" })).toHaveCount(0);
  await expect(v.getByRole("toolbar", { name: "Bulk actions" })).toHaveCount(0);
  await expect(v.getByRole("checkbox", { name: `Select ${token}-t` })).toHaveCount(0);
  await expect(v.getByRole("link", { name: "Review queue →" })).toHaveCount(0);

  await v.getByRole("link", { name: `${token}-t` }).click();
  await expect(v.getByRole("heading", { name: `${token}-t` })).toBeVisible();
  await expect(v.getByTestId("review-decision")).toHaveText("Not reviewed yet.");
  await expect(v.getByTestId("run-summary")).toContainText("accepted");
  await expect(v.getByRole("group", { name: "Review decision" })).toHaveCount(0);
  await expect(v.getByRole("group", { name: "Labels" })).toHaveCount(0);
  await expect(v.getByRole("textbox", { name: "Comment" })).toHaveCount(0);
  for (const testId of ["try", "save", "rerun-task"]) await expect(v.getByTestId(testId)).toHaveCount(0);
  await expect(v.getByRole("button", { name: "+ Add failure case" })).toHaveCount(0);
  await expect(v.getByTestId("instruction")).toHaveAttribute("readonly", "");
  await expect(v.getByRole("region", { name: "Verifier", exact: true })).toHaveAttribute("data-editable", "false");
  // The keys do nothing either: a is approve for a reviewer.
  await v.locator("body").click({ position: { x: 5, y: 200 } });
  await v.keyboard.press("a");
  await expect(v.getByTestId("review-decision")).toHaveText("Not reviewed yet.");

  await v.goto(`/datasets/${dataset}`);
  await expect(v.getByTestId("review-policy")).toContainText("None");
  await expect(v.getByRole("form", { name: "Set the review policy" })).toHaveCount(0);
  await expect(v.getByTestId("publish")).toHaveCount(0);
  await v.goto("/datasets");
  await expect(v.getByTestId("dataset").first()).toBeVisible();
  await expect(v.getByLabel("New dataset name")).toHaveCount(0);
  await v.goto("/environments");
  await expect(v.getByTestId("environment").first()).toBeVisible();
  await expect(v.getByRole("region", { name: "Upload a pack" })).toHaveCount(0);
  await expect(v.getByRole("button", { name: "Use this version" })).toHaveCount(0);
  await v.goto("/import");
  await expect(v.getByText("Importing needs the curator role; you are a viewer.")).toBeVisible();
  await expect(v.getByTestId("import-file")).toHaveCount(0);
  // What the page hides, the server refuses.
  const refused = await viewer.request.post(`/api/v1/tasks/${id}/review`, { data: { decision: "reject" } });
  expect(refused.status()).toBe(403);
  await viewer.close();

  const reviewer = await signedInContext(browser, `${token}-reviewer@e2e.example`);
  const r = await reviewer.newPage();
  await r.goto(`/tasks/${id}`);
  await expect(r.getByTestId("user-menu")).toContainText("Rex Reviewer · reviewer");
  expect(await accountLinks(r)).toEqual(["My queue", "API tokens"]);
  await expect(r.getByRole("group", { name: "Review decision" })).toBeVisible();
  await expect(r.getByRole("group", { name: "Labels" })).toBeVisible();
  await expect(r.getByRole("textbox", { name: "New label" })).toHaveCount(0);
  await expect(r.getByRole("textbox", { name: "Comment" })).toBeVisible();
  await expect(r.getByTestId("save")).toHaveCount(0);
  await expect(r.getByTestId("rerun-task")).toHaveCount(0);
  await expect(r.getByRole("button", { name: "+ Add failure case" })).toHaveCount(0);
  await expect(r.getByTestId("instruction")).toHaveAttribute("readonly", "");
  // Typing into the code changes nothing: the editors are read-only, so there is no edit to save.
  const verifier = r.getByRole("region", { name: "Verifier", exact: true });
  await expect(verifier).toHaveAttribute("data-editable", "false");
  await verifier.locator(".monaco-editor").click();
  await r.keyboard.insertText("# a reviewer's edit");
  await expect(verifier.locator(".view-lines")).not.toContainText("a reviewer's edit");
  await expect(r.getByTestId("unsaved")).toHaveCount(0);
  // Try runs the current revision in the sandbox.
  await r.getByTestId("try").click();
  await expect(r.getByTestId("try-result")).toContainText("accepted", { timeout: 30_000 });
  // And the server refuses a revision from a reviewer.
  const save = await reviewer.request.post(`/api/v1/tasks/${id}/revisions`, { data: { instruction: "Mine now." } });
  expect(save.status()).toBe(403);
  await r.getByRole("textbox", { name: "Comment" }).fill(`Reviewed by ${token}`);
  await r.getByRole("button", { name: "Comment", exact: true }).click();
  await expect(r.getByTestId("history")).toContainText(`Reviewed by ${token}`);
  await reviewer.close();
});

test("the administrator invites a reviewer, who reviews blind in their own browser; the administrator sees the decision and adjudicates", async ({
  page,
  browser,
  request,
}) => {
  const token = uniqueToken("inv");
  const batch = uniqueToken("e2e-invite-");
  const email = `${token}@e2e.example`;
  await importTasks(request, batch, [catTask(`${token}-t`, `Invite ${token}.`)], { filter: true });
  await waitForVerdicts(request, batch);
  const id = (await taskIds(request, batch))[`${token}-t`]!;

  // The administrator (signed up in the global setup) invites a reviewer on the Users page.
  await page.goto("/tasks");
  await expect(page.getByTestId("user-menu")).toContainText("Ada Curator · admin");
  expect(await accountLinks(page)).toEqual(["My queue", "Reviewing", "Users", "API tokens"]);
  await page.getByTestId("user-menu").click();
  await page.getByRole("navigation", { name: "Account" }).getByRole("link", { name: "Users" }).click();
  const invite = page.locator("form"); // the one form: the table's role selects are outside it
  await invite.getByLabel("Email").fill(email);
  await invite.getByLabel("Name").fill(`Rita ${token}`);
  await invite.getByLabel("Role").selectOption("reviewer");
  await invite.getByLabel(/First password/).fill(USER_PASSWORD);
  await invite.getByRole("button", { name: "Add", exact: true }).click();
  await expect(page.getByRole("row").filter({ hasText: email })).toContainText("password");

  // Two approvals, blind; the task is assigned to the reviewer, and the administrator approves first.
  const users = (await (await request.get("/api/v1/users")).json()) as Array<{ id: number; email: string }>;
  const reviewerId = users.find((u) => u.email === email)!.id;
  // Through tRPC: PUT /api/v1/batches/{batch}/review-policy answers 405 (app/api/v1 exports no PUT).
  await trpc(request, "reviewers.setPolicy", { batch, approvals: 2, blind: true });
  const assigned = await request.post("/api/v1/assignments", {
    data: { selection: { taskIds: [id] }, reviewerIds: [reviewerId], mode: "each" },
  });
  expect(assigned.ok(), await assigned.text()).toBe(true);
  await approve(request, [id]);

  // The reviewer, in a browser of their own, signs in through the form and opens their queue.
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const r = await context.newPage();
  // Signed out, no page asks the API for what needs an account (the banner and menu wait).
  const unauthorized: string[] = [];
  r.on("response", (res) => res.status() === 401 && unauthorized.push(res.url()));
  await r.goto("/queue");
  await expect(r).toHaveURL(/\/sign-in\?next=%2Fqueue/);
  await expect(r.getByRole("form", { name: "Sign in" })).toBeVisible();
  expect(unauthorized).toEqual([]);
  await r.getByLabel("Email").fill(email);
  await r.getByLabel("Password").fill(USER_PASSWORD);
  await r.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(r.getByTestId("queue-left")).toHaveText("1 of 1 left");
  await r.getByRole("link", { name: `${token}-t` }).click();
  // Blind: the administrator's approval is hidden until the reviewer decides.
  const theirs = r.getByTestId("reviewer-decisions");
  await expect(theirs.getByTestId("decisions-hidden")).toBeVisible();
  await expect(theirs).not.toContainText("Ada Curator");
  await expect(r.getByTestId("review-decision")).toHaveText("Not reviewed yet.");
  await r.getByRole("button", { name: /^Reject/ }).click();
  await expect(r.getByRole("button", { name: /^Reject/ })).toHaveAttribute("aria-pressed", "true");
  await expect(theirs.getByTestId("decisions-hidden")).toHaveCount(0);
  await expect(theirs).toContainText("Ada Curator");
  await expect(theirs).toContainText("they disagree");
  await expect(theirs.getByTestId("adjudicate")).toHaveCount(0); // a curator's
  await r.goto("/queue");
  await expect(r.getByTestId("queue-left")).toHaveText("0 of 1 left");
  await context.close();

  // The administrator opens the task by its environment and id, sees the decision, and settles it.
  await page.goto(`/tasks/retail/${token}-t`);
  await expect(page).toHaveURL(new RegExp(`/tasks/${id}$`));
  const decisions = page.getByTestId("reviewer-decisions");
  const rita = decisions.getByTestId("decision").filter({ hasText: `Rita ${token}` });
  await expect(rita).toContainText("rejected");
  await expect(decisions.getByTestId("decision").filter({ hasText: "Ada Curator (you)" })).toContainText("approved");
  await expect(decisions).toContainText("1 assigned · they disagree");
  await decisions.getByRole("button", { name: "Adjudicate: approve" }).click();
  await expect(decisions.getByTestId("decision").filter({ hasText: "adjudication" })).toContainText("approved");
  await expect(decisions.getByTestId("adjudicate")).toHaveCount(0);
  await page.goto(`/tasks/retail/${token}-no-such-task`);
  await expect(page.getByText("This page could not be found")).toBeVisible();
});
