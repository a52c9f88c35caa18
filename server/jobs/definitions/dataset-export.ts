// A dataset export to a file in the data directory (server/datasets/export-jobs.ts): rare and
// I/O-bound, one at a time per worker.
import { runExportJob } from "../../datasets/export-jobs";
import type { JobDefinition } from "../worker";

export const datasetExportJob: JobDefinition = {
  name: "dataset-export",
  table: "dataset_exports",
  maxAttempts: 2,
  slots: () => 1,
  needsSandbox: false,
  handle: ({ db, id, workerId }) => runExportJob({ db, exportId: id, workerId }),
};
