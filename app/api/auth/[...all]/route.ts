// Sign-in, sign-out, the session and the OpenID Connect redirects (better-auth; server/auth/http.ts).
import { handleAuthRequest } from "@/server/auth/http";
import { getDb } from "@/server/db/client";
import { guarded } from "@/server/security/guarded";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const handler = guarded(async (req: Request) => handleAuthRequest(await getDb(), req));
export { handler as GET, handler as POST };
