"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Checkbox, Field, Input, Select } from "@/components/ui/field";
import { ErrorText, Notice } from "@/components/ui/notice";
import { PageHeader, Section } from "@/components/ui/section";
import { Table, TD, TH, THead, TR } from "@/components/ui/table";
import { useTRPC } from "@/components/trpc";
import { useRole } from "./use-role";

type Scope = { dataset?: string; batch?: string };
const fmt = (k: number | null) => (k === null ? "—" : k.toFixed(3));

/**
 * Several reviewers per task: the review policy of a dataset or batch, round-robin assignment,
 * agreement (Cohen's κ for two reviewers, Fleiss' κ for more) and the disagreements to adjudicate.
 */
export function ReviewingView() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [kind, setKind] = useState<"dataset" | "batch">("batch");
  const [name, setName] = useState("");
  const scope: Scope = name ? { [kind]: name } : {};
  const { can } = useRole();
  const policies = useQuery(trpc.reviewers.policies.queryOptions());
  const agreement = useQuery(trpc.reviewers.agreement.queryOptions(scope));
  const disagreements = useQuery(trpc.reviewers.disagreements.queryOptions(scope));
  const reviewers = useQuery({ ...trpc.reviewers.reviewers.queryOptions(), enabled: can("assignReviewers") });
  const refresh = () => qc.invalidateQueries();
  const setPolicy = useMutation(trpc.reviewers.setPolicy.mutationOptions({ onSuccess: refresh }));
  const assign = useMutation(trpc.reviewers.assign.mutationOptions({ onSuccess: refresh }));
  const decide = useMutation(trpc.review.decide.mutationOptions({ onSuccess: refresh }));
  const [policy, setPolicyForm] = useState({ approvals: 2, noRejection: true, blind: false, reviewersPerTask: 2 });
  const [picked, setPicked] = useState<number[]>([]);
  const raterName = (id: number) => agreement.data?.raters.find((r) => r.id === id)?.name ?? String(id);

  return (
    <div className="mx-auto flex max-w-5xl flex-col gap-4 p-4">
      <PageHeader
        title="Reviewing"
        description="Review policies, assignment, agreement between reviewers and the disagreements a curator adjudicates."
      />
      <div className="flex flex-wrap items-end gap-2">
        <Field label="Scope">
          <Select size="md" value={kind} onChange={(e) => setKind(e.target.value as "dataset" | "batch")}>
            <option value="batch">batch</option>
            <option value="dataset">dataset</option>
          </Select>
        </Field>
        <Field label={`${kind} name (empty: every task)`}>
          <Input value={name} onChange={(e) => setName(e.target.value.trim())} />
        </Field>
      </div>

      <Section card title="Review policies">
        <Table>
          <THead>
            <TH>For</TH>
            <TH numeric>Approvals</TH>
            <TH>No rejection</TH>
            <TH>Blind</TH>
            <TH numeric>Reviewers per task</TH>
          </THead>
          <tbody>
            {policies.data?.map((p) => (
              <TR key={p.id}>
                <TD>{p.dataset ? `dataset ${p.dataset}` : `batch ${p.batch}`}</TD>
                <TD numeric>{p.approvals}</TD>
                <TD>{p.noRejection ? "yes" : "no"}</TD>
                <TD>{p.blind ? "yes" : "no"}</TD>
                <TD numeric>{p.reviewersPerTask}</TD>
              </TR>
            ))}
          </tbody>
        </Table>
        {can("setReviewPolicy") && name ? (
          <form
            className="flex flex-wrap items-end gap-2"
            onSubmit={(e) => {
              e.preventDefault();
              setPolicy.mutate({ ...scope, ...policy });
            }}
          >
            <Field label="Approvals">
              <Input
                type="number"
                min={1}
                max={10}
                value={policy.approvals}
                onChange={(e) => setPolicyForm({ ...policy, approvals: Number(e.target.value) })}
                className="w-16"
              />
            </Field>
            <Field label="Reviewers per task">
              <Input
                type="number"
                min={1}
                max={10}
                value={policy.reviewersPerTask}
                onChange={(e) => setPolicyForm({ ...policy, reviewersPerTask: Number(e.target.value) })}
                className="w-16"
              />
            </Field>
            <Field inline label="no rejection">
              <Checkbox
                checked={policy.noRejection}
                onChange={(e) => setPolicyForm({ ...policy, noRejection: e.target.checked })}
              />
            </Field>
            <Field inline label="blind">
              <Checkbox
                checked={policy.blind}
                onChange={(e) => setPolicyForm({ ...policy, blind: e.target.checked })}
              />
            </Field>
            <Button type="submit" variant="primary">
              Set the policy of {kind} {name}
            </Button>
            {setPolicy.error ? <ErrorText>{setPolicy.error.message}</ErrorText> : null}
          </form>
        ) : null}
      </Section>

      {can("assignReviewers") && name ? (
        <Section card title={`Assign the tasks of ${kind} ${name}`}>
          <div className="flex flex-wrap gap-3">
            {reviewers.data?.map((r) => (
              <Field inline key={r.id} label={`${r.name} (${r.role})`}>
                <Checkbox
                  checked={picked.includes(r.id)}
                  onChange={(e) => setPicked(e.target.checked ? [...picked, r.id] : picked.filter((x) => x !== r.id))}
                />
              </Field>
            ))}
          </div>
          <div className="flex items-center gap-2">
            <Button
              variant="primary"
              disabled={!picked.length || assign.isPending}
              onClick={() =>
                assign.mutate({
                  selection: { filter: kind === "batch" ? { batch: name } : { dataset: name } },
                  reviewerIds: picked,
                  mode: "round_robin",
                  perTask: Math.min(policy.reviewersPerTask, picked.length),
                })
              }
            >
              Round-robin, {Math.min(policy.reviewersPerTask, picked.length || 1)} per task
            </Button>
            {assign.data ? <span>{assign.data.assigned} assignments made</span> : null}
            {assign.error ? <ErrorText>{assign.error.message}</ErrorText> : null}
          </div>
        </Section>
      ) : null}

      <Section card title="Agreement">
        {agreement.data && agreement.data.items === 0 ? (
          <Notice>No task has decisions from two reviewers on its current revision yet.</Notice>
        ) : null}
        {agreement.data && agreement.data.items > 0 ? (
          <Table aria-label="Agreement">
            <THead>
              <TH>Of</TH>
              <TH>Measure</TH>
              <TH numeric>Tasks</TH>
              <TH numeric>Observed</TH>
              <TH numeric>By chance</TH>
              <TH numeric>κ</TH>
            </THead>
            <tbody>
              {[
                { name: "the decision", ...agreement.data.decision },
                ...agreement.data.labels.map((l) => ({ ...l, name: `label “${l.name}”` })),
              ].map((k) => (
                <TR key={k.name}>
                  <TD>{k.name}</TD>
                  <TD>{k.method === "cohen" ? "Cohen's κ" : "Fleiss' κ"}</TD>
                  <TD numeric>{k.items}</TD>
                  <TD numeric>{fmt(k.observed)}</TD>
                  <TD numeric>{fmt(k.expected)}</TD>
                  <TD numeric>{fmt(k.kappa)}</TD>
                </TR>
              ))}
              {agreement.data.pairs.length > 1
                ? agreement.data.pairs.map((p) => (
                    <TR key={`${p.a}-${p.b}`}>
                      <TD>
                        {raterName(p.a)} · {raterName(p.b)}
                      </TD>
                      <TD>Cohen's κ (pair)</TD>
                      <TD numeric>{p.items}</TD>
                      <TD numeric>{fmt(p.observed)}</TD>
                      <TD numeric>{fmt(p.expected)}</TD>
                      <TD numeric>{fmt(p.kappa)}</TD>
                    </TR>
                  ))
                : null}
            </tbody>
          </Table>
        ) : null}
      </Section>

      <Section card title={`Disagreements (${disagreements.data?.length ?? 0})`}>
        {decide.error ? <ErrorText>{decide.error.message}</ErrorText> : null}
        <Table>
          <THead>
            <TH>Task</TH>
            <TH>Decisions</TH>
            <TH />
          </THead>
          <tbody>
            {disagreements.data?.map((d) => (
              <TR key={d.id}>
                <TD>
                  <Link className="text-sky-700 hover:underline dark:text-sky-400" href={`/tasks/${d.id}`}>
                    {d.externalId}
                  </Link>{" "}
                  r{d.revision}
                </TD>
                <TD>{d.decisions.map((x) => `${x.name}: ${x.decision.replace("_", " ")}`).join(" · ")}</TD>
                <TD className="text-right">
                  {can("adjudicate") ? (
                    <span className="inline-flex gap-1">
                      <Button
                        size="sm"
                        variant="approve"
                        onClick={() => decide.mutate({ taskId: d.id, decision: "approve", adjudicate: true })}
                      >
                        Approve
                      </Button>
                      <Button
                        size="sm"
                        variant="reject"
                        onClick={() => decide.mutate({ taskId: d.id, decision: "reject", adjudicate: true })}
                      >
                        Reject
                      </Button>
                    </span>
                  ) : null}
                </TD>
              </TR>
            ))}
          </tbody>
        </Table>
      </Section>
    </div>
  );
}
