// tRPC plumbing: context, error mapping, procedures. Routers stay thin; domain logic is in services.
// Every procedure is built from one of the role builders below, and says so in its meta, so the
// REST layer, the OpenAPI document and the role-matrix test all read the same rule.
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import type { z } from "zod";
import { actorFromRequest } from "../auth/actor";
import { recordAudit } from "../auth/audit";
import { requireRole, type Actor, type Role } from "../auth/roles";
import { getDb, type Db } from "../db/client";
import { AppError } from "../errors";
import { toAppError } from "./errors";

export interface TrpcContext {
  db: Db;
  /** Who is acting; null for an anonymous request (only public procedures answer it). */
  actor: Actor | null;
  /** The request's headers (cookie kind, client address) and the response's (a session cookie set or refreshed). */
  reqHeaders?: Headers;
  resHeaders?: Headers;
}

export async function createTrpcContext({
  req,
  resHeaders,
}: {
  req: Request;
  resHeaders?: Headers;
}): Promise<TrpcContext> {
  const db = await getDb().catch((err: unknown) => {
    console.error("[trpc] database:", err);
    throw new TRPCError({
      code: "SERVICE_UNAVAILABLE",
      message: toAppError(err)?.message ?? "The database is unavailable.",
    });
  });
  const actor = await actorFromRequest(db, req.headers, resHeaders).catch((err: unknown) => {
    // A bad token is a 401 and a dead database a 503, as from any procedure.
    const app = toAppError(err);
    if (!app) throw err;
    throw new TRPCError({ code: TRPC_CODE[app.code], message: app.message, cause: app });
  });
  return { db, actor, reqHeaders: req.headers, resHeaders };
}

/**
 * What a procedure needs (`access`) and, for the ones scripts call, its REST route: the method and
 * path under /api/v1 (server/rest generates the routes and the OpenAPI document from this).
 */
export interface RestMeta {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Under /api/v1; `{taskId}` also answers as `{environment}/{externalId}`. */
  path: string;
  summary: string;
  /** The success status (default: 201 for POST, else 200). */
  status?: number;
  /** The request body is this field of the input (a bare selection `{taskIds}` for `selection`). */
  bodyField?: string;
}

export interface ProcedureMeta {
  /** Set by the builder the procedure is made from. */
  access?: "public" | Role;
  rest?: RestMeta | RestMeta[];
  /**
   * The answer's schema, for the OpenAPI document and the contract tests (which check every REST
   * answer against it). Declared here rather than with .output(): the tRPC client keeps the
   * service's exact types, and no field the UI reads is stripped by a schema that forgot it.
   */
  output?: z.ZodType;
}

const t = initTRPC
  .context<TrpcContext>()
  .meta<ProcedureMeta>()
  .create({
    transformer: superjson,
    errorFormatter({ shape, error }) {
      const app = error.cause instanceof AppError ? error.cause : null;
      return {
        ...shape,
        data: {
          ...shape.data,
          appCode: app?.code ?? null,
          // The field each validation problem is about ("taskIds.0"), as every surface reports it.
          issues: (app?.details as { issues?: unknown } | undefined)?.issues ?? null,
          // What a user needs to act on the error (a conflict carries the newer revision).
          details: app && app.code !== "BAD_INPUT" ? (app.details ?? null) : null,
        },
      };
    },
  });

const TRPC_CODE: Record<AppError["code"], TRPCError["code"]> = {
  BAD_INPUT: "BAD_REQUEST",
  UNAUTHORIZED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  TOO_LARGE: "PAYLOAD_TOO_LARGE",
  RATE_LIMITED: "TOO_MANY_REQUESTS",
  UNAVAILABLE: "SERVICE_UNAVAILABLE",
};

// The one place errors are mapped (server/api/errors.ts says how): AppErrors and invalid input keep
// their message and fields; anything else is logged and masked.
const errorMapping = t.middleware(async ({ next, path }) => {
  const result = await next();
  if (!result.ok) {
    const app = toAppError(result.error.cause ?? result.error);
    if (app) throw new TRPCError({ code: TRPC_CODE[app.code], message: app.message, cause: app });
    if (result.error.code === "INTERNAL_SERVER_ERROR") {
      console.error(`[trpc] ${path}:`, result.error.cause ?? result.error);
      throw new TRPCError({
        code: "INTERNAL_SERVER_ERROR",
        message: "Internal error; the server log has the details.",
      });
    }
  }
  return result;
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Answers anyone: the account status and the first-start setup. */
export const publicProcedure = t.procedure.use(errorMapping).meta({ access: "public" });

function roleProcedure(role: Role) {
  return t.procedure
    .use(errorMapping)
    .meta({ access: role })
    .use(async ({ ctx, type, path, getRawInput, next }) => {
      const actor = requireRole(ctx.actor, role);
      const result = await next({ ctx: { ...ctx, actor } });
      // Every change is attributed: the services record authors where the data has a column for
      // them, the audit log records every mutation.
      if (result.ok && type === "mutation")
        await recordAudit(ctx.db, actor, path, await getRawInput().catch(() => undefined));
      return result;
    });
}

/** Reads. */
export const viewerProcedure = roleProcedure("viewer");
/** Review decisions, labels on tasks, comments, Try. */
export const reviewerProcedure = roleProcedure("reviewer");
/** Task edits, imports, filter runs, datasets, label sets, review policies and assignments. */
export const curatorProcedure = roleProcedure("curator");
/** Users, everyone's tokens, environments (packs), settings. */
export const adminProcedure = roleProcedure("admin");
