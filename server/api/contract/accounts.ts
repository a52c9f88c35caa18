// Accounts and tokens.
import { z } from "zod";
import { ROLES } from "../../auth/roles";
import { emailSchema, passwordSchema, roleSchema } from "../../auth/users";
import { API_LIMITS } from "../limits";
import { id, moment, nullableMoment, out } from "./common";

const userName = z.string().trim().min(1).max(API_LIMITS.userNameChars);
export const statusOutput = out({
  needsSetup: z.boolean(),
  user: out({ id, email: z.string(), name: z.string(), role: z.enum(ROLES) }).nullable(),
  oidc: out({ name: z.string() }).nullable(),
  roles: z.array(z.enum(ROLES)),
});
export const setupInput = z.strictObject({ email: emailSchema, name: userName.optional(), password: passwordSchema });
export const user = out({
  id,
  email: z.string().nullable(),
  name: z.string(),
  role: z.enum(ROLES).nullable(),
  disabledAt: nullableMoment,
  createdAt: moment,
});
export const usersOutput = z.array(user.extend({ signIn: z.array(z.string()), activeTokens: z.number().int() }));
export const addUserInput = z.strictObject({
  email: emailSchema,
  name: userName.optional(),
  role: roleSchema,
  password: passwordSchema.optional(),
});
export const updateUserInput = z.strictObject({
  userId: id,
  role: roleSchema.optional(),
  disabled: z.boolean().optional(),
});
export const setPasswordInput = z.strictObject({ userId: id, password: passwordSchema });

export const tokensInput = z
  .strictObject({ all: z.boolean().optional().describe("everyone's tokens (administrators)") })
  .optional();
export const tokensOutput = z.array(
  out({
    id,
    name: z.string(),
    prefix: z.string(),
    createdAt: moment,
    lastUsedAt: nullableMoment,
    revokedAt: nullableMoment,
    user: out({ id, email: z.string().nullable() }),
  }),
);
export const createTokenInput = z.strictObject({
  name: z.string().max(API_LIMITS.tokenNameChars).optional(),
  userId: id.optional().describe("another user's token (administrators)"),
});
export const createTokenOutput = out({
  id,
  name: z.string(),
  prefix: z.string(),
  user: z.string(),
  role: z.enum(ROLES),
  token: z.string().describe("shown only in this answer"),
});
export const tokenRef = z.strictObject({ tokenId: id });
export const revokedOutput = out({ revoked: z.boolean() });
