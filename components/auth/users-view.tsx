"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import { ErrorText, Notice } from "@/components/ui/notice";
import { PageHeader, Section } from "@/components/ui/section";
import { useTRPC } from "@/components/trpc";
import type { Role } from "./permissions";
import { useRole } from "./use-role";
import { Table, TD, TH, THead, TR } from "../ui/table";

/** The administrator's page: add users with a role (and a first password), change roles, disable. */
export function UsersView() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { roles, user, can } = useRole();
  const users = useQuery({ ...trpc.account.users.queryOptions(), enabled: can("manageUsers") });
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.account.users.queryKey() });
  const add = useMutation(trpc.account.addUser.mutationOptions({ onSuccess: refresh }));
  const update = useMutation(trpc.account.updateUser.mutationOptions({ onSuccess: refresh }));
  const [form, setForm] = useState({ email: "", name: "", role: "reviewer" as Role, password: "" });
  if (user && !can("manageUsers"))
    return (
      <div className="mx-auto max-w-4xl p-4">
        <Notice>Users are managed by administrators; you are a {user.role}.</Notice>
      </div>
    );

  return (
    <div className="mx-auto flex max-w-4xl flex-col gap-4 p-4">
      <PageHeader
        title="Users"
        description="Roles include the ones below them: viewer (read), reviewer (review, label, comment, Try), curator (edit, import, filter, datasets), admin (users, tokens, environments)."
      />
      <Section card title="Add a user">
        <form
          className="flex flex-wrap items-end gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            add.mutate({
              email: form.email,
              name: form.name || undefined,
              role: form.role,
              password: form.password || undefined,
            });
            setForm({ ...form, email: "", name: "", password: "" });
          }}
        >
          <Field label="Email">
            <Input
              type="email"
              required
              value={form.email}
              onChange={(e) => setForm({ ...form, email: e.target.value })}
            />
          </Field>
          <Field label="Name">
            <Input value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
          </Field>
          <Field label="Role">
            <Select size="md" value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>
              {roles.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </Select>
          </Field>
          <Field label="First password (empty: single sign-on only)">
            <Input
              type="password"
              autoComplete="new-password"
              value={form.password}
              onChange={(e) => setForm({ ...form, password: e.target.value })}
            />
          </Field>
          <Button type="submit" variant="primary" disabled={add.isPending}>
            Add
          </Button>
        </form>
        {add.error ? <ErrorText>{add.error.message}</ErrorText> : null}
      </Section>
      <Section title="Everyone">
        {update.error ? <ErrorText>{update.error.message}</ErrorText> : null}
        <Table>
          <THead>
            <TH>Email</TH>
            <TH>Name</TH>
            <TH>Role</TH>
            <TH>Signs in with</TH>
            <TH>Tokens</TH>
            <TH />
          </THead>
          <tbody>
            {users.data?.map((u) => (
              <TR key={u.id} className={u.disabledAt ? "text-zinc-400" : ""}>
                <TD>{u.email}</TD>
                <TD>{u.name}</TD>
                <TD>
                  <Select
                    aria-label={`Role of ${u.email}`}
                    value={u.role ?? "viewer"}
                    onChange={(e) => update.mutate({ userId: u.id, role: e.target.value as Role })}
                  >
                    {roles.map((r) => (
                      <option key={r}>{r}</option>
                    ))}
                  </Select>
                </TD>
                <TD>{u.signIn.join(", ") || "—"}</TD>
                <TD>{u.activeTokens}</TD>
                <TD className="text-right">
                  <Button
                    size="sm"
                    variant={u.disabledAt ? "secondary" : "reject"}
                    onClick={() => update.mutate({ userId: u.id, disabled: !u.disabledAt })}
                  >
                    {u.disabledAt ? "Enable" : "Disable"}
                  </Button>
                </TD>
              </TR>
            ))}
          </tbody>
        </Table>
      </Section>
    </div>
  );
}
