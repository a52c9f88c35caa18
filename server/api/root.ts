import { importBatchRouter } from "./routers/import-batch";
import { taskRouter } from "./routers/task";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  task: taskRouter,
  importBatch: importBatchRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
