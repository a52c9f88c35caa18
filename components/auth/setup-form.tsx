"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import { ErrorText } from "@/components/ui/notice";
import { useTRPC } from "@/components/trpc";

const MIN_PASSWORD = 10;

/** First start: the administrator's account. The server refuses it once any account exists. */
export function SetupForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const status = useQuery(trpc.account.status.queryOptions());
  const setup = useMutation(trpc.account.setup.mutationOptions({ onSuccess: () => window.location.assign("/tasks") }));
  const [form, setForm] = useState({ email: "", name: "", password: "", repeat: "" });
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (status.data && !status.data.needsSetup) router.replace("/sign-in");
  }, [status.data, router]);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (form.password !== form.repeat) return setError("The two passwords differ.");
    if (form.password.length < MIN_PASSWORD) return setError(`A password has at least ${MIN_PASSWORD} characters.`);
    setError(null);
    setup.mutate({ email: form.email, name: form.name || undefined, password: form.password });
  }
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });

  return (
    <form onSubmit={submit} className="mx-auto mt-16 flex w-96 flex-col gap-3" aria-label="Create the administrator">
      <h1 className="text-lg font-semibold">Create the administrator</h1>
      <p className="text-zinc-500">
        This installation has no accounts yet. The administrator adds everyone else (Users page, or{" "}
        <code>npm run -s cli -- user add</code>).
      </p>
      <Field label="Email">
        <Input type="email" autoComplete="username" required value={form.email} onChange={set("email")} />
      </Field>
      <Field label="Name (optional)">
        <Input autoComplete="name" value={form.name} onChange={set("name")} />
      </Field>
      <Field label={`Password (at least ${MIN_PASSWORD} characters)`}>
        <Input type="password" autoComplete="new-password" required value={form.password} onChange={set("password")} />
      </Field>
      <Field label="Password again">
        <Input type="password" autoComplete="new-password" required value={form.repeat} onChange={set("repeat")} />
      </Field>
      {error || setup.error ? <ErrorText>{error ?? setup.error?.message}</ErrorText> : null}
      <Button type="submit" variant="primary" size="lg" disabled={setup.isPending}>
        {setup.isPending ? "Creating…" : "Create the administrator"}
      </Button>
    </form>
  );
}
