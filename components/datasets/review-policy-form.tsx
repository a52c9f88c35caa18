"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { when } from "../format";
import { type RouterOutputs, useTRPC } from "../trpc";
import { Button } from "../ui/button";
import { Checkbox, Field, Input } from "../ui/field";
import { ErrorText } from "../ui/notice";
import { Section } from "../ui/section";
import { policyText } from "./review-policy-text";

type Policy = RouterOutputs["reviewers"]["policies"][number];
// API_LIMITS.reviewersPerTask: the server refuses more.
const MAX_REVIEWERS = 10;

/**
 * The dataset's review policy: how many distinct approvals a task needs to be published, whether
 * one rejection keeps it out until a curator adjudicates, blind review, and how many reviewers
 * round-robin assignment gives each task. Curators set it (`canEdit`); everyone reads it.
 */
export function ReviewPolicySection({ dataset, canEdit }: { dataset: string; canEdit: boolean }) {
  const trpc = useTRPC();
  const policies = useQuery(trpc.reviewers.policies.queryOptions());
  const policy = policies.data?.find((p) => p.dataset === dataset);
  return (
    <Section card title="Review policy" aria-label="Review policy">
      <p className="text-xs" data-testid="review-policy">
        {policy ? (
          <>
            <span className="font-medium">{policyText(policy)}</span>{" "}
            <span className="text-zinc-500">
              (set by {policy.updatedBy}, {when(policy.updatedAt)})
            </span>
          </>
        ) : policies.data ? (
          "None: one reviewer's approval is enough (a batch's policy applies to its tasks where the dataset has none)."
        ) : (
          "…"
        )}{" "}
        <Link className="text-sky-700 underline dark:text-sky-400" href="/reviewing">
          Assignment, agreement and disagreements
        </Link>
      </p>
      {canEdit && policies.data ? <PolicyForm key={policy?.id ?? 0} dataset={dataset} policy={policy} /> : null}
    </Section>
  );
}

/** Starts from the stored policy (remounted by its key when that changes), else "2 approvals". */
function PolicyForm({ dataset, policy }: { dataset: string; policy: Policy | undefined }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [form, setForm] = useState({
    approvals: policy?.approvals ?? 2,
    noRejection: policy?.noRejection ?? true,
    blind: policy?.blind ?? false,
    reviewersPerTask: policy?.reviewersPerTask ?? 2,
  });
  // What publishing would take changes with the policy.
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.reviewers.policies.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.dataset.previewPublish.pathKey() }),
    ]);
  const save = useMutation(trpc.reviewers.setPolicy.mutationOptions({ onSuccess: refresh }));
  const clear = useMutation(trpc.reviewers.clearPolicy.mutationOptions({ onSuccess: refresh }));
  const number = (v: string) => Math.max(1, Math.min(MAX_REVIEWERS, Math.round(Number(v) || 1)));
  return (
    <form
      className="flex flex-wrap items-end gap-3"
      aria-label="Set the review policy"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({ dataset, ...form });
      }}
    >
      <Field label="Approvals required">
        <Input
          type="number"
          min={1}
          max={MAX_REVIEWERS}
          className="w-20"
          value={form.approvals}
          onChange={(e) => {
            const approvals = number(e.target.value);
            setForm({ ...form, approvals, reviewersPerTask: Math.max(approvals, form.reviewersPerTask) });
          }}
        />
      </Field>
      <Field label="Reviewers per task" hint="for round-robin assignment">
        <Input
          type="number"
          min={form.approvals}
          max={MAX_REVIEWERS}
          className="w-20"
          value={form.reviewersPerTask}
          onChange={(e) => setForm({ ...form, reviewersPerTask: Math.max(form.approvals, number(e.target.value)) })}
        />
      </Field>
      <Field inline label="No rejection: one reject or needs edit keeps a task out until a curator adjudicates">
        <Checkbox checked={form.noRejection} onChange={(e) => setForm({ ...form, noRejection: e.target.checked })} />
      </Field>
      <Field inline label="Blind: reviewers see others' decisions only after their own">
        <Checkbox checked={form.blind} onChange={(e) => setForm({ ...form, blind: e.target.checked })} />
      </Field>
      <Button type="submit" variant="primary" disabled={save.isPending}>
        {policy ? "Update the policy" : "Set the policy"}
      </Button>
      {policy ? (
        <Button variant="link" size="xs" disabled={clear.isPending} onClick={() => clear.mutate({ dataset })}>
          remove it
        </Button>
      ) : null}
      {save.error ? <ErrorText>{save.error.message}</ErrorText> : null}
      {clear.error ? <ErrorText>{clear.error.message}</ErrorText> : null}
    </form>
  );
}
