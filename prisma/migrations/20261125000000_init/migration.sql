-- Trigram indexes power substring search over instructions and code.
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

-- CreateEnum
CREATE TYPE "VerdictStatus" AS ENUM ('pending', 'accepted', 'rejected');

-- CreateEnum
CREATE TYPE "RejectReason" AS ENUM ('verifier_invalid', 'solution_not_passing', 'no_failure_cases', 'failure_case_passing', 'failure_case_error');

-- CreateEnum
CREATE TYPE "ReviewStatus" AS ENUM ('unreviewed', 'approved', 'rejected', 'needs_edit');

-- CreateEnum
CREATE TYPE "ImportStatus" AS ENUM ('running', 'done', 'failed');

-- CreateEnum
CREATE TYPE "RunStatus" AS ENUM ('queued', 'running', 'done', 'failed', 'cancelled');

-- CreateEnum
CREATE TYPE "CaseRole" AS ENUM ('solution', 'failure');

-- CreateEnum
CREATE TYPE "CaseOutcome" AS ENUM ('pass', 'fail', 'error', 'timeout');

-- CreateEnum
CREATE TYPE "RevisionSource" AS ENUM ('import', 'edit');

-- CreateEnum
CREATE TYPE "ReviewEventKind" AS ENUM ('status', 'label_added', 'label_removed', 'comment', 'revision', 'rerun');

-- CreateTable
CREATE TABLE "users" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "environments" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "environments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "packs" (
    "id" SERIAL NOT NULL,
    "environment_id" INTEGER NOT NULL,
    "hash" TEXT NOT NULL,
    "file_count" INTEGER NOT NULL,
    "size_bytes" BIGINT NOT NULL,
    "tools" TEXT[],
    "tool_schemas" JSONB,
    "created_by_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "packs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "pack_files" (
    "pack_id" INTEGER NOT NULL,
    "path" TEXT NOT NULL,
    "blob_hash" TEXT NOT NULL,
    "mode" INTEGER NOT NULL,

    CONSTRAINT "pack_files_pkey" PRIMARY KEY ("pack_id","path")
);

-- CreateTable
CREATE TABLE "blobs" (
    "hash" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "content" BYTEA NOT NULL,

    CONSTRAINT "blobs_pkey" PRIMARY KEY ("hash")
);

-- CreateTable
CREATE TABLE "import_batches" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
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

    CONSTRAINT "import_batches_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tasks" (
    "id" SERIAL NOT NULL,
    "external_id" TEXT NOT NULL,
    "environment_id" INTEGER NOT NULL,
    "batch_id" INTEGER,
    "current_revision_id" INTEGER,
    "revision_count" INTEGER NOT NULL DEFAULT 0,
    "verdict_status" "VerdictStatus" NOT NULL DEFAULT 'pending',
    "verdict_reason" "RejectReason",
    "review_status" "ReviewStatus" NOT NULL DEFAULT 'unreviewed',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tasks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "task_revisions" (
    "id" SERIAL NOT NULL,
    "task_id" INTEGER NOT NULL,
    "number" INTEGER NOT NULL,
    "instruction" TEXT NOT NULL,
    "verifier" TEXT NOT NULL,
    "solution" TEXT NOT NULL,
    "failure_cases" TEXT[],
    "metadata" JSON,
    "content_hash" TEXT NOT NULL,
    "source" "RevisionSource" NOT NULL,
    "author_id" INTEGER NOT NULL,
    "batch_id" INTEGER,
    "parent_revision_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "task_revisions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "filter_runs" (
    "id" SERIAL NOT NULL,
    "task_id" INTEGER NOT NULL,
    "revision_id" INTEGER NOT NULL,
    "pack_id" INTEGER,
    "status" "RunStatus" NOT NULL DEFAULT 'queued',
    "verdict_status" "VerdictStatus",
    "verdict_reason" "RejectReason",
    "code_hash" TEXT,
    "error" TEXT,
    "requested_by_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "filter_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "case_results" (
    "id" SERIAL NOT NULL,
    "run_id" INTEGER NOT NULL,
    "role" "CaseRole" NOT NULL,
    "index" INTEGER NOT NULL,
    "outcome" "CaseOutcome" NOT NULL,
    "return_repr" TEXT,
    "error" JSONB,
    "stdout" TEXT NOT NULL DEFAULT '',
    "stderr" TEXT NOT NULL DEFAULT '',
    "tool_calls" JSONB NOT NULL DEFAULT '[]',
    "messages" TEXT[],
    "duration_ms" INTEGER NOT NULL,

    CONSTRAINT "case_results_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "labels" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "color" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "labels_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "task_labels" (
    "task_id" INTEGER NOT NULL,
    "label_id" INTEGER NOT NULL,
    "user_id" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "task_labels_pkey" PRIMARY KEY ("task_id","label_id")
);

-- CreateTable
CREATE TABLE "review_events" (
    "id" SERIAL NOT NULL,
    "task_id" INTEGER NOT NULL,
    "revision_id" INTEGER,
    "user_id" INTEGER NOT NULL,
    "kind" "ReviewEventKind" NOT NULL,
    "from_status" "ReviewStatus",
    "to_status" "ReviewStatus",
    "label_id" INTEGER,
    "body" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "review_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "datasets" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "created_by_id" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "datasets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dataset_tasks" (
    "dataset_id" INTEGER NOT NULL,
    "task_id" INTEGER NOT NULL,
    "added_by_id" INTEGER NOT NULL,
    "added_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dataset_tasks_pkey" PRIMARY KEY ("dataset_id","task_id")
);

-- CreateTable
CREATE TABLE "dataset_versions" (
    "id" SERIAL NOT NULL,
    "dataset_id" INTEGER NOT NULL,
    "number" INTEGER NOT NULL,
    "name" TEXT,
    "notes" TEXT,
    "author_id" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dataset_versions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dataset_version_items" (
    "version_id" INTEGER NOT NULL,
    "task_id" INTEGER NOT NULL,
    "revision_id" INTEGER NOT NULL,
    "verdict" JSONB NOT NULL,
    "pack_hash" TEXT,

    CONSTRAINT "dataset_version_items_pkey" PRIMARY KEY ("version_id","task_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

-- CreateIndex
CREATE UNIQUE INDEX "environments_name_key" ON "environments"("name");

-- CreateIndex
CREATE INDEX "packs_hash_idx" ON "packs"("hash");

-- CreateIndex
CREATE UNIQUE INDEX "packs_environment_id_hash_key" ON "packs"("environment_id", "hash");

-- CreateIndex
CREATE INDEX "pack_files_blob_hash_idx" ON "pack_files"("blob_hash");

-- CreateIndex
CREATE UNIQUE INDEX "import_batches_name_key" ON "import_batches"("name");

-- CreateIndex
CREATE UNIQUE INDEX "tasks_current_revision_id_key" ON "tasks"("current_revision_id");

-- CreateIndex
CREATE INDEX "tasks_created_at_id_idx" ON "tasks"("created_at", "id");

-- CreateIndex
CREATE INDEX "tasks_updated_at_id_idx" ON "tasks"("updated_at", "id");

-- CreateIndex
CREATE INDEX "tasks_external_id_id_idx" ON "tasks"("external_id", "id");

-- CreateIndex
CREATE INDEX "tasks_batch_id_created_at_id_idx" ON "tasks"("batch_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "tasks_verdict_status_created_at_id_idx" ON "tasks"("verdict_status", "created_at", "id");

-- CreateIndex
CREATE INDEX "tasks_review_status_created_at_id_idx" ON "tasks"("review_status", "created_at", "id");

-- CreateIndex
CREATE UNIQUE INDEX "tasks_environment_id_external_id_key" ON "tasks"("environment_id", "external_id");

-- CreateIndex
CREATE INDEX "task_revisions_instruction_idx" ON "task_revisions" USING GIN ("instruction" gin_trgm_ops);

-- CreateIndex
CREATE UNIQUE INDEX "task_revisions_task_id_number_key" ON "task_revisions"("task_id", "number");

-- CreateIndex
CREATE INDEX "filter_runs_task_id_created_at_idx" ON "filter_runs"("task_id", "created_at");

-- CreateIndex
CREATE INDEX "filter_runs_status_idx" ON "filter_runs"("status");

-- CreateIndex
CREATE UNIQUE INDEX "case_results_run_id_role_index_key" ON "case_results"("run_id", "role", "index");

-- CreateIndex
CREATE UNIQUE INDEX "labels_name_key" ON "labels"("name");

-- CreateIndex
CREATE INDEX "task_labels_label_id_idx" ON "task_labels"("label_id");

-- CreateIndex
CREATE INDEX "review_events_task_id_created_at_idx" ON "review_events"("task_id", "created_at");

-- CreateIndex
CREATE INDEX "review_events_user_id_created_at_idx" ON "review_events"("user_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "datasets_name_key" ON "datasets"("name");

-- CreateIndex
CREATE INDEX "dataset_tasks_task_id_idx" ON "dataset_tasks"("task_id");

-- CreateIndex
CREATE UNIQUE INDEX "dataset_versions_dataset_id_number_key" ON "dataset_versions"("dataset_id", "number");

-- CreateIndex
CREATE INDEX "dataset_version_items_task_id_idx" ON "dataset_version_items"("task_id");

-- AddForeignKey
ALTER TABLE "packs" ADD CONSTRAINT "packs_environment_id_fkey" FOREIGN KEY ("environment_id") REFERENCES "environments"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "packs" ADD CONSTRAINT "packs_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pack_files" ADD CONSTRAINT "pack_files_pack_id_fkey" FOREIGN KEY ("pack_id") REFERENCES "packs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pack_files" ADD CONSTRAINT "pack_files_blob_hash_fkey" FOREIGN KEY ("blob_hash") REFERENCES "blobs"("hash") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "import_batches" ADD CONSTRAINT "import_batches_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_environment_id_fkey" FOREIGN KEY ("environment_id") REFERENCES "environments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_batch_id_fkey" FOREIGN KEY ("batch_id") REFERENCES "import_batches"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_current_revision_id_fkey" FOREIGN KEY ("current_revision_id") REFERENCES "task_revisions"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "task_revisions" ADD CONSTRAINT "task_revisions_task_id_fkey" FOREIGN KEY ("task_id") REFERENCES "tasks"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "task_revisions" ADD CONSTRAINT "task_revisions_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "task_revisions" ADD CONSTRAINT "task_revisions_batch_id_fkey" FOREIGN KEY ("batch_id") REFERENCES "import_batches"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "task_revisions" ADD CONSTRAINT "task_revisions_parent_revision_id_fkey" FOREIGN KEY ("parent_revision_id") REFERENCES "task_revisions"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "filter_runs" ADD CONSTRAINT "filter_runs_task_id_fkey" FOREIGN KEY ("task_id") REFERENCES "tasks"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "filter_runs" ADD CONSTRAINT "filter_runs_revision_id_fkey" FOREIGN KEY ("revision_id") REFERENCES "task_revisions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "filter_runs" ADD CONSTRAINT "filter_runs_pack_id_fkey" FOREIGN KEY ("pack_id") REFERENCES "packs"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "filter_runs" ADD CONSTRAINT "filter_runs_requested_by_id_fkey" FOREIGN KEY ("requested_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "case_results" ADD CONSTRAINT "case_results_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "filter_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "task_labels" ADD CONSTRAINT "task_labels_task_id_fkey" FOREIGN KEY ("task_id") REFERENCES "tasks"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "task_labels" ADD CONSTRAINT "task_labels_label_id_fkey" FOREIGN KEY ("label_id") REFERENCES "labels"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "task_labels" ADD CONSTRAINT "task_labels_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "review_events" ADD CONSTRAINT "review_events_task_id_fkey" FOREIGN KEY ("task_id") REFERENCES "tasks"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "review_events" ADD CONSTRAINT "review_events_revision_id_fkey" FOREIGN KEY ("revision_id") REFERENCES "task_revisions"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "review_events" ADD CONSTRAINT "review_events_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "review_events" ADD CONSTRAINT "review_events_label_id_fkey" FOREIGN KEY ("label_id") REFERENCES "labels"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "datasets" ADD CONSTRAINT "datasets_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dataset_tasks" ADD CONSTRAINT "dataset_tasks_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "datasets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dataset_tasks" ADD CONSTRAINT "dataset_tasks_task_id_fkey" FOREIGN KEY ("task_id") REFERENCES "tasks"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dataset_tasks" ADD CONSTRAINT "dataset_tasks_added_by_id_fkey" FOREIGN KEY ("added_by_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dataset_versions" ADD CONSTRAINT "dataset_versions_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "datasets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dataset_versions" ADD CONSTRAINT "dataset_versions_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dataset_version_items" ADD CONSTRAINT "dataset_version_items_version_id_fkey" FOREIGN KEY ("version_id") REFERENCES "dataset_versions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dataset_version_items" ADD CONSTRAINT "dataset_version_items_task_id_fkey" FOREIGN KEY ("task_id") REFERENCES "tasks"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dataset_version_items" ADD CONSTRAINT "dataset_version_items_revision_id_fkey" FOREIGN KEY ("revision_id") REFERENCES "task_revisions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
