-- Curation integrity: a review decision is evidence about one revision and one verdict; every upload
-- is an import that appends to a named batch; a task belongs to every batch that created or revised it.

ALTER TYPE "ImportStatus" ADD VALUE IF NOT EXISTS 'interrupted';

-- Imports: one row per upload (the batch is only a name imports append to).
CREATE TABLE "imports" (
    "id" SERIAL NOT NULL,
    "batch_id" INTEGER,
    "batch_name" TEXT NOT NULL,
    "file_name" TEXT,
    "format" TEXT NOT NULL,
    "status" "ImportStatus" NOT NULL DEFAULT 'running',
    "lines_read" INTEGER NOT NULL DEFAULT 0,
    "created_count" INTEGER NOT NULL DEFAULT 0,
    "revised_count" INTEGER NOT NULL DEFAULT 0,
    "unchanged_count" INTEGER NOT NULL DEFAULT 0,
    "error_count" INTEGER NOT NULL DEFAULT 0,
    "errors" JSONB NOT NULL DEFAULT '[]',
    "failure" TEXT,
    "created_by_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "imports_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "imports_batch_id_idx" ON "imports"("batch_id");
CREATE INDEX "imports_status_idx" ON "imports"("status");
ALTER TABLE "imports" ADD CONSTRAINT "imports_batch_id_fkey" FOREIGN KEY ("batch_id") REFERENCES "import_batches"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "imports" ADD CONSTRAINT "imports_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

INSERT INTO "imports" ("batch_id", "batch_name", "file_name", "format", "status", "lines_read", "created_count", "revised_count",
                       "unchanged_count", "error_count", "errors", "failure", "created_by_id", "created_at", "finished_at")
SELECT "id", "name", "file_name", "format", "status", "lines_read", "created_count", "revised_count",
       "unchanged_count", "error_count", "errors", "failure", "created_by_id", "created_at", "finished_at"
FROM "import_batches" ORDER BY "id";

ALTER TABLE "import_batches" DROP COLUMN "file_name", DROP COLUMN "format", DROP COLUMN "status", DROP COLUMN "lines_read",
  DROP COLUMN "created_count", DROP COLUMN "revised_count", DROP COLUMN "unchanged_count", DROP COLUMN "error_count",
  DROP COLUMN "errors", DROP COLUMN "failure", DROP COLUMN "finished_at";

-- Revisions remember the import that wrote them (an interrupted import is recounted from them).
ALTER TABLE "task_revisions" ADD COLUMN "import_id" INTEGER;
CREATE INDEX "task_revisions_import_id_idx" ON "task_revisions"("import_id");
ALTER TABLE "task_revisions" ADD CONSTRAINT "task_revisions_import_id_fkey" FOREIGN KEY ("import_id") REFERENCES "imports"("id") ON DELETE SET NULL ON UPDATE CASCADE;
UPDATE "task_revisions" r SET "import_id" = i."id" FROM "imports" i WHERE r."batch_id" = i."batch_id";

-- Batch membership: every batch whose import created or revised the task.
CREATE TABLE "task_batches" (
    "task_id" INTEGER NOT NULL,
    "batch_id" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "task_batches_pkey" PRIMARY KEY ("task_id","batch_id")
);
CREATE INDEX "task_batches_batch_id_task_id_idx" ON "task_batches"("batch_id", "task_id");
ALTER TABLE "task_batches" ADD CONSTRAINT "task_batches_task_id_fkey" FOREIGN KEY ("task_id") REFERENCES "tasks"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "task_batches" ADD CONSTRAINT "task_batches_batch_id_fkey" FOREIGN KEY ("batch_id") REFERENCES "import_batches"("id") ON DELETE CASCADE ON UPDATE CASCADE;
INSERT INTO "task_batches" ("task_id", "batch_id")
SELECT "id", "batch_id" FROM "tasks" WHERE "batch_id" IS NOT NULL
UNION
SELECT "task_id", "batch_id" FROM "task_revisions" WHERE "batch_id" IS NOT NULL;

-- The review decision's evidence: the revision and the verdict run it was made on, and the reason
-- when a reviewer approved a task the filter did not accept. review_stale marks a decision that a
-- newer revision superseded (the task is unreviewed again).
ALTER TABLE "tasks" ADD COLUMN "review_revision_id" INTEGER,
  ADD COLUMN "review_run_id" INTEGER,
  ADD COLUMN "review_override" TEXT,
  ADD COLUMN "review_stale" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_review_revision_id_fkey" FOREIGN KEY ("review_revision_id") REFERENCES "task_revisions"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_review_run_id_fkey" FOREIGN KEY ("review_run_id") REFERENCES "filter_runs"("id") ON DELETE SET NULL ON UPDATE CASCADE;
CREATE INDEX "tasks_review_stale_idx" ON "tasks"("review_stale");
-- Decisions taken before this migration were about the revision current at the time.
UPDATE "tasks" SET "review_revision_id" = "current_revision_id", "review_run_id" = "verdict_run_id" WHERE "review_status" <> 'unreviewed';

ALTER TABLE "review_events" ADD COLUMN "run_id" INTEGER, ADD COLUMN "override" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "review_events" ADD CONSTRAINT "review_events_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "filter_runs"("id") ON DELETE SET NULL ON UPDATE CASCADE;

ALTER TABLE "task_labels" ADD COLUMN "revision_id" INTEGER;
ALTER TABLE "task_labels" ADD CONSTRAINT "task_labels_revision_id_fkey" FOREIGN KEY ("revision_id") REFERENCES "task_revisions"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Dataset versions keep, per task, the review that let it in (override reason included).
ALTER TABLE "dataset_version_items" ADD COLUMN "review" JSONB;
