-- Exact facet counts at any size, for free: statement-level triggers append the change in task counts
-- per combination of facet columns (and per batch and label membership) as signed rows; readers sum
-- them; compact_facet_counters() folds the rows into one per combination now and then. Appending
-- never waits for another writer (no shared row is updated), so imports and workers do not queue on
-- the counters, and a reader never waits for a writer.

CREATE TABLE "task_counts" (
    "id" BIGSERIAL NOT NULL,
    "environment_id" INTEGER NOT NULL,
    "verdict_status" "VerdictStatus" NOT NULL,
    "verdict_reason" "RejectReason",
    "review_status" "ReviewStatus" NOT NULL,
    "review_stale" BOOLEAN NOT NULL,
    "has_comments" BOOLEAN NOT NULL,
    "edited" BOOLEAN NOT NULL,
    "has_override" BOOLEAN NOT NULL,
    "n" BIGINT NOT NULL,

    CONSTRAINT "task_counts_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "membership_counts" (
    "id" BIGSERIAL NOT NULL,
    "facet" TEXT NOT NULL,
    "key" INTEGER NOT NULL,
    "n" BIGINT NOT NULL,

    CONSTRAINT "membership_counts_pkey" PRIMARY KEY ("id")
);

CREATE FUNCTION "task_counts_delta"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO task_counts (environment_id, verdict_status, verdict_reason, review_status, review_stale, has_comments, edited, has_override, n)
    SELECT environment_id, verdict_status, verdict_reason, review_status, review_stale, comment_count > 0, edited_by_human, review_override IS NOT NULL, count(*)
    FROM new_rows GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO task_counts (environment_id, verdict_status, verdict_reason, review_status, review_stale, has_comments, edited, has_override, n)
    SELECT environment_id, verdict_status, verdict_reason, review_status, review_stale, comment_count > 0, edited_by_human, review_override IS NOT NULL, -count(*)
    FROM old_rows GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
  ELSE
    -- Only the net change: an update that leaves the facet columns alone appends nothing.
    INSERT INTO task_counts (environment_id, verdict_status, verdict_reason, review_status, review_stale, has_comments, edited, has_override, n)
    SELECT environment_id, verdict_status, verdict_reason, review_status, review_stale, has_comments, edited, has_override, sum(d)
    FROM (
      SELECT environment_id, verdict_status, verdict_reason, review_status, review_stale, comment_count > 0 AS has_comments, edited_by_human AS edited,
             review_override IS NOT NULL AS has_override, -1 AS d FROM old_rows
      UNION ALL
      SELECT environment_id, verdict_status, verdict_reason, review_status, review_stale, comment_count > 0, edited_by_human, review_override IS NOT NULL, 1 FROM new_rows
    ) c
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8 HAVING sum(d) <> 0;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "task_counts_insert" AFTER INSERT ON "tasks" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "task_counts_delta"();
CREATE TRIGGER "task_counts_update" AFTER UPDATE ON "tasks" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "task_counts_delta"();
CREATE TRIGGER "task_counts_delete" AFTER DELETE ON "tasks" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "task_counts_delta"();

CREATE FUNCTION "membership_counts_delta"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  col text := TG_ARGV[0];
BEGIN
  IF TG_OP = 'INSERT' THEN
    EXECUTE format('INSERT INTO membership_counts (facet, key, n) SELECT %L, %I, count(*) FROM new_rows GROUP BY 2', TG_TABLE_NAME, col);
  ELSE
    EXECUTE format('INSERT INTO membership_counts (facet, key, n) SELECT %L, %I, -count(*) FROM old_rows GROUP BY 2', TG_TABLE_NAME, col);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "task_batches_count_insert" AFTER INSERT ON "task_batches" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "membership_counts_delta"('batch_id');
CREATE TRIGGER "task_batches_count_delete" AFTER DELETE ON "task_batches" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "membership_counts_delta"('batch_id');
CREATE TRIGGER "task_labels_count_insert" AFTER INSERT ON "task_labels" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "membership_counts_delta"('label_id');
CREATE TRIGGER "task_labels_count_delete" AFTER DELETE ON "task_labels" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "membership_counts_delta"('label_id');

-- Folds the appended rows into one per combination. Rows appended meanwhile by transactions that
-- were not visible to this one are not deleted, so nothing is lost or counted twice.
CREATE FUNCTION "compact_facet_counters"() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF NOT pg_try_advisory_xact_lock(7290) THEN RETURN; END IF;
  WITH gone AS (DELETE FROM task_counts RETURNING *)
  INSERT INTO task_counts (environment_id, verdict_status, verdict_reason, review_status, review_stale, has_comments, edited, has_override, n)
  SELECT environment_id, verdict_status, verdict_reason, review_status, review_stale, has_comments, edited, has_override, sum(n)
  FROM gone GROUP BY 1, 2, 3, 4, 5, 6, 7, 8 HAVING sum(n) <> 0;
  WITH gone AS (DELETE FROM membership_counts RETURNING *)
  INSERT INTO membership_counts (facet, key, n) SELECT facet, key, sum(n) FROM gone GROUP BY 1, 2 HAVING sum(n) <> 0;
END $$;

INSERT INTO task_counts (environment_id, verdict_status, verdict_reason, review_status, review_stale, has_comments, edited, has_override, n)
SELECT environment_id, verdict_status, verdict_reason, review_status, review_stale, comment_count > 0, edited_by_human, review_override IS NOT NULL, count(*)
FROM "tasks" GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
INSERT INTO membership_counts (facet, key, n) SELECT 'task_batches', batch_id, count(*) FROM "task_batches" GROUP BY 2;
INSERT INTO membership_counts (facet, key, n) SELECT 'task_labels', label_id, count(*) FROM "task_labels" GROUP BY 2;
