"use client";
import { useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import type { ImportSummary } from "@/server/tasks/import-tasks";
import { useRole } from "../auth/use-role";
import { useTRPC } from "../trpc";
import { Checkbox, Field, Input } from "../ui/field";
import { Notice } from "../ui/notice";
import { Page, PageHeader } from "../ui/section";
import { ImportResult } from "./import-result";
import { RecentImports } from "./recent-imports";
import { readImportReply, uploadFile } from "./upload";

type Upload =
  | { state: "idle" }
  | { state: "uploading"; file: string; loaded: number; total: number }
  | { state: "done"; file: string; summary: ImportSummary; filterAsked: boolean }
  | { state: "error"; file: string; message: string };

/** The import page: a file streamed to /api/import (curators), and the recent imports (everyone). */
export function ImportForm() {
  const trpc = useTRPC();
  const { can, user } = useRole();
  const queryClient = useQueryClient();
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
      const res = await uploadFile(`/api/import?${params}`, file, (loaded, total) =>
        setUpload({ state: "uploading", file: file.name, loaded, total }),
      );
      const reply = readImportReply(res.status, res.body);
      setUpload(
        "error" in reply
          ? { state: "error", file: file.name, message: reply.error }
          : { state: "done", file: file.name, summary: reply.summary, filterAsked: runFilter },
      );
    } catch (err) {
      setUpload({ state: "error", file: file.name, message: err instanceof Error ? err.message : String(err) });
    }
    setBatchName("");
    // New batches and tasks; a filter run when asked for.
    await Promise.all(
      [
        trpc.imports.pathKey(),
        trpc.task.list.pathKey(),
        trpc.task.facets.queryKey(),
        trpc.task.facetCounts.pathKey(),
        trpc.filter.recent.queryKey(),
      ].map((queryKey) => queryClient.invalidateQueries({ queryKey })),
    );
  };

  const pct = upload.state === "uploading" && upload.total ? Math.round((100 * upload.loaded) / upload.total) : 0;
  return (
    <Page>
      <PageHeader
        title="Import tasks"
        description={
          <>
            CaT JSON Lines (<code>.jsonl</code>, one task per line) or the challenger&apos;s tagged text (
            <code>.txt</code>). Each line is checked; bad lines are listed with their line number and skipped, good
            lines are kept. Re-importing a task id only adds a revision when its content changed, and an import into an
            existing batch appends to it (so a fixed file can go into the same batch again).
          </>
        }
      />
      {user && !can("import") ? (
        <Notice tone="info">Importing needs the curator role; you are a {user.role}.</Notice>
      ) : null}
      {can("import") ? (
        <>
          <div className="flex flex-wrap gap-4">
            <Field label="Batch name (optional)">
              <Input
                className="w-64"
                value={batchName}
                onChange={(e) => setBatchName(e.target.value)}
                placeholder="from the file name and time"
              />
            </Field>
            <Field label={<>Environment for tagged text without an &lt;environment&gt; tag</>}>
              <Input
                className="w-64"
                value={defaultEnv}
                onChange={(e) => setDefaultEnv(e.target.value)}
                placeholder="e.g. retail"
              />
            </Field>
            <Field
              inline
              label="Run the filter on the imported tasks"
              className="self-end pb-1 text-zinc-600 dark:text-zinc-400"
            >
              <Checkbox
                checked={runFilter}
                onChange={(e) => setRunFilter(e.target.checked)}
                data-testid="import-run-filter"
              />
            </Field>
          </div>
          <button
            type="button"
            aria-label="Drop a task file here or press Enter to choose one"
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
            className={`flex h-36 w-full cursor-pointer flex-col items-center justify-center gap-1 rounded-lg border-2 border-dashed text-zinc-500 ${dragging ? "border-sky-500 bg-sky-50 dark:bg-sky-950/30" : "border-zinc-300 dark:border-zinc-700"}`}
          >
            <span className="text-base">Drop a file here, or click to choose</span>
            <span className="text-xs">Streamed: files of any size</span>
          </button>
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
          {upload.state === "uploading" ? (
            <div className="flex flex-col gap-1" aria-live="polite">
              <span className="text-xs text-zinc-500">
                Importing {upload.file}… {pct}%
              </span>
              <div
                className="h-2 overflow-hidden rounded bg-zinc-200 dark:bg-zinc-800"
                role="progressbar"
                aria-valuenow={pct}
                aria-valuemin={0}
                aria-valuemax={100}
                aria-label="Import progress"
              >
                <div className="h-full bg-sky-500 transition-[width]" style={{ width: `${pct}%` }} />
              </div>
            </div>
          ) : null}
          {upload.state === "error" ? (
            <Notice tone="error" className="text-sm">
              {upload.file}: {upload.message}
            </Notice>
          ) : null}
          {upload.state === "done" ? (
            <ImportResult file={upload.file} summary={upload.summary} filterAsked={upload.filterAsked} />
          ) : null}
        </>
      ) : null}
      <RecentImports />
    </Page>
  );
}
