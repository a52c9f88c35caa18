import { accountRouter } from "./routers/account";
import { datasetRouter } from "./routers/dataset";
import { environmentRouter } from "./routers/environment";
import { filterRouter } from "./routers/filter";
import { importRouter } from "./routers/imports";
import { reviewRouter } from "./routers/review";
import { reviewersRouter } from "./routers/reviewers";
import { statsRouter } from "./routers/stats";
import { strengthRouter } from "./routers/strength";
import { systemRouter } from "./routers/system";
import { taskRouter } from "./routers/task";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  task: taskRouter,
  imports: importRouter,
  filter: filterRouter,
  environment: environmentRouter,
  review: reviewRouter,
  dataset: datasetRouter,
  stats: statsRouter,
  strength: strengthRouter,
  system: systemRouter,
  account: accountRouter,
  reviewers: reviewersRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
