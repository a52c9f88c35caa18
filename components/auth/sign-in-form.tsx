"use client";
import { useQuery } from "@tanstack/react-query";
import { useRouter, useSearchParams } from "next/navigation";
import { useEffect, useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import { ErrorText } from "@/components/ui/notice";
import { useTRPC } from "@/components/trpc";
import { safeNext, signInWithOidc, signInWithPassword } from "./auth-client";

/** Email and password, and the single sign-on button when one is configured. */
export function SignInForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const next = safeNext(useSearchParams().get("next"));
  const status = useQuery(trpc.account.status.queryOptions());
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (status.data?.needsSetup) router.replace("/setup");
    else if (status.data?.user) router.replace(next);
  }, [status.data, router, next]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const problem = await signInWithPassword(email, password);
    setBusy(false);
    if (problem) setError(problem);
    else window.location.assign(next); // a full load: every query starts again as the new user
  }

  return (
    <form onSubmit={submit} className="mx-auto mt-16 flex w-80 flex-col gap-3" aria-label="Sign in">
      <h1 className="text-lg font-semibold">Sign in to CaT Curator</h1>
      <Field label="Email">
        <Input type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
      </Field>
      <Field label="Password">
        <Input
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </Field>
      {error ? <ErrorText>{error}</ErrorText> : null}
      <Button type="submit" variant="primary" size="lg" disabled={busy}>
        {busy ? "Signing in…" : "Sign in"}
      </Button>
      {status.data?.oidc ? (
        <Button size="lg" disabled={busy} onClick={async () => setError(await signInWithOidc(next))}>
          Sign in with {status.data.oidc.name}
        </Button>
      ) : null}
    </form>
  );
}
