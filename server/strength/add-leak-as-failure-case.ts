// "Add as failure case": a variant the verifier let through becomes a failure case of the task, as a
// new revision saved like any edit (saveTaskRevision: the same conflict rule, the same filter run
// queued after commit). The new revision is rejected until the verifier is tightened, which is the
// point: the reviewer then fixes the verifier until Try shows the case failing.
import type { Db } from "../db/client";
import { AppError } from "../errors";
import { saveTaskRevision } from "../review/save-revision";
import type { StrengthReport } from "../sandbox";

export async function addLeakAsFailureCase({
  db,
  taskId,
  checkId,
  variant,
  baseRevisionId,
  userId,
}: {
  db: Db;
  taskId: number;
  checkId: number;
  /** The variant's index in the check's report (`report.probes`). */
  variant: number;
  baseRevisionId: number;
  userId: number;
}) {
  const [check, base] = await Promise.all([
    db.prisma.strengthCheck.findUnique({
      where: { id: checkId },
      select: { taskId: true, status: true, report: true },
    }),
    db.prisma.taskRevision.findUnique({
      where: { id: baseRevisionId },
      select: { taskId: true, instruction: true, verifier: true, solution: true, failureCases: true },
    }),
  ]);
  if (!check || check.taskId !== taskId)
    throw new AppError("NOT_FOUND", `Task ${taskId} has no strength check ${checkId}.`);
  if (!base || base.taskId !== taskId)
    throw new AppError("NOT_FOUND", `Task ${taskId} has no revision ${baseRevisionId}.`);
  const probes = check.status === "done" ? (check.report as unknown as StrengthReport | null)?.probes : undefined;
  const probe = probes?.[variant];
  if (!probe) throw new AppError("NOT_FOUND", `Strength check ${checkId} has no variant ${variant}.`);
  if (probe.verdict !== "leak")
    throw new AppError(
      "BAD_INPUT",
      `Variant ${variant} (${probe.label}) did not leak: the verifier ${probe.verdict === "caught" ? "already rejects it" : "was not shown to accept it"}.`,
    );
  if (base.failureCases.includes(probe.code))
    throw new AppError("BAD_INPUT", `Variant ${variant} (${probe.label}) is a failure case already.`);
  return saveTaskRevision({
    db,
    taskId,
    userId,
    baseRevisionId,
    content: {
      instruction: base.instruction,
      verifier: base.verifier,
      solution: base.solution,
      failureCases: [...base.failureCases, probe.code],
    },
    note: `Failure case from strength check ${checkId}: ${probe.label}`.slice(0, 2000),
  });
}
