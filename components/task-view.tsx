"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { ReviewBadge, VerdictBadge } from "./badges";
import { CodeView } from "./code-view";
import { useTRPC } from "./trpc";

function Section({ title, children, aside }: { title: string; children: React.ReactNode; aside?: React.ReactNode }) {
  return (
    <section className="flex flex-col gap-1.5">
      <h2 className="flex items-baseline gap-2 text-xs font-semibold uppercase tracking-wide text-zinc-500">
        {title}
        {aside}
      </h2>
      {children}
    </section>
  );
}

export function TaskView({ id, backQuery }: { id: number; backQuery: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const task = useQuery(trpc.task.get.queryOptions({ id }));
  const back = `/tasks${backQuery ? `?${backQuery}` : ""}`;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.target as HTMLElement).closest("input, textarea, select, .monaco-editor")) return;
      if (e.key === "Escape" || e.key === "u") router.push(back);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [router, back]);

  if (task.isPending) return <p className="p-4 text-zinc-500">Loading…</p>;
  if (task.error) {
    return (
      <div className="p-4">
        <p className="text-rose-600">{task.error.message}</p>
        <Link href={back} className="text-sky-700 underline dark:text-sky-400">Back to the list</Link>
      </div>
    );
  }
  const t = task.data;
  const r = t.currentRevision;
  return (
    <div className="mx-auto flex max-w-6xl flex-col gap-5 px-4 py-4">
      <div className="flex flex-wrap items-center gap-3">
        <Link href={back} className="text-xs text-sky-700 hover:underline dark:text-sky-400" title="Back (Esc)">
          ← Tasks
        </Link>
        <h1 className="font-mono text-base font-semibold">{t.externalId}</h1>
        <VerdictBadge status={t.verdictStatus} reason={t.verdictReason} />
        <ReviewBadge status={t.reviewStatus} />
        <dl className="ml-auto flex gap-4 text-xs text-zinc-500">
          <div><dt className="inline">Environment </dt><dd className="inline font-medium text-zinc-800 dark:text-zinc-200">{t.environment.name}</dd></div>
          <div><dt className="inline">Batch </dt><dd className="inline font-medium text-zinc-800 dark:text-zinc-200">{t.batch?.name ?? "—"}</dd></div>
          <div><dt className="inline">Revisions </dt><dd className="inline font-medium text-zinc-800 dark:text-zinc-200" data-testid="revision-count">{t.revisionCount}</dd></div>
        </dl>
      </div>
      {!r ? (
        <p className="text-zinc-500">This task has no revision.</p>
      ) : (
        <>
          <Section title="Instruction">
            <p className="whitespace-pre-wrap rounded border border-zinc-200 bg-zinc-50 p-3 text-[13px] leading-relaxed dark:border-zinc-800 dark:bg-zinc-900" data-testid="instruction">
              {r.instruction}
            </p>
          </Section>
          <Section title="Verifier">
            <CodeView code={r.verifier} label="Verifier" />
          </Section>
          <Section title="Solution">
            <CodeView code={r.solution} label="Solution" />
          </Section>
          <Section title="Failure cases" aside={<span className="font-normal normal-case tracking-normal">{r.failureCases.length}</span>}>
            {r.failureCases.length === 0 ? <p className="text-xs text-zinc-500">None: a task needs at least one failure case to be accepted.</p> : null}
            <ol className="flex flex-col gap-2">
              {r.failureCases.map((fc, i) => (
                <li key={i} className="flex flex-col gap-1">
                  <span className="text-[11px] text-zinc-500">Failure case {i + 1}</span>
                  <CodeView code={fc} label={`Failure case ${i + 1}`} maxLines={20} />
                </li>
              ))}
            </ol>
          </Section>
          <Section title="Metadata">
            {r.metadata ? (
              <pre className="overflow-x-auto rounded border border-zinc-200 bg-zinc-50 p-3 font-mono text-xs dark:border-zinc-800 dark:bg-zinc-900">{JSON.stringify(r.metadata, null, 2)}</pre>
            ) : (
              <p className="text-xs text-zinc-500">None.</p>
            )}
          </Section>
          <p className="text-[11px] text-zinc-400">
            Revision {r.number} ({r.source}) by {r.author.name}, {new Date(r.createdAt).toLocaleString()} · Esc: back to the list
          </p>
        </>
      )}
    </div>
  );
}
