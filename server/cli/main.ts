// The command line: a thin caller of the same services the web app uses. Human-readable progress
// goes to stderr; the last line of stdout is always one JSON object, for scripts.
import fs from "node:fs";
import path from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { toAppError } from "../api/errors";
import { requireRole, ROLES, type Actor, type Role } from "../auth/roles";
import { listApiTokens, revokeApiToken } from "../auth/tokens";
import { cliActor, findUserByEmail, listUsers, setUserPassword, updateUser } from "../auth/users";
import { getDb, type Db } from "../db/client";
import { AppError } from "../errors";
import type { ExportFormat } from "../datasets/export-dataset";
import { funnelOf } from "../filter/funnel";
import { getRerunProgress, type RerunProgress } from "../filter/rerun-progress";
import { requestRerun } from "../filter/request-rerun";
import { filterRunJob } from "../jobs/definitions/filter-run";
import { strengthCheckJob } from "../jobs/definitions/strength-check";
import { startWorker } from "../jobs/worker";
import { checkSandbox } from "../sandbox/availability";
import { serverEnv } from "../env";
import { PROBE_CAP_MAX } from "../api/contract/strength";
import { getStrengthProgress, requestStrengthChecks, type StrengthProgress } from "../strength/request-strength-checks";
import { registerPack } from "../packs/register-pack";
import { exportTasks } from "../tasks/export-tasks";
import { findTaskByRef } from "../tasks/get-task";
import { importTasks } from "../tasks/import-tasks";

interface Command {
  usage: string;
  summary: string;
  /** The role the acting user (--as, default the first administrator) needs. */
  role: Role;
  options: ParseArgsConfig["options"];
  run(args: { values: Record<string, string | boolean | undefined>; positionals: string[] }): Promise<number>;
  /** Starts what the command will need of this machine while the database opens (before run). */
  prepare?(values: Record<string, string | boolean | undefined>): void;
}

/** Exit codes: 0 ok, 1 failed, 2 usage error, 3 done but some input lines were refused. */
const EXIT = { ok: 0, failed: 1, usage: 2, partial: 3 } as const;

let db: Db | undefined;
const database = async () => (db ??= await getDb());
let actingAs: string | undefined;
let acting: Actor | undefined;
/** Who the command acts as: every change it makes is attributed to this user. */
const actor = async () => (acting ??= await cliActor({ db: await database(), as: actingAs }));
const userId = async () => (await actor()).id;
/**
 * The API as this command's actor: commands that have flags for an API operation call its tRPC
 * procedure, so the CLI validates with the same schemas and limits, checks the same role, and is
 * audited like any other caller.
 */
const api = async () => {
  // loaded when a command needs it: the whole API takes ~0.3 s to load, which `filter` does not need
  const { createCaller } = await import("../api/root");
  return createCaller({ db: await database(), actor: await actor() });
};
/**
 * A command that works the queue here checks the sandbox first (bubblewrap's self-test, ~0.3 s):
 * started before the database opens, it is done by the time the worker asks (the result is cached).
 */
const prepareSandbox = (values: { wait?: unknown }) => {
  if (values.wait) void checkSandbox({ python: serverEnv().python });
};
const result = (value: unknown) => process.stdout.write(JSON.stringify(value) + "\n");
const note = (text: string) => process.stderr.write(text + "\n");

/** The options taskScope reads (filter, probe). */
const TASK_SCOPE_OPTIONS: ParseArgsConfig["options"] = {
  env: { type: "string" },
  batch: { type: "string" },
  task: { type: "string", multiple: true },
};

const commands: Record<string, Command> = {
  import: {
    role: "curator",
    usage: "import FILE [--batch NAME] [--env NAME] [--format jsonl|tagged] [--filter]",
    summary:
      "Import a CaT JSONL or tagged-text file into a batch (a new one, or appended to an existing one). '-' reads standard input. --filter queues the CaT filter for the tasks it created or revised.",
    options: {
      batch: { type: "string" },
      env: { type: "string" },
      format: { type: "string" },
      filter: { type: "boolean" },
    },
    async run({ values, positionals }) {
      const file = positionals[0];
      if (!file || positionals.length > 1) throw new UsageError("import takes exactly one FILE");
      const format = values.format as string | undefined;
      if (format && format !== "jsonl" && format !== "tagged") throw new UsageError("--format is jsonl or tagged");
      if (file !== "-" && !fs.existsSync(file)) throw new AppError("NOT_FOUND", `${file}: no such file`);
      const source = file === "-" ? process.stdin : fs.createReadStream(file);
      const size = file === "-" ? 0 : fs.statSync(file).size;
      let lastNote = 0;
      const summary = await importTasks({
        db: await database(),
        source,
        fileName: file === "-" ? undefined : path.basename(file),
        batchName: values.batch as string | undefined,
        defaultEnvironment: values.env as string | undefined,
        format: format as "jsonl" | "tagged" | undefined,
        runFilter: values.filter === true,
        userId: await userId(),
        onProgress: (p) => {
          if (Date.now() - lastNote < 1000) return;
          lastNote = Date.now();
          const pct = size ? ` (${Math.round((100 * p.bytesRead) / size)}%)` : "";
          note(
            `… ${p.linesRead} lines${pct}: ${p.created} new, ${p.revised} revised, ${p.unchanged} unchanged, ${p.errorCount} refused`,
          );
        },
      });
      for (const e of summary.errors.slice(0, 20))
        note(`line ${e.line}${e.field ? ` [${e.field}]` : ""}: ${e.message}`);
      if (summary.errors.length > 20)
        note(`… and ${summary.errorCount - 20} more refused lines (all in the JSON below, up to 1000)`);
      if (summary.failure) note(summary.failure);
      if (summary.rerun)
        note(
          `queued the filter for ${summary.rerun.taskCount} task(s) (rerun ${summary.rerun.rerunId}); a worker or the web server runs it`,
        );
      result(summary);
      return summary.status === "failed" ? EXIT.failed : summary.errorCount ? EXIT.partial : EXIT.ok;
    },
  },
  export: {
    role: "viewer",
    usage:
      "export [--batch NAME] [--env NAME] [--out PATH]  |  export --dataset NAME[@VERSION] --format jsonl|parquet|hf --out PATH",
    summary:
      "Export tasks as CaT JSON Lines to PATH (written whole or not at all) or to stdout; or a published dataset version as JSONL, Parquet or a Hugging Face folder.",
    options: {
      batch: { type: "string" },
      env: { type: "string" },
      out: { type: "string" },
      dataset: { type: "string" },
      format: { type: "string" },
    },
    async run({ values, positionals }) {
      if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
      if (values.dataset) {
        const format = (values.format ?? "jsonl") as string;
        // loaded by this command only: its Parquet writer takes ~0.1 s to load
        const { EXPORT_FORMATS, exportDataset } = await import("../datasets/export-dataset");
        if (!EXPORT_FORMATS.includes(format as ExportFormat)) throw new UsageError("--format is jsonl, parquet or hf");
        if (!values.out) throw new UsageError("--out PATH is required with --dataset");
        let lastNote = 0;
        const r = await exportDataset({
          db: await database(),
          ref: values.dataset as string,
          format: format as ExportFormat,
          out: values.out as string,
          onProgress: (n) => {
            if (Date.now() - lastNote > 1000) {
              lastNote = Date.now();
              note(`… ${n} tasks`);
            }
          },
        });
        note(`exported ${r.dataset}@${r.version} (${r.tasks} tasks) to ${r.out}`);
        result(r);
        return EXIT.ok;
      }
      if (values.format && values.format !== "jsonl")
        throw new UsageError("--format parquet|hf needs --dataset NAME[@VERSION]");
      const lines = exportTasks({
        db: await database(),
        batch: values.batch as string | undefined,
        environment: values.env as string | undefined,
      });
      const out = values.out as string | undefined;
      const started = Date.now();
      let tasks = 0;
      let bytes = 0;
      if (!out) {
        for await (const line of lines) {
          tasks += 1;
          bytes += Buffer.byteLength(line);
          if (!process.stdout.write(line)) await new Promise<void>((r) => process.stdout.once("drain", () => r()));
        }
        result({ tasks, bytes, seconds: (Date.now() - started) / 1000 });
        return EXIT.ok;
      }
      // Write beside the target and rename at the end, so a failure never leaves half a file.
      const target = path.resolve(out);
      const tmp = `${target}.partial-${process.pid}`;
      const stream = fs.createWriteStream(tmp);
      try {
        for await (const line of lines) {
          tasks += 1;
          bytes += Buffer.byteLength(line);
          if (!stream.write(line)) await new Promise<void>((r) => stream.once("drain", () => r()));
        }
        await new Promise<void>((resolve, reject) =>
          stream.end((err?: Error | null) => (err ? reject(err) : resolve())),
        );
        fs.renameSync(tmp, target);
      } catch (err) {
        stream.destroy();
        fs.rmSync(tmp, { force: true });
        throw err;
      }
      result({ tasks, bytes, out: target, seconds: (Date.now() - started) / 1000 });
      return EXIT.ok;
    },
  },
  "dataset create": {
    role: "curator",
    usage: "dataset create NAME [--description TEXT]",
    summary: "Create an empty dataset.",
    options: { description: { type: "string" } },
    async run({ values, positionals }) {
      if (positionals.length !== 1) throw new UsageError("dataset create takes exactly one NAME");
      const d = await (await api()).dataset.create({
        name: positionals[0]!,
        description: values.description as string | undefined,
      });
      result(d);
      return EXIT.ok;
    },
  },
  "dataset add": {
    role: "curator",
    usage: "dataset add NAME [--batch NAME] [--env NAME] [--task ID …]",
    summary: "Add approved tasks to a dataset's working set (tasks not approved are skipped and counted).",
    options: { batch: { type: "string" }, env: { type: "string" }, task: { type: "string", multiple: true } },
    async run({ values, positionals }) {
      if (positionals.length !== 1) throw new UsageError("dataset add takes exactly one NAME");
      const db = await database();
      const externalIds = values.task as unknown as string[] | undefined;
      const taskIds = externalIds
        ? (await db.prisma.task.findMany({ where: { externalId: { in: externalIds } }, select: { id: true } })).map(
            (t) => t.id,
          )
        : undefined;
      if (taskIds && !taskIds.length)
        throw new AppError(
          "NOT_FOUND",
          `No task with the id${externalIds!.length > 1 ? "s" : ""} ${externalIds!.join(", ")}.`,
        );
      const r = await (await api()).dataset.add({
        dataset: positionals[0]!,
        selection: taskIds
          ? { taskIds }
          : { filter: { batch: values.batch as string | undefined, environment: values.env as string | undefined } },
      });
      result(r);
      return EXIT.ok;
    },
  },
  "dataset publish": {
    role: "curator",
    usage: "dataset publish NAME [--name VERSION_NAME] [--notes TEXT] [--allow-empty-change]",
    summary:
      "Freeze the working set into a new immutable version: the tasks approved on their current revision and accepted there (or approved by override). Lists every task left out and why; an unchanged set makes no version unless --allow-empty-change.",
    options: { name: { type: "string" }, notes: { type: "string" }, "allow-empty-change": { type: "boolean" } },
    async run({ values, positionals }) {
      if (positionals.length !== 1) throw new UsageError("dataset publish takes exactly one NAME");
      const v = await (await api()).dataset.publish({
        dataset: positionals[0]!,
        name: values.name as string | undefined,
        notes: values.notes as string | undefined,
        allowEmptyChange: values["allow-empty-change"] === true,
      });
      for (const e of v.excluded.slice(0, 20)) note(`left out ${e.id}: ${e.message}`);
      if (v.excludedCount > 20) note(`… and ${v.excludedCount - 20} more left out (all in the JSON below, up to 1000)`);
      note(
        v.version === null
          ? `nothing changed since ${v.dataset}@${v.changes.previous}: no new version (use --allow-empty-change to make one anyway)`
          : `published ${v.dataset}@${v.version} (${v.tasks} tasks; ${v.changes.added} added, ${v.changes.removed} removed, ${v.changes.changed} changed)`,
      );
      result({
        dataset: v.dataset,
        version: v.version,
        name: v.name,
        tasks: v.tasks,
        unchanged: v.unchanged,
        changes: v.changes,
        excluded: v.excluded.map((e) => ({ id: e.id, reason: e.reason })),
        excludedCount: v.excludedCount,
      });
      return EXIT.ok;
    },
  },
  "dataset remove": {
    role: "curator",
    usage: "dataset remove NAME --task ID … [--env NAME]",
    summary: "Take tasks out of a dataset's working set.",
    options: { task: { type: "string", multiple: true }, env: { type: "string" } },
    async run({ values, positionals }) {
      if (positionals.length !== 1) throw new UsageError("dataset remove takes exactly one NAME");
      const refs = (values.task as unknown as string[] | undefined) ?? [];
      if (!refs.length) throw new UsageError("name the tasks to remove with --task ID");
      const db = await database();
      const taskIds = await Promise.all(
        refs.map(
          async (externalId) =>
            (await findTaskByRef({ db, externalId, environment: values.env as string | undefined })).id,
        ),
      );
      result(await (await api()).dataset.remove({ dataset: positionals[0]!, selection: { taskIds } }));
      return EXIT.ok;
    },
  },
  review: {
    role: "reviewer",
    usage: "review approve|reject|needs-edit --task ID [--env NAME] [--override --reason TEXT] [--adjudicate]",
    summary:
      "Record a review decision on the task's current revision. Approving a task the filter did not accept on that revision (rejected, not run, run on an older pack) is refused unless --override with a written --reason. --adjudicate (curators): the decision settles a disagreement under a review policy.",
    options: {
      task: { type: "string" },
      env: { type: "string" },
      override: { type: "boolean" },
      reason: { type: "string" },
      adjudicate: { type: "boolean" },
    },
    async run({ values, positionals }) {
      const decision =
        positionals[0] === "approve"
          ? "approve"
          : positionals[0] === "reject"
            ? "reject"
            : positionals[0] === "needs-edit"
              ? "needs_edit"
              : undefined;
      if (!decision || positionals.length !== 1)
        throw new UsageError("review takes one decision: approve, reject or needs-edit");
      if (!values.task) throw new UsageError("name the task with --task ID");
      if (values.override && !values.reason) throw new UsageError("--override needs --reason TEXT");
      if (values.reason && !values.override) throw new UsageError("--reason goes with --override");
      const db = await database();
      const task = await findTaskByRef({
        db,
        externalId: values.task as string,
        environment: values.env as string | undefined,
      });
      const r = await (await api()).review.decide({
        taskId: task.id,
        decision,
        reason: values.override ? (values.reason as string) : undefined,
        adjudicate: values.adjudicate === true,
      });
      note(
        `${r.externalId}: ${r.status.replace("_", " ")} on revision ${r.revision}${r.override ? " (override)" : ""}${r.changed ? "" : " (unchanged)"}`,
      );
      result({
        task: r.externalId,
        environment: r.environment,
        status: r.status,
        revision: r.revision,
        override: r.override,
        changed: r.changed,
      });
      return EXIT.ok;
    },
  },
  "task edit": {
    role: "curator",
    usage: "task edit --task ID [--env NAME] [--verifier-file F] [--solution-file F] [--instruction TEXT] [--wait]",
    summary:
      "Save a new revision of a task (the fields not given stay as they are) and queue its filter run; --wait works the queue here until the run ends and prints its verdict.",
    options: {
      task: { type: "string" },
      env: { type: "string" },
      "verifier-file": { type: "string" },
      "solution-file": { type: "string" },
      instruction: { type: "string" },
      note: { type: "string" },
      wait: { type: "boolean" },
    },
    async run({ values, positionals }) {
      if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
      if (!values.task) throw new UsageError("name the task with --task ID");
      const read = (flag: string) => {
        const file = values[flag] as string | undefined;
        if (file === undefined) return undefined;
        if (!fs.existsSync(file)) throw new AppError("NOT_FOUND", `${file}: no such file (--${flag})`);
        return fs.readFileSync(file, "utf8");
      };
      const verifier = read("verifier-file");
      const solution = read("solution-file");
      const instruction = values.instruction as string | undefined;
      if (verifier === undefined && solution === undefined && instruction === undefined)
        throw new UsageError("give at least one of --verifier-file, --solution-file, --instruction");
      const db = await database();
      const task = await findTaskByRef({
        db,
        externalId: values.task as string,
        environment: values.env as string | undefined,
      });
      const saved = await (await api()).task.revise({
        taskId: task.id,
        instruction,
        verifier,
        solution,
        note: values.note as string | undefined,
      });
      note(`saved revision ${saved.number} of ${values.task}; filter run queued (rerun ${saved.rerunId})`);
      if (!values.wait) {
        result({ task: values.task, revision: saved.number, rerunId: saved.rerunId, queued: true });
        return EXIT.ok;
      }
      const progress = await waitForRerun(db, saved.rerunId);
      const t = await db.prisma.task.findUniqueOrThrow({
        where: { id: task.id },
        select: { verdictStatus: true, verdictReason: true },
      });
      result({
        task: values.task,
        revision: saved.number,
        rerunId: saved.rerunId,
        verdict: { status: t.verdictStatus, reason: t.verdictReason },
        failedRuns: progress.runs.failed,
      });
      return progress.runs.failed ? EXIT.failed : EXIT.ok;
    },
  },
  "env add": {
    role: "admin",
    usage: "env add DIR [--name NAME] [--new-version] [--timeout-ms MS] [--memory-mb MB]",
    summary:
      "Register an environment pack from a directory holding env.py. Different content under an existing name needs --new-version, and then becomes the version runs use.",
    options: {
      name: { type: "string" },
      "new-version": { type: "boolean" },
      "timeout-ms": { type: "string" },
      "memory-mb": { type: "string" },
    },
    async run({ values, positionals }) {
      const dir = positionals[0];
      if (!dir || positionals.length > 1) throw new UsageError("env add takes exactly one DIR");
      const num = (v: unknown, flag: string) => {
        if (v === undefined) return undefined;
        const n = Number(v);
        if (!Number.isInteger(n)) throw new UsageError(`${flag} takes a whole number`);
        return n;
      };
      const pack = await registerPack({
        db: await database(),
        dir,
        name: values.name as string | undefined,
        caseTimeoutMs: num(values["timeout-ms"], "--timeout-ms"),
        memoryMb: num(values["memory-mb"], "--memory-mb"),
        newVersion: values["new-version"] === true,
        userId: await userId(),
      });
      note(
        pack.created
          ? `registered ${pack.name} version ${pack.version} @ ${pack.hash.slice(0, 12)}${pack.tools ? ` with ${pack.tools.length} tools` : ""} (active)`
          : `${pack.name} @ ${pack.hash.slice(0, 12)} was already registered as version ${pack.version}${pack.active ? "" : " (not the active one)"}`,
      );
      if (pack.warning) note(pack.warning);
      result({ name: pack.name, hash: pack.hash, version: pack.version, active: pack.active, created: pack.created });
      return EXIT.ok;
    },
  },
  filter: {
    role: "curator",
    usage: "filter [--env NAME] [--batch NAME] [--task ID …] [--wait]",
    summary:
      "Run the CaT filter (in the sandbox) over the matching tasks. With --wait, return when every case has run (working the queue in this process too).",
    options: { ...TASK_SCOPE_OPTIONS, wait: { type: "boolean" } },
    prepare: prepareSandbox,
    async run({ values, positionals }) {
      const tasks = taskScope(values, positionals);
      const db = await database();
      const { rerunId, taskCount } = await requestRerun({
        db,
        ...tasks,
        userId: await userId(),
        scope: tasks.externalIds
          ? undefined
          : `cli ${[values.env && `env=${values.env}`, values.batch && `batch=${values.batch}`].filter(Boolean).join(" ") || "all tasks"}`,
      });
      note(`queued ${taskCount} task${taskCount === 1 ? "" : "s"} (rerun ${rerunId})`);
      if (!values.wait) {
        result({ rerunId, tasks: taskCount, queued: true });
        return EXIT.ok;
      }
      const progress = await waitForRerun(db, rerunId);
      const reasons = progress.verdicts.byReason;
      const funnel = funnelOf(progress.runs.done, progress.verdicts.accepted, reasons);
      const summary = {
        rerunId,
        tasks: taskCount,
        cases: Object.values(progress.cases).reduce((a, b) => a + b, 0),
        caseOutcomes: progress.cases,
        seconds: Math.round(progress.seconds * 10) / 10,
        accepted: progress.verdicts.accepted,
        rejected: progress.verdicts.rejected,
        rejectedByReason: reasons,
        failedRuns: progress.runs.failed,
        funnel: {
          tasks: funnel.run,
          verifierLoads: funnel.verifierLoads,
          solutionPasses: funnel.solutionPasses,
          failureCasesRejected: funnel.accepted,
        },
      };
      result(summary);
      return progress.runs.failed ? EXIT.failed : EXIT.ok;
    },
  },
  probe: {
    role: "curator",
    usage: "probe [--env NAME] [--batch NAME] [--task ID …] [--cap N] [--wait]",
    summary:
      "Queue verifier strength checks (variants of the solution run in the sandbox, at low priority) for the matching accepted tasks. With --wait, return when every check has run (working the queue in this process too). The summary counts lenient, flaky, unread writes and strong.",
    options: { ...TASK_SCOPE_OPTIONS, cap: { type: "string" }, wait: { type: "boolean" } },
    prepare: prepareSandbox,
    async run({ values, positionals }) {
      const tasks = taskScope(values, positionals);
      const cap = values.cap === undefined ? undefined : Number(values.cap);
      if (cap !== undefined && !(Number.isInteger(cap) && cap >= 1 && cap <= PROBE_CAP_MAX))
        throw new UsageError(`--cap takes a number of variants from 1 to ${PROBE_CAP_MAX}`);
      const db = await database();
      const request = await requestStrengthChecks({ db, userId: await userId(), ...tasks, cap });
      const { checkIds, matched, skipped } = request;
      note(
        `${matched} task${matched === 1 ? "" : "s"} match; ${checkIds.length} strength check${checkIds.length === 1 ? "" : "s"} queued${skipped ? `, ${skipped} skipped (not accepted on their current revision)` : ""}`,
      );
      const progress = checkIds.length
        ? values.wait
          ? await waitForStrength(db, checkIds)
          : await getStrengthProgress({ db, checkIds })
        : null;
      result({
        queued: checkIds.length,
        matched,
        skipped,
        done: progress?.done ?? 0,
        failed: progress?.failed ?? 0,
        lenient: progress?.lenient ?? 0,
        flaky: progress?.flaky ?? 0,
        unreadWrites: progress?.unreadWrites ?? 0,
        strong: progress?.strong ?? 0,
        variants: progress?.variants ?? 0,
        leaks: progress?.leaks ?? 0,
      });
      return progress?.failed ? EXIT.failed : EXIT.ok;
    },
  },
};

/** The tasks `filter` and `probe` work on (TASK_SCOPE_OPTIONS): --task ids, else the --env and --batch query. */
function taskScope(values: Record<string, unknown>, positionals: string[]) {
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}' (task ids go after --task)`);
  const externalIds = values.task as string[] | undefined;
  return externalIds
    ? { externalIds, filter: undefined }
    : {
        externalIds,
        filter: { environment: values.env as string | undefined, batch: values.batch as string | undefined },
      };
}

/** A password from standard input (one line; the trailing newline is not part of it), never from a flag. */
async function readPasswordStdin(): Promise<string> {
  if (process.stdin.isTTY) note("password (then Enter, Ctrl+D):");
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  const password = Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
  if (!password) throw new UsageError("--password-stdin read an empty password");
  return password;
}

const roleOf = (v: unknown): Role | undefined => {
  if (v === undefined) return undefined;
  if (!ROLES.includes(v as Role)) throw new UsageError(`--role is one of ${ROLES.join(", ")}`);
  return v as Role;
};

Object.assign(commands, {
  "user add": {
    usage: "user add --email E --role admin|curator|reviewer|viewer [--name N] [--password-stdin]",
    summary:
      "Add a user (the first one can be the administrator of a fresh installation). The password is read from standard input; without --password-stdin the user signs in with OpenID Connect only.",
    role: "admin",
    options: {
      email: { type: "string" },
      role: { type: "string" },
      name: { type: "string" },
      "password-stdin": { type: "boolean" },
    },
    async run({ values, positionals }) {
      if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
      if (!values.email) throw new UsageError("give the user's --email");
      const role = roleOf(values.role);
      if (!role) throw new UsageError(`give the user's --role (${ROLES.join(", ")})`);
      const password = values["password-stdin"] ? await readPasswordStdin() : undefined;
      const u = await (await api()).account.addUser({
        email: values.email as string,
        name: values.name as string | undefined,
        role,
        password,
      });
      note(`added ${u.email} as ${u.role}${password ? "" : " (no password: OpenID Connect sign-in only)"}`);
      result({ id: u.id, email: u.email, name: u.name, role: u.role });
      return EXIT.ok;
    },
  },
  "user list": {
    usage: "user list",
    summary: "List the users with their roles and how they sign in.",
    role: "admin",
    options: {},
    async run() {
      const users = await listUsers({ db: await database() });
      for (const u of users)
        note(`${u.email}\t${u.role}${u.disabledAt ? " (disabled)" : ""}\t${u.signIn.join(", ") || "no sign-in yet"}`);
      result({
        users: users.map((u) => ({
          id: u.id,
          email: u.email,
          name: u.name,
          role: u.role,
          disabled: !!u.disabledAt,
          signIn: u.signIn,
        })),
      });
      return EXIT.ok;
    },
  },
  "user set": {
    usage: "user set --email E [--role R] [--disable | --enable] [--password-stdin]",
    summary:
      "Change a user's role, disable or re-enable them, or set a new password (read from standard input; their sessions end).",
    role: "admin",
    options: {
      email: { type: "string" },
      role: { type: "string" },
      disable: { type: "boolean" },
      enable: { type: "boolean" },
      "password-stdin": { type: "boolean" },
    },
    async run({ values, positionals }) {
      if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
      if (!values.email) throw new UsageError("give the user's --email");
      if (values.disable && values.enable) throw new UsageError("--disable or --enable, not both");
      const db = await database();
      const user = await findUserByEmail({ db, email: values.email as string });
      const role = roleOf(values.role);
      const disabled = values.disable ? true : values.enable ? false : undefined;
      if (!role && disabled === undefined && !values["password-stdin"])
        throw new UsageError("nothing to change: give --role, --disable, --enable or --password-stdin");
      if (values["password-stdin"]) await setUserPassword({ db, userId: user.id, password: await readPasswordStdin() });
      const u = role || disabled !== undefined ? await updateUser({ db, userId: user.id, role, disabled }) : user;
      result({ id: u.id, email: u.email, role: u.role, disabled: !!u.disabledAt });
      return EXIT.ok;
    },
  },
  "token create": {
    usage: "token create --user E [--name N]",
    summary:
      "Create an API token for a user (sent as 'Authorization: Bearer …'; it acts with that user's role). Printed once, stored hashed.",
    role: "admin",
    options: { user: { type: "string" }, name: { type: "string" } },
    async run({ values, positionals }) {
      if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
      if (!values.user) throw new UsageError("name the token's user with --user EMAIL");
      const db = await database();
      const user = await findUserByEmail({ db, email: values.user as string });
      const t = await (await api()).account.createToken({ userId: user.id, name: values.name as string | undefined });
      note(`token ${t.id} for ${t.user} (${t.role}); it is shown only this once`);
      result({ id: t.id, name: t.name, user: t.user, role: t.role, token: t.token });
      return EXIT.ok;
    },
  },
  "token list": {
    usage: "token list [--user E]",
    summary: "List API tokens (never the tokens themselves).",
    role: "admin",
    options: { user: { type: "string" } },
    async run({ values }) {
      const db = await database();
      const owner = values.user ? await findUserByEmail({ db, email: values.user as string }) : undefined;
      const tokens = await listApiTokens({ db, userId: owner?.id });
      result({
        tokens: tokens.map((t) => ({
          id: t.id,
          name: t.name,
          prefix: t.prefix,
          user: t.user.email,
          createdAt: t.createdAt,
          lastUsedAt: t.lastUsedAt,
          revoked: !!t.revokedAt,
        })),
      });
      return EXIT.ok;
    },
  },
  "token revoke": {
    usage: "token revoke ID",
    summary: "Revoke an API token: it stops working at once.",
    role: "admin",
    options: {},
    async run({ positionals }) {
      const id = Number(positionals[0]);
      if (positionals.length !== 1 || !Number.isInteger(id) || id <= 0)
        throw new UsageError("token revoke takes one token ID (see token list)");
      result({ id, ...(await revokeApiToken({ db: await database(), tokenId: id })) });
      return EXIT.ok;
    },
  },
} satisfies Record<string, Command>);

class UsageError extends Error {}

/** Works the queue in this process too (the command finishes even when no worker is running) until the rerun ends. */
async function waitForRerun(db: Db, rerunId: number): Promise<RerunProgress> {
  // Filter runs only: a strength check or an export claimed here once the runs ended would hold the
  // command up until it finished (the server's workers take those).
  const worker = await startWorker({ db, jobs: [filterRunJob], log: () => undefined });
  try {
    let seen = -1;
    let since = Date.now();
    let noted = 0;
    for (;;) {
      // Progress is a few counters (rerun-progress.ts), so polling often costs nothing and the
      // command returns as soon as the last verdict is written; the line is printed once a second.
      const progress = await getRerunProgress({ db, rerunId });
      const { done, failed, cancelled } = progress.runs;
      if (progress.finished || Date.now() - noted >= 1000) {
        noted = Date.now();
        note(
          `… ${done + failed + cancelled}/${progress.taskCount} tasks · ${progress.verdicts.accepted} accepted · ${progress.verdicts.rejected} rejected · ${progress.rate}/s${progress.etaSeconds ? ` · ETA ${progress.etaSeconds}s` : ""}`,
        );
      }
      if (progress.finished) return progress;
      if (done + failed + cancelled !== seen) [seen, since] = [done + failed + cancelled, Date.now()];
      // Without a sandbox here and no other worker making progress, waiting would never end.
      const problem = worker.sandboxProblem();
      if (problem && Date.now() - since > 30_000) {
        throw new AppError(
          "UNAVAILABLE",
          `This machine cannot run the sandbox (${problem}), and no other worker is running the queued tasks. They stay queued (rerun ${rerunId}) until a worker that can run them starts.`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await worker.stop();
  }
}

/**
 * Works the queue in this process too until the checks end. Strength checks wait while any filter run
 * is queued, so this worker runs those first.
 */
async function waitForStrength(db: Db, checkIds: number[]): Promise<StrengthProgress> {
  const worker = await startWorker({ db, jobs: [filterRunJob, strengthCheckJob], log: () => undefined });
  try {
    let seen = -1;
    let since = Date.now();
    let noted = 0;
    for (;;) {
      const progress = await getStrengthProgress({ db, checkIds });
      const ended = progress.done + progress.failed + progress.cancelled;
      if (progress.finished || Date.now() - noted >= 1000) {
        noted = Date.now();
        note(
          `… ${ended}/${checkIds.length} checks · ${progress.lenient} suspected lenient · ${progress.flaky} flaky · ${progress.unreadWrites} unread writes · ${progress.strong} strong`,
        );
      }
      if (progress.finished) return progress;
      if (ended !== seen) [seen, since] = [ended, Date.now()];
      const problem = worker.sandboxProblem();
      if (problem && Date.now() - since > 30_000) {
        throw new AppError(
          "UNAVAILABLE",
          `This machine cannot run the sandbox (${problem}), and no other worker is running the queued checks. They stay queued until a worker that can run them starts.`,
        );
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await worker.stop();
  }
}

function help(): string {
  const lines = Object.values(commands).map((c) => `  ${c.usage}\n      ${c.summary}`);
  return `Usage: npm run -s cli -- COMMAND [options] [--as EMAIL]\n\nCommands:\n${lines.join("\n")}\n\nEvery command accepts --help. The last line of stdout is a JSON result.\nDatabase: DATABASE_URL, or the embedded PostgreSQL in CAT_DATA_DIR (default .data/); whoever can use it administers the installation.\n--as EMAIL: act as that user, with their role (default: the first administrator; before any account exists, the local system user).\nExit codes: 0 ok, 1 failed, 2 usage error, 3 done but some lines were refused.`;
}

async function main(argv: string[]): Promise<number> {
  const key = ["env", "dataset", "task", "user", "token"].includes(argv[0] ?? "")
    ? `${argv[0]} ${argv[1] ?? ""}`.trim()
    : argv[0];
  const rest = argv.slice(key?.split(" ").length ?? 1);
  if (!key || key === "--help" || key === "-h" || key === "help") {
    process.stdout.write(help() + "\n");
    return key ? EXIT.ok : EXIT.usage;
  }
  const command = commands[key];
  if (!command) {
    note(`Unknown command '${argv.slice(0, 2).join(" ")}'.\n\n${help()}`);
    result({ error: { code: "USAGE", message: `unknown command '${key}'` } });
    return EXIT.usage;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(`Usage: npm run -s cli -- ${command.usage}\n\n${command.summary}\n`);
    return EXIT.ok;
  }
  try {
    const args = parseArgs({
      args: rest,
      options: { ...command.options, as: { type: "string" } },
      allowPositionals: true,
      strict: true,
    });
    actingAs = args.values.as as string | undefined;
    command.prepare?.(args.values as Record<string, string | boolean | undefined>);
    requireRole(await actor(), command.role);
    return await command.run(args as { values: Record<string, string | boolean | undefined>; positionals: string[] });
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      note(`${(err as Error).message}\nUsage: npm run -s cli -- ${command.usage}`);
      result({ error: { code: "USAGE", message: (err as Error).message } });
      return EXIT.usage;
    }
    // The same mapping as the API's: a code, a message, and the fields of invalid input.
    const known = toAppError(err);
    if (known) {
      note(`Error: ${known.message}`);
      const issues =
        known.code === "BAD_INPUT" ? (known.details as { issues?: unknown } | undefined)?.issues : undefined;
      result({ error: { code: known.code, message: known.message, ...(issues ? { issues } : {}) } });
      return EXIT.failed;
    }
    note(`Unexpected error: ${(err as Error).stack ?? String(err)}`);
    result({ error: { code: "INTERNAL", message: (err as Error).message } });
    return EXIT.failed;
  }
}

const code = await main(process.argv.slice(2));
await db?.close().catch(() => undefined);
process.exit(code);
