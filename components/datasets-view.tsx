"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { TextDiff } from "./editor/text-diff";
import { renderTask } from "./editor/render-task";
import { useTRPC, type RouterOutputs } from "./trpc";

type Dataset = RouterOutputs["dataset"]["list"][number];

export function DatasetsView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.dataset.list.queryOptions());
  const [name, setName] = useState("");
  const create = useMutation(trpc.dataset.create.mutationOptions({ onSuccess: () => { setName(""); return queryClient.invalidateQueries({ queryKey: trpc.dataset.pathKey() }); } }));
  return (
    <div className="mx-auto flex max-w-5xl flex-col gap-6 px-4 py-6">
      <div>
        <h1 className="text-lg font-semibold">Datasets</h1>
        <p className="text-zinc-500">
          Add approved tasks from the <Link className="text-sky-700 underline dark:text-sky-400" href="/tasks?review=approved">task list</Link> (select rows or all matching, then
          “Add to dataset”). Publishing freezes a version: the exact revisions and verdicts, never changed by later edits.
        </p>
      </div>
      <form className="flex items-end gap-2" onSubmit={(e) => { e.preventDefault(); if (name.trim()) create.mutate({ name }); }}>
        <label className="flex flex-col gap-1 text-xs text-zinc-500">
          New dataset
          <input className="w-64 rounded border border-zinc-300 bg-white px-2 py-1 text-sm text-zinc-900 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100" value={name} onChange={(e) => setName(e.target.value)} placeholder="retail-curated" aria-label="New dataset name" />
        </label>
        <button type="submit" className="rounded bg-sky-600 px-3 py-1.5 text-xs font-medium text-white">Create</button>
        {create.error ? <span className="text-xs text-rose-600" role="alert">{create.error.message}</span> : null}
      </form>
      {list.data?.map((d) => <DatasetCard key={d.id} d={d} />)}
      {list.data?.length === 0 ? <p className="text-zinc-500">No datasets yet.</p> : null}
    </div>
  );
}

function DatasetCard({ d }: { d: Dataset }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [notes, setNotes] = useState("");
  const [vname, setVname] = useState("");
  const [diff, setDiff] = useState<{ from: number; to: number } | null>(null);
  const publish = useMutation(trpc.dataset.publish.mutationOptions({ onSuccess: () => { setNotes(""); setVname(""); return queryClient.invalidateQueries({ queryKey: trpc.dataset.pathKey() }); } }));
  return (
    <section className="flex flex-col gap-2 rounded border border-zinc-200 p-3 dark:border-zinc-800" data-testid="dataset">
      <h2 className="flex items-baseline gap-3">
        <span className="text-base font-semibold">{d.name}</span>
        <span className="text-xs text-zinc-500" data-testid="working-set">{d.taskCount.toLocaleString()} tasks in the working set</span>
      </h2>
      <form className="flex flex-wrap items-end gap-2" onSubmit={(e) => { e.preventDefault(); publish.mutate({ dataset: d.name, name: vname || undefined, notes: notes || undefined }); }}>
        <input className="w-40 rounded border border-zinc-300 bg-transparent px-2 py-1 text-xs dark:border-zinc-700" placeholder="version name (optional)" value={vname} onChange={(e) => setVname(e.target.value)} aria-label={`Version name for ${d.name}`} />
        <input className="w-80 rounded border border-zinc-300 bg-transparent px-2 py-1 text-xs dark:border-zinc-700" placeholder="notes" value={notes} onChange={(e) => setNotes(e.target.value)} aria-label={`Notes for ${d.name}`} />
        <button type="submit" disabled={publish.isPending} className="rounded bg-emerald-600 px-2.5 py-1 text-xs font-medium text-white disabled:opacity-50" data-testid="publish">
          Publish version {(d.versions[0]?.number ?? 0) + 1}
        </button>
        {publish.error ? <span className="text-xs text-rose-600" role="alert">{publish.error.message}</span> : null}
      </form>
      {d.versions.length ? (
        <table className="w-full text-left text-xs">
          <thead className="text-[11px] uppercase tracking-wide text-zinc-500">
            <tr>
              <th className="py-1 font-medium">Version</th>
              <th className="py-1 font-medium">Tasks</th>
              <th className="py-1 font-medium">Published</th>
              <th className="py-1 font-medium">Notes</th>
              <th className="py-1 font-medium">Download</th>
            </tr>
          </thead>
          <tbody>
            {d.versions.map((v, i) => (
              <tr key={v.id} className="border-t border-zinc-100 align-top dark:border-zinc-900" data-testid="version">
                <td className="py-1 font-medium">
                  v{v.number}
                  {v.name ? ` · ${v.name}` : ""}
                </td>
                <td className="py-1 tabular-nums">{v.taskCount}</td>
                <td className="py-1 text-zinc-500">
                  {new Date(v.createdAt).toLocaleString()} by {v.author.name}
                </td>
                <td className="py-1 whitespace-pre-wrap">{v.notes}</td>
                <td className="flex gap-2 py-1">
                  {(["jsonl", "parquet", "hf"] as const).map((f) => (
                    <a key={f} className="text-sky-700 underline dark:text-sky-400" href={`/api/datasets/${encodeURIComponent(`${d.name}@${v.number}`)}/export?format=${f}`} download>
                      {f === "hf" ? "HF folder" : f}
                    </a>
                  ))}
                  <BackgroundExport dataset={d.name} version={v.number} />
                  {d.versions[i + 1] ? (
                    <button type="button" className="text-zinc-600 underline dark:text-zinc-400" onClick={() => setDiff({ from: d.versions[i + 1]!.number, to: v.number })}>
                      diff vs v{d.versions[i + 1]!.number}
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="text-xs text-zinc-500">Not published yet.</p>
      )}
      {diff ? <VersionDiffView dataset={d.name} from={diff.from} to={diff.to} /> : null}
    </section>
  );
}

function VersionDiffView({ dataset, from, to }: { dataset: string; from: number; to: number }) {
  const trpc = useTRPC();
  const diff = useQuery(trpc.dataset.diff.queryOptions({ dataset, from, to }));
  const [open, setOpen] = useState<{ id: string; from: number; to: number } | null>(null);
  if (!diff.data) return <p className="text-xs text-zinc-500">Loading…</p>;
  const { added, removed, changed } = diff.data;
  return (
    <div className="flex flex-col gap-1 text-xs" data-testid="version-diff">
      <p>
        v{from} → v{to}: <span className="text-emerald-700">{added.length} added</span> · <span className="text-rose-700">{removed.length} removed</span> · {changed.length} changed
      </p>
      {added.length ? <p className="text-emerald-700">+ {added.map((a) => a.externalId).join(", ")}</p> : null}
      {removed.length ? <p className="text-rose-700">− {removed.map((a) => a.externalId).join(", ")}</p> : null}
      {changed.map((c) => (
        <button key={c.externalId} type="button" className="w-fit text-left underline" onClick={() => setOpen({ id: c.externalId, from: c.from, to: c.to })}>
          ~ {c.externalId}: show the code diff
        </button>
      ))}
      {open ? <RevisionPairDiff taskExternalId={open.id} from={open.from} to={open.to} /> : null}
    </div>
  );
}

function RevisionPairDiff({ taskExternalId, from, to }: { taskExternalId: string; from: number; to: number }) {
  const trpc = useTRPC();
  const revs = useQuery(trpc.dataset.revisionPair.queryOptions({ taskExternalId, from, to }));
  const a = revs.data?.find((r) => r.id === from);
  const b = revs.data?.find((r) => r.id === to);
  if (!a || !b) return <p className="text-zinc-500">Loading…</p>;
  return <TextDiff original={renderTask(a)} modified={renderTask(b)} label={`${taskExternalId}: revision ${a.number} → ${b.number}`} height={360} />;
}

/** Starts an export as a background job and follows it to the download. */
function BackgroundExport({ dataset, version }: { dataset: string; version: number }) {
  const trpc = useTRPC();
  const [exportId, setExportId] = useState<number | null>(null);
  const start = useMutation(trpc.dataset.export.mutationOptions({ onSuccess: (r) => setExportId(r.exportId) }));
  const status = useQuery({
    ...trpc.dataset.exportStatus.queryOptions({ exportId: exportId ?? 0 }),
    enabled: exportId !== null,
    refetchInterval: (q) => (q.state.data && (q.state.data.status === "done" || q.state.data.status === "failed") ? false : 1000),
  });
  const s = status.data;
  return (
    <span className="flex items-center gap-1" data-testid="background-export">
      <select
        aria-label={`Export ${dataset} v${version} in the background`}
        className="rounded border border-zinc-300 bg-transparent px-1 dark:border-zinc-700"
        value=""
        onChange={(e) => e.target.value && start.mutate({ dataset, version, format: e.target.value as "jsonl" | "parquet" | "hf" })}
      >
        <option value="">background export…</option>
        <option value="jsonl">jsonl</option>
        <option value="parquet">parquet</option>
        <option value="hf">HF folder</option>
      </select>
      {s && !s.ready && s.status !== "failed" ? <span className="tabular-nums text-zinc-500">{s.done}/{s.total}</span> : null}
      {s?.status === "failed" ? <span className="text-rose-600">{s.error}</span> : null}
      {s?.ready ? (
        <a className="text-sky-700 underline dark:text-sky-400" href={`/api/exports/${s.id}/download`} download>
          {s.fileName}
        </a>
      ) : null}
    </span>
  );
}
