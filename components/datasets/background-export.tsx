"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC, type RouterInputs } from "../trpc";
import { Select } from "../ui/field";

type Format = RouterInputs["dataset"]["export"]["format"];
export const FORMATS: Array<{ format: Format; label: string }> = [
  { format: "jsonl", label: "jsonl" },
  { format: "parquet", label: "parquet" },
  { format: "hf", label: "HF folder" },
];

/** Starts an export as a background job and follows it to the download. */
export function BackgroundExport({ dataset, version }: { dataset: string; version: number }) {
  const trpc = useTRPC();
  const [exportId, setExportId] = useState<number | null>(null);
  const start = useMutation(trpc.dataset.export.mutationOptions({ onSuccess: (r) => setExportId(r.exportId) }));
  const status = useQuery({
    ...trpc.dataset.exportStatus.queryOptions({ exportId: exportId ?? 0 }),
    enabled: exportId !== null,
    refetchInterval: (q) =>
      q.state.data && (q.state.data.status === "done" || q.state.data.status === "failed") ? false : 1000,
  });
  const s = status.data;
  return (
    <span className="flex items-center gap-1" data-testid="background-export">
      <Select
        aria-label={`Export ${dataset} v${version} in the background`}
        className="bg-transparent"
        value=""
        onChange={(e) => {
          const f = FORMATS.find((x) => x.format === e.target.value);
          if (f) start.mutate({ dataset, version, format: f.format });
        }}
      >
        <option value="">background export…</option>
        {FORMATS.map((f) => (
          <option key={f.format} value={f.format}>
            {f.label}
          </option>
        ))}
      </Select>
      {s && !s.ready && s.status !== "failed" ? (
        <span className="tabular-nums text-zinc-500">
          {s.done}/{s.total}
        </span>
      ) : null}
      {s?.status === "failed" ? <span className="text-rose-600">{s.error}</span> : null}
      {s?.ready ? (
        <a className="text-sky-700 underline dark:text-sky-400" href={`/api/exports/${s.id}/download`} download>
          {s.fileName}
        </a>
      ) : null}
      {start.error ? <span className="text-rose-600">{start.error.message}</span> : null}
    </span>
  );
}
