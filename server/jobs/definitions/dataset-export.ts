// A dataset export to a file in the data directory (server/datasets/export-jobs.ts): rare and
// I/O-bound, one at a time per worker.
import type { JobDefinition } from "../worker";

export const datasetExportJob: JobDefinition = {
  name: "dataset-export",
  table: "dataset_exports",
  maxAttempts: 2,
  slots: () => 1,
  needsSandbox: false,
  // Loaded when an export is claimed: its Parquet and tar writers take ~0.1 s to load, which every
  // worker (and `filter --wait`) paid at start.
  handle: async ({ db, id, workerId }) => {
    const { runExportJob } = await import("../../datasets/export-jobs");
    return runExportJob({ db, exportId: id, workerId });
  },
};
