"use client";
import { useState } from "react";
import { when } from "../format";
import type { RouterOutputs } from "../trpc";
import { Button } from "../ui/button";
import { Table, TD, TH, THead, TR } from "../ui/table";
import { BackgroundExport, FORMATS } from "./background-export";
import { VersionDiff } from "./version-diff";

type Dataset = RouterOutputs["dataset"]["list"][number];

/** The published versions: downloads, background exports (`canExport`), and a diff against the one before. */
export function VersionsTable({ dataset, canExport }: { dataset: Dataset; canExport: boolean }) {
  const [diff, setDiff] = useState<{ from: number; to: number } | null>(null);
  const versions = dataset.versions;
  if (!versions.length) return <p className="text-xs text-zinc-500">Not published yet.</p>;
  return (
    <>
      <Table aria-label={`Versions of ${dataset.name}`}>
        <THead>
          <TH>Version</TH>
          <TH numeric>Tasks</TH>
          <TH>Published</TH>
          <TH>Notes</TH>
          <TH>Download</TH>
        </THead>
        <tbody>
          {versions.map((v, i) => {
            const before = versions[i + 1];
            return (
              <TR key={v.id} data-testid="version">
                <TD className="font-medium">
                  v{v.number}
                  {v.name ? ` · ${v.name}` : ""}
                </TD>
                <TD numeric>{v.taskCount}</TD>
                <TD className="text-zinc-500">
                  {when(v.createdAt)} by {v.author.name}
                </TD>
                <TD className="whitespace-pre-wrap">{v.notes}</TD>
                <TD>
                  <span className="flex flex-wrap items-center gap-2">
                    {FORMATS.map((f) => (
                      <a
                        key={f.format}
                        className="text-sky-700 underline dark:text-sky-400"
                        href={`/api/datasets/${encodeURIComponent(`${dataset.name}@${v.number}`)}/export?format=${f.format}`}
                        download
                      >
                        {f.label}
                      </a>
                    ))}
                    {canExport ? <BackgroundExport dataset={dataset.name} version={v.number} /> : null}
                    {before ? (
                      <Button
                        variant="link"
                        size="xs"
                        pressed={diff?.to === v.number}
                        onClick={() => setDiff(diff?.to === v.number ? null : { from: before.number, to: v.number })}
                      >
                        diff vs v{before.number}
                      </Button>
                    ) : null}
                  </span>
                </TD>
              </TR>
            );
          })}
        </tbody>
      </Table>
      {diff ? <VersionDiff dataset={dataset.name} from={diff.from} to={diff.to} /> : null}
    </>
  );
}
