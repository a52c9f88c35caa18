"use client";
// Calls to better-auth's endpoints (/api/auth/*) from the sign-in page and the user menu. Errors come
// back as a message to show; passwords never leave this request.

async function post(
  path: string,
  body: unknown,
): Promise<{ ok: boolean; status: number; data: Record<string, unknown> }> {
  const res = await fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    credentials: "same-origin",
  });
  const data = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  return { ok: res.ok, status: res.status, data };
}

function messageOf(r: { status: number; data: Record<string, unknown> }): string {
  const err = r.data.error as { message?: string } | undefined;
  if (r.status === 429) return err?.message ?? "Too many failed sign-ins: wait a few minutes.";
  if (r.status === 401) return "Wrong email or password.";
  return err?.message ?? (r.data.message as string | undefined) ?? `Sign-in failed (${r.status}).`;
}

export async function signInWithPassword(email: string, password: string): Promise<string | null> {
  const r = await post("/api/auth/sign-in/email", { email, password });
  return r.ok ? null : messageOf(r);
}

/** Starts the OpenID Connect sign-in: the browser goes to the provider and comes back to `next`. */
export async function signInWithOidc(next: string): Promise<string | null> {
  const r = await post("/api/auth/sign-in/social", {
    provider: "oidc",
    callbackURL: next,
    errorCallbackURL: "/sign-in",
  });
  if (r.ok && typeof r.data.url === "string") {
    window.location.assign(r.data.url);
    return null;
  }
  return messageOf(r);
}

export async function signOut(): Promise<void> {
  await post("/api/auth/sign-out", {});
  window.location.assign("/sign-in");
}

/** Only same-site paths: `?next=https://evil.example` must not become an open redirect. */
export function safeNext(next: string | null): string {
  return next?.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/tasks";
}
