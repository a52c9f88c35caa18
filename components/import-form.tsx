"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRef, useState } from "react";
import type { ImportSummary } from "@/server/tasks/import-tasks";
import { useTRPC } from "./trpc";

type Summary = ImportSummary;

type Upload =
  | { state: "idle" }
  | { state: "uploading"; file: string; loaded: number; total: number }
  | { state: "done"; file: string; summary: Summary }
  | { state: "error"; file: string; message: string };

/** Streams the file as the request body; the server parses while it arrives, so this is the import's progress. */
function uploadFile(url: string, file: File, onProgress: (loaded: number, total: number) => void): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("content-type", "application/octet-stream");
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      try {
        resolve({ status: xhr.status, body: JSON.parse(xhr.responseText) });
      } catch {
        reject(new Error(`The server answered ${xhr.status} without a readable result.`));
      }
    };
    xhr.onerror = () => reject(new Error("The upload failed: the server could not be reached."));
    xhr.send(file);
  });
}

export function ImportForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const imports = useQuery(trpc.imports.list.queryOptions());
  const [upload, setUpload] = useState<Upload>({ state: "idle" });
  const [batchName, setBatchName] = useState("");
  const [defaultEnv, setDefaultEnv] = useState("");
  const [runFilter, setRunFilter] = useState(true);
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  const start = async (file: File) => {
    setUpload({ state: "uploading", file: file.name, loaded: 0, total: file.size });
    const params = new URLSearchParams({ fileName: file.name });
    if (batchName.trim()) params.set("batch", batchName.trim());
    if (defaultEnv.trim()) params.set("env", defaultEnv.trim());
    if (runFilter) params.set("filter", "1");
    try {
      const res = await uploadFile(`/api/import?${params}`, file, (loaded, total) => setUpload({ state: "uploading", file: file.name, loaded, total }));
      const body = res.body as Summary | { error: { message: string } };
      if ("error" in body) setUpload({ state: "error", file: file.name, message: body.error.message });
      else setUpload({ state: "done", file: file.name, summary: body });
    } catch (err) {
      setUpload({ state: "error", file: file.name, message: (err as Error).message });
    }
    setBatchName("");
    await Promise.all([queryClient.invalidateQueries({ queryKey: trpc.imports.pathKey() }), queryClient.invalidateQueries({ queryKey: trpc.task.pathKey() })]);
  };

  const pct = upload.state === "uploading" && upload.total ? Math.round((100 * upload.loaded) / upload.total) : 0;
  return (
    <div className="mx-auto flex max-w-4xl flex-col gap-6 px-4 py-6">
      <div>
        <h1 className="text-lg font-semibold">Import tasks</h1>
        <p className="text-zinc-500">
          CaT JSON Lines (<code>.jsonl</code>, one task per line) or the challenger&apos;s tagged text (<code>.txt</code>). Each line is checked; bad lines are
          listed with their line number and skipped, good lines are kept. Re-importing a task id only adds a revision when its content changed, and an
          import into an existing batch appends to it (so a fixed file can go into the same batch again).
        </p>
      </div>
      <div className="flex flex-wrap gap-4">
        <label className="flex flex-col gap-1 text-xs text-zinc-500">
          Batch name (optional)
          <input className="w-64 rounded border border-zinc-300 bg-white px-2 py-1 text-sm text-zinc-900 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100" value={batchName} onChange={(e) => setBatchName(e.target.value)} placeholder="from the file name and time" />
        </label>
        <label className="flex flex-col gap-1 text-xs text-zinc-500">
          Environment for tagged text without an &lt;environment&gt; tag
          <input className="w-64 rounded border border-zinc-300 bg-white px-2 py-1 text-sm text-zinc-900 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100" value={defaultEnv} onChange={(e) => setDefaultEnv(e.target.value)} placeholder="e.g. retail" />
        </label>
        <label className="flex items-center gap-2 self-end pb-1 text-xs text-zinc-600 dark:text-zinc-400">
          <input type="checkbox" checked={runFilter} onChange={(e) => setRunFilter(e.target.checked)} data-testid="import-run-filter" />
          Run the filter on the imported tasks
        </label>
      </div>
      <div
        role="button"
        tabIndex={0}
        aria-label="Drop a task file here or press Enter to choose one"
        onKeyDown={(e) => (e.key === "Enter" || e.key === " ") && input.current?.click()}
        onClick={() => input.current?.click()}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          const file = e.dataTransfer.files[0];
          if (file) void start(file);
        }}
        className={`flex h-36 cursor-pointer flex-col items-center justify-center gap-1 rounded-lg border-2 border-dashed text-zinc-500 ${dragging ? "border-sky-500 bg-sky-50 dark:bg-sky-950/30" : "border-zinc-300 dark:border-zinc-700"}`}
      >
        <span className="text-base">Drop a file here, or click to choose</span>
        <span className="text-xs">Streamed: files of any size</span>
        <input
          ref={input}
          type="file"
          accept=".jsonl,.ndjson,.json,.txt,.xml"
          className="hidden"
          data-testid="import-file"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = "";
            if (file) void start(file);
          }}
        />
      </div>

      {upload.state === "uploading" ? (
        <div className="flex flex-col gap-1" aria-live="polite">
          <span className="text-xs text-zinc-500">Importing {upload.file}… {pct}%</span>
          <div className="h-2 overflow-hidden rounded bg-zinc-200 dark:bg-zinc-800" role="progressbar" aria-valuenow={pct} aria-valuemin={0} aria-valuemax={100} aria-label="Import progress">
            <div className="h-full bg-sky-500 transition-[width]" style={{ width: `${pct}%` }} />
          </div>
        </div>
      ) : null}
      {upload.state === "error" ? (
        <p role="alert" className="rounded border border-rose-300 bg-rose-50 p-3 text-rose-800 dark:border-rose-800 dark:bg-rose-950/40 dark:text-rose-300">
          {upload.file}: {upload.message}
        </p>
      ) : null}
      {upload.state === "done" ? <ImportResult file={upload.file} summary={upload.summary} /> : null}

      <section className="flex flex-col gap-2">
        <h2 className="text-xs font-semibold uppercase tracking-wide text-zinc-500">Recent imports</h2>
        <table className="w-full text-left text-xs">
          <thead className="text-zinc-500">
            <tr>
              <th className="py-1 font-medium">Batch</th>
              <th className="py-1 font-medium">File</th>
              <th className="py-1 font-medium">Status</th>
              <th className="py-1 text-right font-medium">New</th>
              <th className="py-1 text-right font-medium">Revised</th>
              <th className="py-1 text-right font-medium">Unchanged</th>
              <th className="py-1 text-right font-medium">Refused</th>
              <th className="py-1 text-right font-medium">When</th>
            </tr>
          </thead>
          <tbody>
            {imports.data?.map((b) => (
              <tr key={b.id} className="border-t border-zinc-100 dark:border-zinc-900">
                <td className="py-1">
                  <Link className="text-sky-700 hover:underline dark:text-sky-400" href={`/tasks?batch=${encodeURIComponent(b.batchName)}`}>{b.batchName}</Link>
                </td>
                <td className="py-1 text-zinc-500">{b.fileName}</td>
                <td className="py-1" title={b.failure ?? undefined}>{b.status}</td>
                <td className="py-1 text-right tabular-nums">{b.createdCount}</td>
                <td className="py-1 text-right tabular-nums">{b.revisedCount}</td>
                <td className="py-1 text-right tabular-nums">{b.unchangedCount}</td>
                <td className="py-1 text-right tabular-nums">{b.errorCount}</td>
                <td className="py-1 text-right text-zinc-500">{new Date(b.createdAt).toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}

function ImportResult({ file, summary }: { file: string; summary: Summary }) {
  const failed = summary.status === "failed";
  return (
    <section className="flex flex-col gap-3" data-testid="import-result" aria-live="polite">
      <div className={`rounded border p-3 ${failed ? "border-rose-300 bg-rose-50 dark:border-rose-800 dark:bg-rose-950/40" : "border-emerald-300 bg-emerald-50 dark:border-emerald-800 dark:bg-emerald-950/30"}`}>
        <p className="font-medium">
          {failed ? `${file} was not imported` : summary.batch.id === null ? `${file}: no task was kept, so no batch was created` : `${file} imported into batch `}
          {!failed && summary.batch.id !== null ? (
            <Link className="text-sky-700 underline dark:text-sky-400" href={`/tasks?batch=${encodeURIComponent(summary.batch.name)}`}>{summary.batch.name}</Link>
          ) : null}
        </p>
        {summary.failure ? <p className="text-rose-800 dark:text-rose-300">{summary.failure}</p> : null}
        <p className="text-xs text-zinc-600 dark:text-zinc-400">
          {summary.linesRead.toLocaleString()} lines read · {summary.created} new · {summary.revised} revised · {summary.unchanged} unchanged · {summary.errorCount} refused
        </p>
        {summary.rerun ? (
          <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="import-rerun">
            The filter is running on the {summary.rerun.taskCount} new and revised task{summary.rerun.taskCount === 1 ? "" : "s"}: see their verdicts in{" "}
            <Link className="text-sky-700 underline dark:text-sky-400" href={`/tasks?batch=${encodeURIComponent(summary.batch.name)}`}>the batch</Link>.
          </p>
        ) : null}
      </div>
      {summary.errors.length ? (
        <table className="w-full text-left text-xs" aria-label="Refused lines">
          <thead className="text-zinc-500">
            <tr>
              <th className="w-16 py-1 font-medium">Line</th>
              <th className="w-40 py-1 font-medium">Field</th>
              <th className="py-1 font-medium">Problem</th>
            </tr>
          </thead>
          <tbody>
            {summary.errors.map((e, i) => (
              <tr key={i} className="border-t border-zinc-100 align-top dark:border-zinc-900" data-testid="line-error">
                <td className="py-1 font-mono tabular-nums">{e.line}</td>
                <td className="py-1 font-mono">{e.field ?? ""}</td>
                <td className="py-1 break-all">{e.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {summary.errorCount > summary.errors.length ? <p className="text-xs text-zinc-500">Showing the first {summary.errors.length} of {summary.errorCount} refused lines.</p> : null}
    </section>
  );
}
