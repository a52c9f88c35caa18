-- The funnel per batch from counters too (it read every membership: a second at a million tasks):
-- signed rows per (batch, verdict) appended when a task joins or leaves a batch and when a member's
-- verdict changes, folded by compact_facet_counters() like the others.

CREATE TABLE "batch_verdict_counts" (
    "id" BIGSERIAL NOT NULL,
    "batch_id" INTEGER NOT NULL,
    "verdict_status" "VerdictStatus" NOT NULL,
    "verdict_reason" "RejectReason",
    "n" BIGINT NOT NULL,

    CONSTRAINT "batch_verdict_counts_pkey" PRIMARY KEY ("id")
);

CREATE FUNCTION "batch_verdict_membership_delta"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO batch_verdict_counts (batch_id, verdict_status, verdict_reason, n)
    SELECT m.batch_id, t.verdict_status, t.verdict_reason, count(*) FROM new_rows m JOIN tasks t ON t.id = m.task_id GROUP BY 1, 2, 3;
  ELSE
    INSERT INTO batch_verdict_counts (batch_id, verdict_status, verdict_reason, n)
    SELECT m.batch_id, t.verdict_status, t.verdict_reason, -count(*) FROM old_rows m JOIN tasks t ON t.id = m.task_id GROUP BY 1, 2, 3;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "task_batches_verdict_insert" AFTER INSERT ON "task_batches" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "batch_verdict_membership_delta"();
CREATE TRIGGER "task_batches_verdict_delete" AFTER DELETE ON "task_batches" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "batch_verdict_membership_delta"();

-- A member whose verdict changed moves between its batches' verdict counts (only changed rows are
-- joined to their memberships). Tasks are never deleted by the app, so deletion needs no branch.
CREATE FUNCTION "batch_verdict_task_delta"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO batch_verdict_counts (batch_id, verdict_status, verdict_reason, n)
  SELECT tb.batch_id, c.verdict_status, c.verdict_reason, sum(c.d)
  FROM (
    SELECT o.id, o.verdict_status, o.verdict_reason, -1 AS d FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE (o.verdict_status, o.verdict_reason) IS DISTINCT FROM (n.verdict_status, n.verdict_reason)
    UNION ALL
    SELECT n.id, n.verdict_status, n.verdict_reason, 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE (o.verdict_status, o.verdict_reason) IS DISTINCT FROM (n.verdict_status, n.verdict_reason)
  ) c
  JOIN task_batches tb ON tb.task_id = c.id
  GROUP BY 1, 2, 3 HAVING sum(c.d) <> 0;
  RETURN NULL;
END $$;

CREATE TRIGGER "tasks_batch_verdict_update" AFTER UPDATE ON "tasks" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "batch_verdict_task_delta"();

CREATE OR REPLACE FUNCTION "compact_facet_counters"() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF NOT pg_try_advisory_xact_lock(7290) THEN RETURN; END IF;
  WITH gone AS (DELETE FROM task_counts RETURNING *)
  INSERT INTO task_counts (environment_id, verdict_status, verdict_reason, review_status, review_stale, has_comments, edited, has_override, n)
  SELECT environment_id, verdict_status, verdict_reason, review_status, review_stale, has_comments, edited, has_override, sum(n)
  FROM gone GROUP BY 1, 2, 3, 4, 5, 6, 7, 8 HAVING sum(n) <> 0;
  WITH gone AS (DELETE FROM membership_counts RETURNING *)
  INSERT INTO membership_counts (facet, key, n) SELECT facet, key, sum(n) FROM gone GROUP BY 1, 2 HAVING sum(n) <> 0;
  WITH gone AS (DELETE FROM batch_verdict_counts RETURNING *)
  INSERT INTO batch_verdict_counts (batch_id, verdict_status, verdict_reason, n)
  SELECT batch_id, verdict_status, verdict_reason, sum(n) FROM gone GROUP BY 1, 2, 3 HAVING sum(n) <> 0;
END $$;

INSERT INTO batch_verdict_counts (batch_id, verdict_status, verdict_reason, n)
SELECT tb.batch_id, t.verdict_status, t.verdict_reason, count(*) FROM task_batches tb JOIN tasks t ON t.id = tb.task_id GROUP BY 1, 2, 3;
