-- Pack versions. A second pack registered under an existing environment's name used to replace it
-- silently for every later run (runs took the newest pack). Now each environment's packs are numbered
-- in the order they were registered, and runs use the environment's active pack, which changes only
-- when a new version is registered deliberately or an older one is made active again.

-- AlterTable
ALTER TABLE "packs" ADD COLUMN "version" INTEGER;
UPDATE "packs" p SET "version" = v.n
FROM (SELECT "id", row_number() OVER (PARTITION BY "environment_id" ORDER BY "id") AS n FROM "packs") v
WHERE v."id" = p."id";
ALTER TABLE "packs" ALTER COLUMN "version" SET NOT NULL;

-- AlterTable
ALTER TABLE "environments" ADD COLUMN "active_pack_id" INTEGER;
-- What runs used until now: the newest pack of each environment.
UPDATE "environments" e SET "active_pack_id" = (SELECT max(p."id") FROM "packs" p WHERE p."environment_id" = e."id");

-- CreateIndex
CREATE UNIQUE INDEX "packs_environment_id_version_key" ON "packs"("environment_id", "version");

-- CreateIndex
CREATE UNIQUE INDEX "environments_active_pack_id_key" ON "environments"("active_pack_id");

-- AddForeignKey
ALTER TABLE "environments" ADD CONSTRAINT "environments_active_pack_id_fkey" FOREIGN KEY ("active_pack_id") REFERENCES "packs"("id") ON DELETE SET NULL ON UPDATE CASCADE;
