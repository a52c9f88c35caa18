// Drives the real CLI process against a real database (its own, cloned per file).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../db/client";
import { createTestDb } from "../db/test-db";

// biome-ignore lint/suspicious/noExplicitAny: tests read deep into the CLI's JSON results
type Json = Record<string, any>;

let db: Db;
let dir: string;
beforeAll(async () => {
  db = await createTestDb();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "cat-cli-"));
});
afterAll(async () => {
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", "server/cli/main.ts", ...args], {
    encoding: "utf8",
    env: { ...process.env, DATABASE_URL: db.url, NODE_OPTIONS: "" },
    timeout: 60_000,
  });
  const lines = r.stdout.trim().split("\n");
  return {
    code: r.status,
    stderr: r.stderr,
    stdout: r.stdout,
    json: JSON.parse(lines[lines.length - 1]!) as Json,
  };
}

const write = (name: string, text: string) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
};

describe("cli", () => {
  it("registers a pack, imports, reports line errors, and exports to a file", () => {
    const pack = path.join(dir, "mini");
    fs.mkdirSync(pack);
    fs.writeFileSync(path.join(pack, "env.py"), "TOOLS = {}\ndef load_state():\n    return {}\n");
    const added = cli("env", "add", pack, "--name", "mini");
    expect(added.code).toBe(0);
    expect(added.json).toMatchObject({ name: "mini", hash: expect.stringMatching(/^[0-9a-f]{64}$/), created: true });
    expect(cli("env", "add", pack, "--name", "mini").json).toMatchObject({ hash: added.json.hash, created: false });

    // A lenient verifier: the failure case (doing nothing) passes too, so the filter rejects it.
    const good = {
      id: "c1",
      environment: "mini",
      instruction: "Do it.",
      verifier: "def verify(s, a):\n    return True",
      solution: "respond('ok')",
      failure_cases: ["pass"],
      metadata: { a: 1 },
    };
    const file = write(
      "in.jsonl",
      [JSON.stringify(good), '{"id": "c2", "environment": "mini"}', JSON.stringify({ ...good, id: "c3" })].join("\n"),
    );
    const imported = cli("import", file, "--batch", "cli-batch");
    expect(imported.code).toBe(3); // done, with a refused line
    expect(imported.json).toMatchObject({ status: "done", created: 2, errorCount: 1, batch: { name: "cli-batch" } });
    expect(imported.json.errors[0]).toEqual({ line: 2, field: "instruction", message: "instruction is required" });
    expect(imported.stderr).toContain("line 2 [instruction]: instruction is required");

    const out = path.join(dir, "out.jsonl");
    const exported = cli("export", "--batch", "cli-batch", "--out", out);
    expect(exported.code).toBe(0);
    expect(exported.json).toMatchObject({ tasks: 2, out });
    const lines = fs
      .readFileSync(out, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({
      ...good,
      verdict: { status: "pending" },
      review: { status: "unreviewed", revision: null, stale: false, override: null },
      strength: null,
    });

    const stdout = cli("export", "--batch", "cli-batch");
    expect(stdout.stdout.trim().split("\n")).toHaveLength(3); // two tasks, then the JSON result line
  });

  it("runs the filter and waits, printing the summary and the funnel", () => {
    const run = cli("filter", "--batch", "cli-batch", "--wait");
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({
      tasks: 2,
      cases: 4,
      accepted: 0,
      rejected: 2,
      rejectedByReason: { failure_case_passing: 2 },
      funnel: { tasks: 2, verifierLoads: 2, solutionPasses: 2, failureCasesRejected: 0 },
      seconds: expect.any(Number),
    });
    const queued = cli("filter", "--task", "c1");
    expect(queued.json).toMatchObject({ tasks: 1, queued: true });
    // Appending to the batch, with the filter queued for what the import created.
    const more = write(
      "more.jsonl",
      JSON.stringify({
        id: "c4",
        environment: "mini",
        instruction: "More.",
        verifier: "def verify(s, a):\n    return a == 'ok'",
        solution: "respond('ok')",
        failure_cases: ["pass"],
      }),
    );
    expect(cli("import", more, "--batch", "cli-batch", "--filter")).toMatchObject({
      code: 0,
      json: { created: 1, batch: { name: "cli-batch" }, rerun: { taskCount: 1 } },
    });
    expect(cli("filter", "--task", "nope")).toMatchObject({ code: 1, json: { error: { code: "NOT_FOUND" } } });
  });

  it("probes the verifier strength of accepted tasks and waits, printing the summary last", () => {
    // Two tasks of the strength evaluation set on the demo retail pack: one verifier checks only the
    // order's status (a variant with another cancel reason passes it), one the whole outcome.
    expect(cli("env", "add", "packs/retail", "--name", "retail").code).toBe(0);
    const evalSet = fs
      .readFileSync("server/strength/fixtures/strength-eval.jsonl", "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Json);
    const pick = (id: string) => evalSet.find((t) => t.id === `strength-${id}`)!;
    const file = write(
      "probe.jsonl",
      [pick("cancel-status-only"), pick("cancel-fields")].map((t) => JSON.stringify(t)).join("\n"),
    );
    expect(cli("import", file, "--batch", "probe-batch").code).toBe(0);
    expect(cli("filter", "--batch", "probe-batch", "--wait").json).toMatchObject({ accepted: 2 });

    const probed = cli("probe", "--batch", "probe-batch", "--wait");
    expect(probed.code).toBe(0);
    expect(probed.json).toEqual({
      queued: 2,
      matched: 2,
      skipped: 0,
      done: 2,
      failed: 0,
      lenient: 1,
      flaky: 0,
      unreadWrites: 0,
      strong: 1,
      variants: expect.any(Number),
      leaks: expect.any(Number),
    });
    expect(probed.json.leaks).toBeGreaterThan(0);
    expect(probed.json.variants).toBeGreaterThan(probed.json.leaks);
    expect(probed.stderr).toContain("2 strength checks queued");

    // One task by id, without waiting; tasks not accepted are matched but not checked.
    expect(cli("probe", "--task", "strength-cancel-fields", "--cap", "3").json).toMatchObject({
      queued: 1,
      matched: 1,
      skipped: 0,
    });
    // c4 (its verifier wants the answer) is the one accepted task of cli-batch
    expect(cli("probe", "--batch", "cli-batch").json).toMatchObject({ queued: 1, matched: 3, skipped: 2 });
    expect(cli("probe", "--task", "nope")).toMatchObject({ code: 1, json: { error: { code: "NOT_FOUND" } } });
    expect(cli("probe", "--cap", "0", "--batch", "probe-batch")).toMatchObject({
      code: 2,
      json: { error: { code: "USAGE" } },
    });
  }, 180_000);

  it("reviews on a revision: refuses approving a rejected task without an override, edits and waits, publishes with exclusions", async () => {
    expect(cli("dataset", "create", "cli-set")).toMatchObject({ code: 0, json: { name: "cli-set" } });
    expect(cli("dataset", "create", "bad/name")).toMatchObject({ code: 1, json: { error: { code: "BAD_INPUT" } } });
    // c1 and c3 are rejected by the filter (their verifier accepts doing nothing).
    expect(cli("review", "approve", "--task", "c1")).toMatchObject({
      code: 1,
      json: { error: { code: "CONFLICT", message: expect.stringContaining("needs an override") } },
    });
    expect(cli("review", "approve", "--task", "c1", "--reason", "x")).toMatchObject({ code: 2 });
    const strict = write("strict.py", "def verify(state, answer):\n    return answer == 'ok'\n");
    const edited = cli("task", "edit", "--task", "c1", "--verifier-file", strict, "--wait");
    expect(edited).toMatchObject({
      code: 0,
      json: { task: "c1", revision: 2, verdict: { status: "accepted", reason: null } },
    });
    expect(cli("review", "approve", "--task", "c1", "--env", "mini")).toMatchObject({
      code: 0,
      json: { task: "c1", status: "approved", revision: 2, override: null },
    });
    expect(
      cli("review", "approve", "--task", "c3", "--override", "--reason", "doing nothing is right here"),
    ).toMatchObject({
      code: 0,
      json: { status: "approved", revision: 1, override: { reason: "doing nothing is right here" } },
    });
    expect(cli("dataset", "add", "cli-set", "--batch", "cli-batch").json).toEqual({
      added: 2,
      alreadyIn: 0,
      skippedNotApproved: 1,
    });
    // An edit after the approval: c3 is unreviewed again and left out, saying why.
    expect(cli("task", "edit", "--task", "c3", "--instruction", "Do it, again.")).toMatchObject({
      code: 0,
      json: { revision: 2, queued: true },
    });
    const published = cli("dataset", "publish", "cli-set", "--notes", "from the CLI");
    expect(published).toMatchObject({
      code: 0,
      json: { dataset: "cli-set", version: 1, tasks: 1, excluded: [{ id: "c3", reason: "stale_review" }] },
    });
    expect(published.stderr).toContain("left out c3: stale review");
    expect(cli("dataset", "publish", "cli-set").json).toMatchObject({ version: null, unchanged: true });
    expect(cli("dataset", "publish", "cli-set", "--allow-empty-change").json).toMatchObject({ version: 2 });
    expect(cli("review", "needs-edit", "--task", "c3")).toMatchObject({ code: 0, json: { status: "needs_edit" } });
    const out = path.join(dir, "cli-set.parquet");
    expect(cli("export", "--dataset", "cli-set@1", "--format", "parquet", "--out", out).json).toMatchObject({
      version: 1,
      tasks: 1,
      format: "parquet",
    });
    // An existing folder is never deleted by an export.
    fs.mkdirSync(path.join(dir, "keep"));
    fs.writeFileSync(path.join(dir, "keep", "mine.txt"), "mine");
    expect(cli("export", "--dataset", "cli-set@1", "--format", "hf", "--out", path.join(dir, "keep"))).toMatchObject({
      code: 1,
      json: { error: { code: "CONFLICT" } },
    });
    expect(fs.readdirSync(path.join(dir, "keep"))).toEqual(["mine.txt"]);
    expect(fs.readFileSync(out).subarray(0, 4).toString()).toBe("PAR1");
    expect(
      cli("export", "--dataset", "cli-set@7", "--format", "jsonl", "--out", path.join(dir, "x.jsonl")),
    ).toMatchObject({ code: 1, json: { error: { message: "Dataset 'cli-set' has no version 7." } } });
    expect(cli("export", "--dataset", "cli-set", "--format", "csv", "--out", out)).toMatchObject({ code: 2 });
  }, 180_000);

  it("fails clearly: unknown command, missing file, empty file, unknown batch, bad option", () => {
    expect(cli("frobnicate")).toMatchObject({ code: 2, json: { error: { code: "USAGE" } } });
    expect(cli("import", path.join(dir, "nope.jsonl"))).toMatchObject({
      code: 1,
      json: { error: { code: "NOT_FOUND", message: expect.stringContaining("no such file") } },
    });
    expect(cli("import", write("empty.jsonl", ""))).toMatchObject({
      code: 1,
      json: { status: "failed", failure: "The file is empty: no tasks found." },
    });
    expect(cli("export", "--batch", "missing")).toMatchObject({
      code: 1,
      json: { error: { code: "NOT_FOUND", message: "No batch named 'missing'." } },
    });
    expect(cli("import", "--bogus", "x")).toMatchObject({ code: 2 });
    expect(fs.readdirSync(dir).filter((f) => f.includes(".partial-"))).toEqual([]);
  });

  it("adds the administrator and users from the shell, makes tokens printed once, and attributes actions with --as", async () => {
    const withStdin = (input: string, ...args: string[]) => {
      const r = spawnSync(process.execPath, ["--import", "tsx", "server/cli/main.ts", ...args], {
        input,
        encoding: "utf8",
        env: { ...process.env, DATABASE_URL: db.url, NODE_OPTIONS: "" },
        timeout: 60_000,
      });
      return {
        code: r.status,
        stdout: r.stdout,
        stderr: r.stderr,
        json: JSON.parse(r.stdout.trim().split("\n").at(-1)!) as Json,
      };
    };
    const admin = withStdin(
      "the admin's long password\n",
      "user",
      "add",
      "--email",
      "Root@Lab.example",
      "--role",
      "admin",
      "--password-stdin",
    );
    expect(admin).toMatchObject({ code: 0, json: { email: "root@lab.example", role: "admin" } });
    expect(admin.stdout + admin.stderr).not.toContain("the admin's long password");
    const stored = await db.prisma.authAccount.findFirstOrThrow({
      where: { user: { email: "root@lab.example" } },
      select: { password: true },
    });
    expect(stored.password).not.toContain("long password");
    expect(
      withStdin("short\n", "user", "add", "--email", "x@lab.example", "--role", "viewer", "--password-stdin"),
    ).toMatchObject({
      code: 1,
      json: {
        error: { code: "BAD_INPUT", issues: [{ path: "password", message: expect.stringContaining("at least 10") }] },
      },
    });
    expect(cli("user", "add", "--email", "rev@lab.example", "--role", "reviewer")).toMatchObject({
      code: 0,
      json: { role: "reviewer" },
    });
    expect(cli("user", "add", "--email", "rev@lab.example", "--role", "viewer")).toMatchObject({
      code: 1,
      json: { error: { code: "CONFLICT" } },
    });
    expect(cli("user", "add", "--email", "z@lab.example", "--role", "owner")).toMatchObject({ code: 2 });

    const made = cli("token", "create", "--user", "rev@lab.example", "--name", "notebook");
    expect(made).toMatchObject({
      code: 0,
      json: {
        user: "rev@lab.example",
        role: "reviewer",
        name: "notebook",
        token: expect.stringMatching(/^cat_[\w-]{43}$/),
      },
    });
    expect(made.stdout.split(made.json.token).length - 1).toBe(1);
    expect(made.stderr).not.toContain(made.json.token);
    const row = await db.prisma.apiToken.findUniqueOrThrow({
      where: { id: made.json.id },
      select: { tokenHash: true, createdBy: { select: { email: true } } },
    });
    expect(row.tokenHash).not.toBe(made.json.token);
    expect(row.createdBy?.email).toBe("root@lab.example");
    expect(cli("token", "list").json.tokens).toEqual([
      expect.objectContaining({ id: made.json.id, user: "rev@lab.example", revoked: false }),
    ]);
    expect(cli("token", "revoke", String(made.json.id)).json).toMatchObject({ revoked: true });

    // --as: the reviewer may review but not publish; without --as, the first administrator acts.
    expect(cli("dataset", "create", "rev-set", "--as", "rev@lab.example")).toMatchObject({
      code: 1,
      json: { error: { code: "FORBIDDEN" } },
    });
    expect(cli("review", "reject", "--task", "c3", "--as", "rev@lab.example")).toMatchObject({
      code: 0,
      json: { status: "rejected" },
    });
    const event = await db.prisma.reviewEvent.findFirstOrThrow({
      where: { task: { externalId: "c3" }, kind: "status" },
      orderBy: { id: "desc" },
      select: { user: { select: { email: true } } },
    });
    expect(event.user.email).toBe("rev@lab.example");
    expect(cli("dataset", "create", "root-set").code).toBe(0);
    expect(
      (
        await db.prisma.dataset.findUniqueOrThrow({
          where: { name: "root-set" },
          select: { createdBy: { select: { email: true } } },
        })
      ).createdBy.email,
    ).toBe("root@lab.example");
    expect(cli("dataset", "create", "x-set", "--as", "nobody@lab.example")).toMatchObject({
      code: 1,
      json: { error: { code: "NOT_FOUND" } },
    });
  }, 180_000);

  it("prints help for every command", () => {
    const help = spawnSync(process.execPath, ["--import", "tsx", "server/cli/main.ts", "--help"], { encoding: "utf8" });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("import FILE [--batch NAME]");
    for (const cmd of [
      ["import"],
      ["export"],
      ["env", "add"],
      ["filter"],
      ["probe"],
      ["dataset", "create"],
      ["dataset", "add"],
      ["dataset", "publish"],
      ["dataset", "remove"],
      ["review"],
      ["task", "edit"],
      ["user", "add"],
      ["user", "list"],
      ["user", "set"],
      ["token", "create"],
      ["token", "list"],
      ["token", "revoke"],
    ]) {
      const r = spawnSync(process.execPath, ["--import", "tsx", "server/cli/main.ts", ...cmd, "--help"], {
        encoding: "utf8",
      });
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^Usage: npm run -s cli -- /);
    }
  }, 120_000);
});
