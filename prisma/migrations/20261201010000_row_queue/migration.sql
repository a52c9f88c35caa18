-- Filter runs and dataset exports are their own job queue: a worker claims queued rows with
-- FOR UPDATE SKIP LOCKED and holds a lease on them that it renews while the work is alive, so a
-- dead worker's rows move on when the lease lapses and a live one's never run twice.
ALTER TABLE "filter_runs" ADD COLUMN "priority" BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN "worker_id" TEXT,
  ADD COLUMN "lease_until" TIMESTAMPTZ(3);

ALTER TABLE "dataset_exports" ADD COLUMN "attempts" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "worker_id" TEXT,
  ADD COLUMN "lease_until" TIMESTAMPTZ(3),
  ADD COLUMN "started_at" TIMESTAMPTZ(3);

-- Partial indexes (Prisma's schema language cannot declare them): the next rows to claim, and the
-- running rows whose lease may lapse. Both stay as small as the queue, not as the history.
CREATE INDEX "filter_runs_claim_idx" ON "filter_runs" ("priority" DESC, "id") WHERE "status" = 'queued';
CREATE INDEX "filter_runs_lease_idx" ON "filter_runs" ("lease_until") WHERE "status" = 'running';
CREATE INDEX "dataset_exports_claim_idx" ON "dataset_exports" ("id") WHERE "status" = 'queued';
CREATE INDEX "dataset_exports_lease_idx" ON "dataset_exports" ("lease_until") WHERE "status" = 'running';

-- The pg-boss queue this replaces. Runs and exports it still held are queued rows above, which the
-- new workers claim.
DROP SCHEMA IF EXISTS "pgboss" CASCADE;
