// The four roles. Each includes every role below it: a curator can also review, a reviewer can also
// read. What each may do is decided by the procedure builders in server/api/trpc.ts (tRPC and REST)
// and requireRole in the file routes; the UI hiding a button is never the check.
import { AppError } from "../errors";

export const ROLES = ["viewer", "reviewer", "curator", "admin"] as const;
export type Role = (typeof ROLES)[number];

export function roleAtLeast(role: Role | null | undefined, needed: Role): boolean {
  return !!role && ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

/** Who is acting: a signed-in user (session cookie), a script (API token) or the CLI. */
export interface Actor {
  id: number;
  email: string;
  name: string;
  role: Role;
  via: "session" | "token" | "cli";
}

/** Throws UNAUTHORIZED without an actor and FORBIDDEN when the actor's role is below `needed`. */
export function requireRole(actor: Actor | null, needed: Role): Actor {
  if (!actor) throw new AppError("UNAUTHORIZED", "Sign in, or send an API token as 'Authorization: Bearer …'.");
  if (!roleAtLeast(actor.role, needed))
    throw new AppError("FORBIDDEN", `This needs the ${needed} role; ${actor.email} is a ${actor.role}.`);
  return actor;
}
