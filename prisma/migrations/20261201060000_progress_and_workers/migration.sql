-- A rerun's progress as counters, added to by the same statement that records a run's verdict
-- (server/filter/run-filter.ts): polling the progress of a 100k-task rerun reads one row instead of
-- counting its runs and joining every case result they wrote.
CREATE TABLE "rerun_progress" (
    "rerun_id" INTEGER NOT NULL,
    "done" INTEGER NOT NULL DEFAULT 0,
    "accepted" INTEGER NOT NULL DEFAULT 0,
    "verifier_invalid" INTEGER NOT NULL DEFAULT 0,
    "solution_not_passing" INTEGER NOT NULL DEFAULT 0,
    "no_failure_cases" INTEGER NOT NULL DEFAULT 0,
    "failure_case_passing" INTEGER NOT NULL DEFAULT 0,
    "failure_case_error" INTEGER NOT NULL DEFAULT 0,
    "cases_pass" INTEGER NOT NULL DEFAULT 0,
    "cases_fail" INTEGER NOT NULL DEFAULT 0,
    "cases_error" INTEGER NOT NULL DEFAULT 0,
    "cases_timeout" INTEGER NOT NULL DEFAULT 0,
    "last_finished_at" TIMESTAMPTZ(3),
    -- Runs finished since window_start, and in the window of about 15 s before it: the recent rate.
    "window_start" TIMESTAMPTZ(3),
    "window_done" INTEGER NOT NULL DEFAULT 0,
    "previous_window_done" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "rerun_progress_pkey" PRIMARY KEY ("rerun_id")
);
ALTER TABLE "rerun_progress" ADD CONSTRAINT "rerun_progress_rerun_id_fkey" FOREIGN KEY ("rerun_id") REFERENCES "reruns"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Reruns from before: counted once, from their runs and case results.
INSERT INTO "rerun_progress" ("rerun_id", "done", "accepted", "verifier_invalid", "solution_not_passing", "no_failure_cases",
                              "failure_case_passing", "failure_case_error", "last_finished_at")
SELECT f."rerun_id",
       count(*),
       count(*) FILTER (WHERE f."verdict_status" = 'accepted'),
       count(*) FILTER (WHERE f."verdict_reason" = 'verifier_invalid'),
       count(*) FILTER (WHERE f."verdict_reason" = 'solution_not_passing'),
       count(*) FILTER (WHERE f."verdict_reason" = 'no_failure_cases'),
       count(*) FILTER (WHERE f."verdict_reason" = 'failure_case_passing'),
       count(*) FILTER (WHERE f."verdict_reason" = 'failure_case_error'),
       max(f."finished_at")
FROM "filter_runs" f
WHERE f."rerun_id" IS NOT NULL AND f."status" = 'done'
GROUP BY f."rerun_id";

UPDATE "rerun_progress" p
SET "cases_pass" = c."pass", "cases_fail" = c."fail", "cases_error" = c."error", "cases_timeout" = c."timeout"
FROM (SELECT f."rerun_id",
             count(*) FILTER (WHERE c."outcome" = 'pass') AS "pass",
             count(*) FILTER (WHERE c."outcome" = 'fail') AS "fail",
             count(*) FILTER (WHERE c."outcome" = 'error') AS "error",
             count(*) FILTER (WHERE c."outcome" = 'timeout') AS "timeout"
      FROM "case_results" c JOIN "filter_runs" f ON f."id" = c."run_id"
      WHERE f."rerun_id" IS NOT NULL AND f."status" = 'done'
      GROUP BY f."rerun_id") c
WHERE p."rerun_id" = c."rerun_id";

-- Every worker process (`npm run worker`, or the web server's own) says it is alive here with each
-- heartbeat, and why it takes no filter runs when its sandbox cannot start: /api/health lists them,
-- so a worker on another machine that does nothing is seen, with the reason.
CREATE TABLE "workers" (
    "id" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "concurrency" INTEGER NOT NULL,
    "sandbox_problem" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "workers_pkey" PRIMARY KEY ("id")
);
