import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { actorFromRequest } from "@/server/auth/actor";
import { getDb } from "@/server/db/client";
import { AppError } from "@/server/errors";
import { findTaskByRef } from "@/server/tasks/get-task";

export const dynamic = "force-dynamic";

/**
 * /tasks/ENVIRONMENT/EXTERNAL-ID, the way files, the CLI and the API name a task: resolved to its
 * page, /tasks/ID. An external id may hold slashes (hence the catch-all). Resolving reads the
 * database, so the caller must be signed in, as for any other read.
 */
export default async function TaskByExternalId({
  params,
  searchParams,
}: {
  params: Promise<{ ref: string; externalId: string[] }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { ref, externalId } = await params;
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  const environment = decode(ref);
  const id = externalId.map(decode).join("/");
  const db = await getDb();
  const actor = await actorFromRequest(db, new Headers(await headers())).catch(() => null);
  if (!actor) redirect(`/sign-in?next=${encodeURIComponent(`/tasks/${ref}/${externalId.join("/")}`)}`);
  const task = await findTaskByRef({ db, externalId: id, environment }).catch((err: unknown) => {
    if (err instanceof AppError && err.code === "NOT_FOUND") return null;
    throw err;
  });
  if (!task) notFound();
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(await searchParams)) if (typeof v === "string") query.set(k, v);
  redirect(`/tasks/${task.id}${query.size ? `?${query}` : ""}`);
}
