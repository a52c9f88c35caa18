// Accounts: who am I, first-start setup, users (administrators), API tokens.
import { z } from "zod";
import { authFor, isSecureRequest } from "../../auth/auth";
import { ROLES, roleAtLeast } from "../../auth/roles";
import { createApiToken, listApiTokens, revokeApiToken } from "../../auth/tokens";
import { createUser, emailSchema, listUsers, needsSetup, passwordSchema, roleSchema, setupAdministrator, setUserPassword, updateUser } from "../../auth/users";
import { serverEnv } from "../../env";
import { AppError } from "../../errors";
import { API_LIMITS } from "../limits";
import { adminProcedure, createTRPCRouter, publicProcedure, viewerProcedure } from "../trpc";

const id = z.number().int().positive();
const userName = z.string().trim().min(1).max(API_LIMITS.userNameChars);

export const accountRouter = createTRPCRouter({
  /** What the sign-in and setup pages need: is there an administrator yet, who am I, is SSO on. */
  status: publicProcedure.query(async ({ ctx }) => ({
    needsSetup: await needsSetup({ db: ctx.db }),
    user: ctx.actor && { id: ctx.actor.id, email: ctx.actor.email, name: ctx.actor.name, role: ctx.actor.role },
    oidc: serverEnv().oidc ? { name: serverEnv().oidc!.name } : null,
    roles: ROLES,
  })),

  /** First start: creates the administrator and signs them in. Refused once any account exists. */
  setup: publicProcedure
    .input(z.strictObject({ email: emailSchema, name: userName.optional(), password: passwordSchema }))
    .mutation(async ({ ctx, input }) => {
      const user = await setupAdministrator({ db: ctx.db, ...input });
      if (ctx.reqHeaders && ctx.resHeaders) {
        const auth = await authFor(ctx.db, isSecureRequest(ctx.reqHeaders));
        const { headers } = await auth.api.signInEmail({ body: { email: input.email, password: input.password }, headers: ctx.reqHeaders, returnHeaders: true });
        for (const c of headers.getSetCookie()) ctx.resHeaders.append("set-cookie", c);
      }
      return { id: user.id, email: user.email, role: user.role };
    }),

  users: adminProcedure.query(({ ctx }) => listUsers({ db: ctx.db })),
  addUser: adminProcedure
    .input(z.strictObject({ email: emailSchema, name: userName.optional(), role: roleSchema, password: passwordSchema.optional() }))
    .mutation(({ ctx, input }) => createUser({ db: ctx.db, ...input })),
  updateUser: adminProcedure
    .input(z.strictObject({ userId: id, role: roleSchema.optional(), disabled: z.boolean().optional() }))
    .mutation(({ ctx, input }) => updateUser({ db: ctx.db, ...input })),
  setPassword: adminProcedure.input(z.strictObject({ userId: id, password: passwordSchema })).mutation(({ ctx, input }) => setUserPassword({ db: ctx.db, ...input })),

  /** Your tokens; an administrator may ask for everyone's. */
  tokens: viewerProcedure.input(z.strictObject({ all: z.boolean().optional() }).optional()).query(({ ctx, input }) => {
    if (input?.all && !roleAtLeast(ctx.actor.role, "admin")) throw new AppError("FORBIDDEN", "Only an administrator sees everyone's tokens.");
    return listApiTokens({ db: ctx.db, userId: input?.all ? undefined : ctx.actor.id });
  }),
  /**
   * A new token (shown once). For yourself, or for anyone when you are an administrator. Not with a
   * token: a leaked token must not be able to mint tokens that outlive its revocation.
   */
  createToken: viewerProcedure
    .input(z.strictObject({ name: z.string().max(API_LIMITS.tokenNameChars).optional(), userId: id.optional() }))
    .mutation(({ ctx, input }) => {
      if (ctx.actor.via === "token") throw new AppError("FORBIDDEN", "Tokens are created from a signed-in session or the CLI, not with another token.");
      const userId = input.userId ?? ctx.actor.id;
      if (userId !== ctx.actor.id && !roleAtLeast(ctx.actor.role, "admin")) throw new AppError("FORBIDDEN", "Only an administrator creates tokens for other users.");
      return createApiToken({ db: ctx.db, userId, name: input.name, createdById: ctx.actor.id });
    }),
  revokeToken: viewerProcedure
    .input(z.strictObject({ tokenId: id }))
    .mutation(({ ctx, input }) => revokeApiToken({ db: ctx.db, tokenId: input.tokenId, ownerId: roleAtLeast(ctx.actor.role, "admin") ? undefined : ctx.actor.id })),
});
