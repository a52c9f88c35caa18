"use client";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { when } from "../format";
import { useTRPC, type RouterOutputs } from "../trpc";
import { Badge } from "../ui/badge";
import { Select } from "../ui/field";
import { Section } from "../ui/section";
import { CompareRevisions } from "./revision-diff";

type Entry = RouterOutputs["review"]["history"]["entries"][number];

/** Every revision, run and review event, newest first; any two revisions compared. */
export function HistoryPanel({ taskId }: { taskId: number }) {
  const trpc = useTRPC();
  const history = useQuery(trpc.review.history.queryOptions({ taskId }));
  const [compare, setCompare] = useState<{ a?: number; b?: number }>({});
  const revisions = history.data?.revisions ?? [];
  return (
    <Section title="History" aria-label="History">
      {revisions.length > 1 ? (
        <div className="flex flex-wrap items-center gap-1 text-xs">
          Compare revision
          {(["a", "b"] as const).map((side) => (
            <Select
              key={side}
              aria-label={`Compare revision ${side === "a" ? "from" : "to"}`}
              className="bg-transparent"
              value={compare[side] ?? ""}
              onChange={(e) => setCompare({ ...compare, [side]: e.target.value ? Number(e.target.value) : undefined })}
            >
              <option value="">—</option>
              {revisions.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.number} ({r.source})
                </option>
              ))}
            </Select>
          ))}
        </div>
      ) : null}
      {compare.a && compare.b ? <CompareRevisions taskId={taskId} a={compare.a} b={compare.b} /> : null}
      <ol className="flex flex-col gap-1.5 text-xs" data-testid="history">
        {history.data?.entries.map((e) => (
          <HistoryEntry key={e.key} e={e} />
        ))}
      </ol>
    </Section>
  );
}

function HistoryEntry({ e }: { e: Entry }) {
  const d = e.decision;
  return (
    <li className="flex flex-col border-l-2 border-zinc-200 pl-2 dark:border-zinc-800">
      <span className="flex flex-wrap items-center gap-1">
        <span className="font-medium">{e.who}</span> {e.text}
        {d?.supersededBy ? (
          <span className="text-amber-700 dark:text-amber-400">— superseded by r{d.supersededBy}</span>
        ) : null}
        {d?.run?.verdict ? (
          <span className="text-zinc-500">
            (verdict {d.run.verdict}
            {d.run.reason ? `, ${d.run.reason.replaceAll("_", " ")}` : ""}, run #{d.run.id})
          </span>
        ) : null}
        {d?.override ? <Badge tone="purple">override</Badge> : null}
      </span>
      {e.body ? (
        <p className="whitespace-pre-wrap break-words rounded bg-zinc-50 p-1.5 dark:bg-zinc-900">
          {d?.override ? <span className="font-medium">Reason: </span> : null}
          {e.body}
        </p>
      ) : null}
      <time className="text-[11px] text-zinc-500" dateTime={e.at}>
        {when(e.at)}
      </time>
    </li>
  );
}
