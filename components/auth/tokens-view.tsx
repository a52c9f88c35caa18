"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import { ErrorText, Notice } from "@/components/ui/notice";
import { PageHeader, Section } from "@/components/ui/section";
import { useTRPC } from "@/components/trpc";
import { Table, TD, TH, THead, TR } from "../ui/table";

/** Your API tokens: create one (shown once), see when each was last used, revoke. */
export function TokensView() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const tokens = useQuery(trpc.account.tokens.queryOptions());
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.account.tokens.queryKey() });
  const [name, setName] = useState("");
  const create = useMutation(trpc.account.createToken.mutationOptions({ onSuccess: refresh }));
  const revoke = useMutation(trpc.account.revokeToken.mutationOptions({ onSuccess: refresh }));

  return (
    <div className="mx-auto flex max-w-3xl flex-col gap-4 p-4">
      <PageHeader
        title="API tokens"
        description="Scripts send a token as 'Authorization: Bearer …' and act with your role. A token is shown once; revoking it stops it at once."
      />
      <Section card title="New token">
        <form
          className="flex items-end gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate({ name: name || undefined });
            setName("");
          }}
        >
          <Field label="Name (what it is for)">
            <Input value={name} onChange={(e) => setName(e.target.value)} maxLength={100} />
          </Field>
          <Button type="submit" variant="primary" disabled={create.isPending}>
            Create token
          </Button>
        </form>
        {create.error ? <ErrorText>{create.error.message}</ErrorText> : null}
        {create.data ? (
          <Notice tone="success">
            Copy it now, it is not shown again:{" "}
            <code className="select-all break-all font-mono" data-testid="new-token">
              {create.data.token}
            </code>
          </Notice>
        ) : null}
      </Section>
      <Section title="Your tokens">
        <Table>
          <THead>
            <TH>Name</TH>
            <TH>Starts with</TH>
            <TH>Created</TH>
            <TH>Last used</TH>
            <TH />
          </THead>
          <tbody>
            {tokens.data?.map((t) => (
              <TR key={t.id} className={t.revokedAt ? "text-zinc-400 line-through" : ""}>
                <TD>{t.name}</TD>
                <TD className="font-mono">{t.prefix}…</TD>
                <TD>{new Date(t.createdAt).toLocaleString()}</TD>
                <TD>{t.lastUsedAt ? new Date(t.lastUsedAt).toLocaleString() : "never"}</TD>
                <TD className="text-right">
                  {t.revokedAt ? (
                    "revoked"
                  ) : (
                    <Button size="sm" variant="reject" onClick={() => revoke.mutate({ tokenId: t.id })}>
                      Revoke
                    </Button>
                  )}
                </TD>
              </TR>
            ))}
          </tbody>
        </Table>
      </Section>
    </div>
  );
}
