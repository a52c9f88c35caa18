-- Several reviewers per task: review policies per dataset or batch, each reviewer's own decisions and
-- labels, assignments. Existing decisions become the deciding user's own decision on the revision
-- they were made on, so agreement and policies start from the history there is.

CREATE TABLE "review_policies" (
    "id" SERIAL NOT NULL,
    "dataset_id" INTEGER,
    "batch_id" INTEGER,
    "approvals" INTEGER NOT NULL,
    "no_rejection" BOOLEAN NOT NULL DEFAULT true,
    "blind" BOOLEAN NOT NULL DEFAULT false,
    "reviewers_per_task" INTEGER NOT NULL,
    "updated_by_id" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "review_policies_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "review_policies_one_scope" CHECK (("dataset_id" IS NULL) <> ("batch_id" IS NULL)),
    CONSTRAINT "review_policies_counts" CHECK ("approvals" >= 1 AND "reviewers_per_task" >= "approvals")
);
CREATE UNIQUE INDEX "review_policies_dataset_id_key" ON "review_policies"("dataset_id");
CREATE UNIQUE INDEX "review_policies_batch_id_key" ON "review_policies"("batch_id");
ALTER TABLE "review_policies" ADD CONSTRAINT "review_policies_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "datasets"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "review_policies" ADD CONSTRAINT "review_policies_batch_id_fkey" FOREIGN KEY ("batch_id") REFERENCES "import_batches"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "review_policies" ADD CONSTRAINT "review_policies_updated_by_id_fkey" FOREIGN KEY ("updated_by_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "review_decisions" (
    "id" SERIAL NOT NULL,
    "task_id" INTEGER NOT NULL,
    "revision_id" INTEGER NOT NULL,
    "user_id" INTEGER NOT NULL,
    "decision" "ReviewStatus" NOT NULL,
    "override_reason" TEXT,
    "adjudication" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "review_decisions_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "review_decisions_made" CHECK ("decision" <> 'unreviewed')
);
CREATE UNIQUE INDEX "review_decisions_task_id_revision_id_user_id_adjudication_key" ON "review_decisions"("task_id", "revision_id", "user_id", "adjudication");
CREATE INDEX "review_decisions_revision_id_idx" ON "review_decisions"("revision_id");
CREATE INDEX "review_decisions_user_id_idx" ON "review_decisions"("user_id");
ALTER TABLE "review_decisions" ADD CONSTRAINT "review_decisions_task_id_fkey" FOREIGN KEY ("task_id") REFERENCES "tasks"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "review_decisions" ADD CONSTRAINT "review_decisions_revision_id_fkey" FOREIGN KEY ("revision_id") REFERENCES "task_revisions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "review_decisions" ADD CONSTRAINT "review_decisions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Each user's latest decision per revision, from the review history.
INSERT INTO "review_decisions" ("task_id", "revision_id", "user_id", "decision", "override_reason", "created_at", "updated_at")
SELECT "task_id", "revision_id", "user_id", "to_status", "reason", "created_at", "created_at"
FROM (
  SELECT DISTINCT ON (e."task_id", e."revision_id", e."user_id") e."task_id", e."revision_id", e."user_id", e."to_status",
         CASE WHEN e."override" THEN e."body" END AS "reason", e."created_at"
  FROM "review_events" e
  WHERE e."kind" = 'status' AND e."revision_id" IS NOT NULL AND e."to_status" IS NOT NULL
  ORDER BY e."task_id", e."revision_id", e."user_id", e."id" DESC
) latest
WHERE "to_status" <> 'unreviewed';

CREATE TABLE "review_assignments" (
    "task_id" INTEGER NOT NULL,
    "user_id" INTEGER NOT NULL,
    "assigned_by_id" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "review_assignments_pkey" PRIMARY KEY ("task_id", "user_id")
);
CREATE INDEX "review_assignments_user_id_task_id_idx" ON "review_assignments"("user_id", "task_id");
ALTER TABLE "review_assignments" ADD CONSTRAINT "review_assignments_task_id_fkey" FOREIGN KEY ("task_id") REFERENCES "tasks"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "review_assignments" ADD CONSTRAINT "review_assignments_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "review_assignments" ADD CONSTRAINT "review_assignments_assigned_by_id_fkey" FOREIGN KEY ("assigned_by_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "label_votes" (
    "task_id" INTEGER NOT NULL,
    "label_id" INTEGER NOT NULL,
    "user_id" INTEGER NOT NULL,
    "revision_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "label_votes_pkey" PRIMARY KEY ("task_id", "label_id", "user_id")
);
CREATE INDEX "label_votes_label_id_idx" ON "label_votes"("label_id");
ALTER TABLE "label_votes" ADD CONSTRAINT "label_votes_task_id_fkey" FOREIGN KEY ("task_id") REFERENCES "tasks"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "label_votes" ADD CONSTRAINT "label_votes_label_id_fkey" FOREIGN KEY ("label_id") REFERENCES "labels"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "label_votes" ADD CONSTRAINT "label_votes_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "label_votes" ADD CONSTRAINT "label_votes_revision_id_fkey" FOREIGN KEY ("revision_id") REFERENCES "task_revisions"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- The labels on tasks so far are the votes of whoever set them.
INSERT INTO "label_votes" ("task_id", "label_id", "user_id", "revision_id", "created_at")
SELECT "task_id", "label_id", "user_id", "revision_id", "created_at" FROM "task_labels";
