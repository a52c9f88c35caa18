// The REST API: every /api/v1 route and its OpenAPI document (server/rest/routes.ts).
import { handleApiRequest } from "@/server/rest/routes";
import { guarded } from "@/server/security/guarded";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const dispatch = guarded((req: Request) => handleApiRequest(req));
export { dispatch as GET, dispatch as POST, dispatch as PUT, dispatch as PATCH, dispatch as DELETE };
