// Accounts: who am I, first-start setup, users (administrators), API tokens.
import { ROLES, roleAtLeast } from "../../auth/roles";
import { createApiToken, listApiTokens, revokeApiToken } from "../../auth/tokens";
import { createUser, listUsers, needsSetup, setupAdministrator, setUserPassword, updateUser } from "../../auth/users";
import { serverEnv } from "../../env";
import { AppError } from "../../errors";
import {
  addUserInput,
  createTokenInput,
  createTokenOutput,
  revokedOutput,
  setPasswordInput,
  setupInput,
  statusOutput,
  tokenRef,
  tokensInput,
  tokensOutput,
  updateUserInput,
  user,
  usersOutput,
} from "../contract/accounts";
import { adminProcedure, createTRPCRouter, publicProcedure, viewerProcedure } from "../trpc";

export const accountRouter = createTRPCRouter({
  /** What the sign-in and setup pages need: is there an administrator yet, who am I, is SSO on. */
  status: publicProcedure
    .meta({ output: statusOutput, rest: { method: "GET", path: "/me", summary: "Who you are (email, role)." } })
    .query(async ({ ctx }) => ({
      needsSetup: await needsSetup({ db: ctx.db }),
      user: ctx.actor && { id: ctx.actor.id, email: ctx.actor.email, name: ctx.actor.name, role: ctx.actor.role },
      oidc: serverEnv().oidc ? { name: serverEnv().oidc!.name } : null,
      roles: ROLES,
    })),

  /** First start: creates the administrator and signs them in. Refused once any account exists. */
  setup: publicProcedure.input(setupInput).mutation(async ({ ctx, input }) => {
    const user = await setupAdministrator({ db: ctx.db, ...input });
    if (ctx.reqHeaders && ctx.resHeaders) {
      // Loaded here only: better-auth is heavy and nothing else in the API needs it.
      const { authFor, isSecureRequest } = await import("../../auth/auth");
      const auth = await authFor(ctx.db, isSecureRequest(ctx.reqHeaders));
      const { headers } = await auth.api.signInEmail({
        body: { email: input.email, password: input.password },
        headers: ctx.reqHeaders,
        returnHeaders: true,
      });
      for (const c of headers.getSetCookie()) ctx.resHeaders.append("set-cookie", c);
    }
    return { id: user.id, email: user.email, role: user.role };
  }),

  users: adminProcedure
    .meta({
      output: usersOutput,
      rest: { method: "GET", path: "/users", summary: "Users, their roles and how they sign in (administrators)." },
    })
    .query(({ ctx }) => listUsers({ db: ctx.db })),
  addUser: adminProcedure
    .meta({
      output: user,
      rest: {
        method: "POST",
        path: "/users",
        summary: "Add a user: {email, role, name?, password?} (without a password: OpenID Connect sign-in only).",
      },
    })
    .input(addUserInput)
    .mutation(({ ctx, input }) => createUser({ db: ctx.db, ...input })),
  updateUser: adminProcedure
    .meta({
      output: user,
      rest: {
        method: "PUT",
        path: "/users/{userId}",
        summary: "Change a user's role or disable them: {role?, disabled?}. The last active administrator stays one.",
      },
    })
    .input(updateUserInput)
    .mutation(({ ctx, input }) => updateUser({ db: ctx.db, ...input })),
  setPassword: adminProcedure
    .meta({
      rest: {
        method: "PUT",
        path: "/users/{userId}/password",
        summary: "Set a user's password: {password}; their sessions end.",
      },
    })
    .input(setPasswordInput)
    .mutation(({ ctx, input }) => setUserPassword({ db: ctx.db, ...input })),

  /** Your tokens; an administrator may ask for everyone's. */
  tokens: viewerProcedure
    .meta({
      output: tokensOutput,
      rest: {
        method: "GET",
        path: "/tokens",
        summary: "Your API tokens (?all=true: everyone's, administrators); never the tokens themselves.",
      },
    })
    .input(tokensInput)
    .query(({ ctx, input }) => {
      if (input?.all && !roleAtLeast(ctx.actor.role, "admin"))
        throw new AppError("FORBIDDEN", "Only an administrator sees everyone's tokens.");
      return listApiTokens({ db: ctx.db, userId: input?.all ? undefined : ctx.actor.id });
    }),
  /**
   * A new token (shown once). For yourself, or for anyone when you are an administrator. Not with a
   * token: a leaked token must not be able to mint tokens that outlive its revocation.
   */
  createToken: viewerProcedure
    .meta({
      output: createTokenOutput,
      rest: {
        method: "POST",
        path: "/tokens",
        summary:
          "A new token, shown once: {name?, userId?}. Only from a signed-in session (a token cannot make tokens).",
      },
    })
    .input(createTokenInput)
    .mutation(({ ctx, input }) => {
      if (ctx.actor.via === "token")
        throw new AppError(
          "FORBIDDEN",
          "Tokens are created from a signed-in session or the CLI, not with another token.",
        );
      const userId = input.userId ?? ctx.actor.id;
      if (userId !== ctx.actor.id && !roleAtLeast(ctx.actor.role, "admin"))
        throw new AppError("FORBIDDEN", "Only an administrator creates tokens for other users.");
      return createApiToken({ db: ctx.db, userId, name: input.name, createdById: ctx.actor.id });
    }),
  revokeToken: viewerProcedure
    .meta({
      output: revokedOutput,
      rest: {
        method: "DELETE",
        path: "/tokens/{tokenId}",
        summary: "Revoke a token (yours; any, for administrators): it stops working at once.",
      },
    })
    .input(tokenRef)
    .mutation(({ ctx, input }) =>
      revokeApiToken({
        db: ctx.db,
        tokenId: input.tokenId,
        ownerId: roleAtLeast(ctx.actor.role, "admin") ? undefined : ctx.actor.id,
      }),
    ),
});
