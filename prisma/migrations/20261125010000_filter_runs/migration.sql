-- AlterTable
ALTER TABLE "packs" ADD COLUMN     "case_timeout_ms" INTEGER,
ADD COLUMN     "memory_mb" INTEGER;

-- AlterTable
ALTER TABLE "tasks" ADD COLUMN     "verdict_run_id" INTEGER;

-- AlterTable
ALTER TABLE "filter_runs" ADD COLUMN     "rerun_id" INTEGER,
ADD COLUMN     "verifier_error" JSONB,
ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "duration_ms" INTEGER;

-- CreateTable
CREATE TABLE "reruns" (
    "id" SERIAL NOT NULL,
    "scope" TEXT NOT NULL,
    "task_count" INTEGER NOT NULL,
    "requested_by_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "cancelled_at" TIMESTAMPTZ(3),

    CONSTRAINT "reruns_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "tasks_verdict_run_id_key" ON "tasks"("verdict_run_id");

-- CreateIndex
CREATE INDEX "tasks_verdict_reason_created_at_id_idx" ON "tasks"("verdict_reason", "created_at", "id");

-- CreateIndex
CREATE INDEX "filter_runs_rerun_id_status_idx" ON "filter_runs"("rerun_id", "status");

-- AddForeignKey
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_verdict_run_id_fkey" FOREIGN KEY ("verdict_run_id") REFERENCES "filter_runs"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "filter_runs" ADD CONSTRAINT "filter_runs_rerun_id_fkey" FOREIGN KEY ("rerun_id") REFERENCES "reruns"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reruns" ADD CONSTRAINT "reruns_requested_by_id_fkey" FOREIGN KEY ("requested_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
