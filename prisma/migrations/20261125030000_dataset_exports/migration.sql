-- CreateTable
CREATE TABLE "dataset_exports" (
    "id" SERIAL NOT NULL,
    "version_id" INTEGER NOT NULL,
    "format" TEXT NOT NULL,
    "status" "RunStatus" NOT NULL DEFAULT 'queued',
    "done" INTEGER NOT NULL DEFAULT 0,
    "total" INTEGER NOT NULL DEFAULT 0,
    "path" TEXT,
    "bytes" BIGINT,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "dataset_exports_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "dataset_exports_version_id_idx" ON "dataset_exports"("version_id");

-- AddForeignKey
ALTER TABLE "dataset_exports" ADD CONSTRAINT "dataset_exports_version_id_fkey" FOREIGN KEY ("version_id") REFERENCES "dataset_versions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
