import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "@/server/api/root";
import { createTrpcContext } from "@/server/api/trpc";
import { errorResponse, withLimitedBody } from "@/server/http";
import { guarded } from "@/server/security/guarded";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const handler = guarded((req: Request) => {
  let limited: Request;
  try {
    limited = withLimitedBody(req);
  } catch (err) {
    return errorResponse(err, "tRPC body");
  }
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: limited,
    router: appRouter,
    createContext: createTrpcContext,
  });
});

export { handler as GET, handler as POST };
