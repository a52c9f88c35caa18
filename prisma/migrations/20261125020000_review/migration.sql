-- AlterTable
ALTER TABLE "tasks" ADD COLUMN     "comment_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "edited_by_human" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "task_revisions" ADD COLUMN     "search_text" TEXT NOT NULL DEFAULT '';

-- Existing revisions get their search text (new ones are written with it).
UPDATE "task_revisions" SET "search_text" = "instruction" || E'\n' || "verifier" || E'\n' || "solution" || E'\n' || coalesce(array_to_string("failure_cases", E'\n'), '');

-- CreateIndex
CREATE INDEX "task_revisions_search_text_idx" ON "task_revisions" USING GIN ("search_text" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "tasks_edited_by_human_idx" ON "tasks"("edited_by_human");

-- The default review labels (the set is editable in the app).
INSERT INTO "labels" ("name", "description", "color") VALUES
  ('false positive', 'Accepted by the filter but should not have been', '#e11d48'),
  ('false negative', 'Rejected by the filter but is a good task', '#0284c7'),
  ('ambiguous instruction', 'The instruction admits several readings', '#d97706'),
  ('infeasible', 'No agent could complete it with these tools', '#7c3aed'),
  ('trivial', 'Too easy to be useful training data', '#64748b'),
  ('verifier too lenient', 'The verifier accepts wrong end states', '#db2777'),
  ('verifier too strict', 'The verifier rejects right end states', '#059669')
ON CONFLICT ("name") DO NOTHING;
