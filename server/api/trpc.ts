// tRPC plumbing: context, error mapping, procedures. Routers stay thin; domain logic is in services.
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import { asAppError, databaseUnavailable } from "../db/availability";
import { getDb, type Db } from "../db/client";
import { AppError, type AppErrorCode } from "../errors";

export interface TrpcContext {
  db: Db;
  userId: number;
}

export async function createTrpcContext(): Promise<TrpcContext> {
  const db = await getDb().catch((err: unknown) => {
    console.error("[trpc] database:", err);
    throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: databaseUnavailable().message });
  });
  return { db, userId: db.defaultUserId };
}

const t = initTRPC.context<TrpcContext>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    return {
      ...shape,
      data: {
        ...shape.data,
        zodError: error.cause instanceof ZodError ? error.cause.flatten() : null,
        // What a user needs to act on the error (a conflict carries the newer revision).
        details: error.cause instanceof AppError ? (error.cause.details ?? null) : null,
      },
    };
  },
});

const TRPC_CODE: Record<AppErrorCode, TRPCError["code"]> = {
  BAD_INPUT: "BAD_REQUEST",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  TOO_LARGE: "PAYLOAD_TOO_LARGE",
  UNAVAILABLE: "SERVICE_UNAVAILABLE",
};

// The one place errors are mapped: AppErrors keep their message; anything else is logged and masked.
const errorMapping = t.middleware(async ({ next, path }) => {
  const result = await next();
  if (!result.ok) {
    const cause = asAppError(result.error.cause);
    if (cause) throw new TRPCError({ code: TRPC_CODE[cause.code], message: cause.message, cause });
    if (result.error.code === "INTERNAL_SERVER_ERROR") {
      console.error(`[trpc] ${path}:`, cause ?? result.error);
      throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "Internal error; the server log has the details." });
    }
  }
  return result;
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(errorMapping);
