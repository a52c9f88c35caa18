-- Verifier strength (server/strength): each case keeps what it changed; strength checks of accepted
-- revisions are their own job rows, like filter runs; a task shows the result for its current
-- revision, which the facet counters count like the other facet columns.

-- Highest last: "suspected lenient first" is this order, descending.
CREATE TYPE "StrengthStatus" AS ENUM ('unchecked', 'strong', 'unread_writes', 'flaky', 'lenient');

ALTER TABLE "case_results" ADD COLUMN "state_diff" JSONB;

ALTER TABLE "environments" ADD COLUMN "probe_variants" INTEGER;
ALTER TABLE "environments" ADD CONSTRAINT "environments_probe_variants_range" CHECK ("probe_variants" BETWEEN 0 AND 100);

CREATE TABLE "strength_checks" (
    "id" SERIAL NOT NULL,
    "task_id" INTEGER NOT NULL,
    "revision_id" INTEGER NOT NULL,
    "pack_id" INTEGER,
    "status" "RunStatus" NOT NULL DEFAULT 'queued',
    "cap" INTEGER,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "worker_id" TEXT,
    "lease_until" TIMESTAMPTZ(3),
    "error" TEXT,
    "result" "StrengthStatus",
    "variants" INTEGER,
    "leaks" INTEGER,
    "flaky" BOOLEAN,
    "unread_writes" JSONB,
    "report" JSONB,
    "duration_ms" INTEGER,
    "requested_by_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    CONSTRAINT "strength_checks_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "strength_checks_task_id_id_idx" ON "strength_checks"("task_id", "id");
CREATE INDEX "strength_checks_revision_id_idx" ON "strength_checks"("revision_id");
-- The queue, as small as the rows waiting or running (like filter_runs_claim_idx).
CREATE INDEX "strength_checks_claim_idx" ON "strength_checks" ("id") WHERE "status" = 'queued';
CREATE INDEX "strength_checks_lease_idx" ON "strength_checks" ("lease_until") WHERE "status" = 'running';
ALTER TABLE "strength_checks" ADD CONSTRAINT "strength_checks_task_id_fkey" FOREIGN KEY ("task_id") REFERENCES "tasks"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "strength_checks" ADD CONSTRAINT "strength_checks_revision_id_fkey" FOREIGN KEY ("revision_id") REFERENCES "task_revisions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "strength_checks" ADD CONSTRAINT "strength_checks_pack_id_fkey" FOREIGN KEY ("pack_id") REFERENCES "packs"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "strength_checks" ADD CONSTRAINT "strength_checks_requested_by_id_fkey" FOREIGN KEY ("requested_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

ALTER TABLE "tasks" ADD COLUMN "strength" "StrengthStatus" NOT NULL DEFAULT 'unchecked',
  ADD COLUMN "strength_check_id" INTEGER;
CREATE INDEX "tasks_strength_created_at_id_idx" ON "tasks"("strength", "created_at", "id");
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_strength_check_id_fkey" FOREIGN KEY ("strength_check_id") REFERENCES "strength_checks"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- A new revision (an edit, an import) is not the revision that was checked.
CREATE FUNCTION "tasks_strength_reset"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.strength := 'unchecked';
  NEW.strength_check_id := NULL;
  RETURN NEW;
END $$;
CREATE TRIGGER "tasks_strength_reset" BEFORE UPDATE OF "current_revision_id" ON "tasks"
  FOR EACH ROW WHEN (OLD."current_revision_id" IS DISTINCT FROM NEW."current_revision_id") EXECUTE FUNCTION "tasks_strength_reset"();

-- An accepted verdict on the current revision queues its strength check, at low priority (workers
-- claim checks only while no filter run waits), unless that revision was checked on that pack
-- already or the environment turned checks off (probe_variants = 0). Per row, and only for the rows
-- whose verdict run changed: verdicts are written a few dozen at a time.
CREATE FUNCTION "strength_checks_enqueue"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO strength_checks (task_id, revision_id, pack_id, cap)
  SELECT NEW.id, NEW.current_revision_id, f.pack_id, e.probe_variants
  FROM filter_runs f JOIN environments e ON e.id = NEW.environment_id
  WHERE f.id = NEW.verdict_run_id AND f.revision_id = NEW.current_revision_id AND coalesce(e.probe_variants, 1) > 0
    AND NOT EXISTS (SELECT 1 FROM strength_checks s WHERE s.revision_id = NEW.current_revision_id
                    AND s.pack_id IS NOT DISTINCT FROM f.pack_id AND s.status IN ('queued', 'running', 'done'));
  IF FOUND THEN PERFORM pg_notify('cat_jobs', 'strength_checks'); END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER "strength_checks_enqueue" AFTER UPDATE OF "verdict_run_id" ON "tasks"
  FOR EACH ROW WHEN (NEW."verdict_status" = 'accepted' AND OLD."verdict_run_id" IS DISTINCT FROM NEW."verdict_run_id")
  EXECUTE FUNCTION "strength_checks_enqueue"();

-- The facet counters (the facet_counters migration) count strength too: same design, one more column.
ALTER TABLE "task_counts" ADD COLUMN "strength" "StrengthStatus" NOT NULL DEFAULT 'unchecked';

CREATE OR REPLACE FUNCTION "task_counts_delta"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO task_counts (environment_id, verdict_status, verdict_reason, review_status, review_stale, has_comments, edited, has_override, strength, n)
    SELECT environment_id, verdict_status, verdict_reason, review_status, review_stale, comment_count > 0, edited_by_human, review_override IS NOT NULL, strength, count(*)
    FROM new_rows GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO task_counts (environment_id, verdict_status, verdict_reason, review_status, review_stale, has_comments, edited, has_override, strength, n)
    SELECT environment_id, verdict_status, verdict_reason, review_status, review_stale, comment_count > 0, edited_by_human, review_override IS NOT NULL, strength, -count(*)
    FROM old_rows GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;
  ELSE
    -- Only the net change: an update that leaves the facet columns alone appends nothing.
    INSERT INTO task_counts (environment_id, verdict_status, verdict_reason, review_status, review_stale, has_comments, edited, has_override, strength, n)
    SELECT environment_id, verdict_status, verdict_reason, review_status, review_stale, has_comments, edited, has_override, strength, sum(d)
    FROM (
      SELECT environment_id, verdict_status, verdict_reason, review_status, review_stale, comment_count > 0 AS has_comments, edited_by_human AS edited,
             review_override IS NOT NULL AS has_override, strength, -1 AS d FROM old_rows
      UNION ALL
      SELECT environment_id, verdict_status, verdict_reason, review_status, review_stale, comment_count > 0, edited_by_human, review_override IS NOT NULL, strength, 1 FROM new_rows
    ) c
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9 HAVING sum(d) <> 0;
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION "compact_facet_counters"() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF NOT pg_try_advisory_xact_lock(7290) THEN RETURN; END IF;
  WITH gone AS (DELETE FROM task_counts RETURNING *)
  INSERT INTO task_counts (environment_id, verdict_status, verdict_reason, review_status, review_stale, has_comments, edited, has_override, strength, n)
  SELECT environment_id, verdict_status, verdict_reason, review_status, review_stale, has_comments, edited, has_override, strength, sum(n)
  FROM gone GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9 HAVING sum(n) <> 0;
  WITH gone AS (DELETE FROM membership_counts RETURNING *)
  INSERT INTO membership_counts (facet, key, n) SELECT facet, key, sum(n) FROM gone GROUP BY 1, 2 HAVING sum(n) <> 0;
END $$;
