// Exports a published dataset version as CaT JSON Lines, Parquet, or a Hugging Face dataset folder
// (Parquet data files plus a README.md dataset card). Rows stream from the database in pages and
// Parquet is written row group by row group, so memory stays bounded; files are written beside the
// target and renamed into place, so a failure never leaves half an export.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileWriter, ParquetWriter } from "hyparquet-writer";
import type { Db } from "../db/client";
import { AppError } from "../errors";
import { funnelOf } from "../filter/funnel";
import { formatCatLine } from "../tasks/export-tasks";
import { readVersionRows, resolveVersion, type VersionRow } from "./datasets";

export const EXPORT_FORMATS = ["jsonl", "parquet", "hf"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
const APP_VERSION = process.env.npm_package_version ?? "0.1.0";

function toCatLine(r: VersionRow): string {
  return formatCatLine({
    id: r.externalId,
    environment: r.environment,
    instruction: r.instruction,
    verifier: r.verifier,
    solution: r.solution,
    failureCases: r.failureCases,
    metadata: r.metadata,
    verdict: r.verdict,
    review: r.review,
    strength: r.strength,
  });
}

// The Parquet columns (and the Hugging Face features): failure cases as a list of strings,
// metadata, the case matrix and the strength summary as JSON text.
const PARQUET_SCHEMA = [
  { name: "root", num_children: 15 },
  { name: "id", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "REQUIRED" },
  { name: "environment", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "REQUIRED" },
  { name: "instruction", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "REQUIRED" },
  { name: "verifier", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "REQUIRED" },
  { name: "solution", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "REQUIRED" },
  { name: "failure_cases", repetition_type: "REQUIRED", converted_type: "LIST", num_children: 1 },
  { name: "list", repetition_type: "REPEATED", num_children: 1 },
  { name: "element", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "REQUIRED" },
  { name: "metadata", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
  { name: "verdict_status", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "REQUIRED" },
  { name: "verdict_reason", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
  { name: "pack_hash", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
  { name: "verdict_cases", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
  { name: "revision", type: "INT32", repetition_type: "REQUIRED" },
  { name: "review_status", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "REQUIRED" },
  { name: "review_override", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
  { name: "strength", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
] as const;

function columns(rows: VersionRow[]) {
  return [
    { name: "id", data: rows.map((r) => r.externalId) },
    { name: "environment", data: rows.map((r) => r.environment) },
    { name: "instruction", data: rows.map((r) => r.instruction) },
    { name: "verifier", data: rows.map((r) => r.verifier) },
    { name: "solution", data: rows.map((r) => r.solution) },
    { name: "failure_cases", data: rows.map((r) => r.failureCases) },
    { name: "metadata", data: rows.map((r) => (r.metadata == null ? null : JSON.stringify(r.metadata))) },
    { name: "verdict_status", data: rows.map((r) => r.verdict.status) },
    { name: "verdict_reason", data: rows.map((r) => r.verdict.reason ?? null) },
    { name: "pack_hash", data: rows.map((r) => r.packHash) },
    { name: "verdict_cases", data: rows.map((r) => (r.verdict.cases ? JSON.stringify(r.verdict.cases) : null)) },
    { name: "revision", data: rows.map((r) => r.revisionNumber) },
    { name: "review_status", data: rows.map((r) => r.review.status) },
    { name: "review_override", data: rows.map((r) => r.review.override?.reason ?? null) },
    { name: "strength", data: rows.map((r) => (r.strength ? JSON.stringify(r.strength) : null)) },
  ];
}

interface Tally {
  tasks: number;
  /** Approved although the filter did not accept them: reason → count. */
  overrides: Map<string, number>;
  bytes: number;
  statuses: Record<string, number>;
  reasons: Record<string, number>;
  packHashes: Set<string>;
  environments: Set<string>;
}
const newTally = (): Tally => ({
  tasks: 0,
  overrides: new Map(),
  bytes: 0,
  statuses: {},
  reasons: {},
  packHashes: new Set(),
  environments: new Set(),
});
function count(t: Tally, rows: VersionRow[]) {
  for (const r of rows) {
    t.tasks += 1;
    t.statuses[r.verdict.status] = (t.statuses[r.verdict.status] ?? 0) + 1;
    if (r.verdict.reason) t.reasons[r.verdict.reason] = (t.reasons[r.verdict.reason] ?? 0) + 1;
    if (r.packHash) t.packHashes.add(r.packHash);
    const reason = r.review.override?.reason;
    if (reason !== undefined) t.overrides.set(reason, (t.overrides.get(reason) ?? 0) + 1);
    t.environments.add(r.environment);
  }
}

async function writeParquet(db: Db, versionId: number, file: string, tally: Tally, onProgress?: (n: number) => void) {
  const writer = fileWriter(file);
  const pq = new ParquetWriter({ writer, schema: PARQUET_SCHEMA as never, createdBy: `cat-curator ${APP_VERSION}` });
  for await (const rows of readVersionRows(db, versionId)) {
    await pq.write({ columnData: columns(rows) as never, rowGroupSize: rows.length });
    count(tally, rows);
    onProgress?.(tally.tasks);
  }
  pq.finish();
  tally.bytes = fs.statSync(file).size;
}

async function writeJsonl(db: Db, versionId: number, file: string, tally: Tally, onProgress?: (n: number) => void) {
  const out = fs.createWriteStream(file);
  for await (const rows of readVersionRows(db, versionId)) {
    for (const r of rows)
      if (!out.write(toCatLine(r))) await new Promise<void>((res) => out.once("drain", () => res()));
    count(tally, rows);
    onProgress?.(tally.tasks);
  }
  await new Promise<void>((res, rej) => out.end((err?: Error | null) => (err ? rej(err) : res())));
  tally.bytes = fs.statSync(file).size;
}

function yamlString(s: string) {
  return JSON.stringify(s); // a JSON string is a valid YAML double-quoted scalar
}

async function datasetCard(
  db: Db,
  ref: Awaited<ReturnType<typeof resolveVersion>>,
  tally: Tally,
  dataFile: string,
): Promise<string> {
  const labels = await db.prisma.$queryRaw<Array<{ name: string; n: number }>>`
    select l.name, count(*)::int as n from dataset_version_items i join task_labels tl on tl.task_id = i.task_id join labels l on l.id = tl.label_id
    where i.version_id = ${ref.version.id}::int group by l.name order by n desc`;
  const { run, verifierLoads, solutionPasses, accepted } = funnelOf(
    tally.tasks - (tally.statuses.pending ?? 0),
    tally.statuses.accepted ?? 0,
    tally.reasons,
  );
  const pct = (n: number) => (run ? `${((100 * n) / run).toFixed(1)}%` : "—");
  const features = [
    ["id", "string"],
    ["environment", "string"],
    ["instruction", "string"],
    ["verifier", "string"],
    ["solution", "string"],
  ].map(([n, t]) => `  - name: ${n}\n    dtype: ${t}`);
  return `---
pretty_name: ${yamlString(`${ref.dataset.name} v${ref.version.number}`)}
license: other
task_categories:
- text-generation
tags:
- code-as-task
- agents
- tool-use
configs:
- config_name: default
  data_files:
  - split: train
    path: ${dataFile}
dataset_info:
  features:
${features.join("\n")}
  - name: failure_cases
    sequence: string
  - name: metadata
    dtype: string
  - name: verdict_status
    dtype: string
  - name: verdict_reason
    dtype: string
  - name: pack_hash
    dtype: string
  - name: verdict_cases
    dtype: string
  - name: revision
    dtype: int32
  - name: review_status
    dtype: string
  - name: review_override
    dtype: string
  - name: strength
    dtype: string
  splits:
  - name: train
    num_bytes: ${tally.bytes}
    num_examples: ${tally.tasks}
  download_size: ${tally.bytes}
  dataset_size: ${tally.bytes}
cat_curator:
  dataset: ${yamlString(ref.dataset.name)}
  version: ${ref.version.number}
  version_name: ${yamlString(ref.version.name ?? "")}
  published_at: ${yamlString(ref.version.createdAt.toISOString())}
  published_by: ${yamlString(ref.version.author.name)}
  exported_at: ${yamlString(new Date().toISOString())}
  app_version: ${yamlString(APP_VERSION)}
  pack_hashes:
${
  [...tally.packHashes]
    .sort()
    .map((h) => `  - ${h}`)
    .join("\n") || "  []"
}
---

# ${ref.dataset.name} — version ${ref.version.number}${ref.version.name ? ` (${ref.version.name})` : ""}

${ref.dataset.description ?? ""}

Code-as-Task (CaT) tasks curated with CaT Curator: each has an instruction, a Python verifier
(\`verify(state, answer)\`), an example solution and failure cases, checked in a sandbox against the
environment pack whose hash is recorded per task.${ref.version.notes ? `\n\n**Notes.** ${ref.version.notes}` : ""}

## Filter funnel

| stage | tasks | share of run |
|---|---|---|
| tasks | ${tally.tasks} | |
| run through the filter | ${run} | |
| verifier loads | ${verifierLoads} | ${pct(verifierLoads)} |
| solution passes | ${solutionPasses} | ${pct(solutionPasses)} |
| every failure case rejected (accepted) | ${accepted} | ${pct(accepted)} |

Rejection reasons: ${
    Object.entries(tally.reasons)
      .map(([r, n]) => `${r} ${n}`)
      .join(", ") || "none"
  }.

## Review

Every task was approved by a reviewer on the exact revision published here. ${overrideText(tally)}

## Labels

${labels.length ? labels.map((l) => `- ${l.name}: ${l.n}`).join("\n") : "No labels."}

## Provenance

- Environments: ${[...tally.environments].sort().join(", ") || "—"}
- Environment pack hashes: ${
    [...tally.packHashes]
      .sort()
      .map((h) => `\`${h}\``)
      .join(", ") || "—"
  }
- Published ${ref.version.createdAt.toISOString()} by ${ref.version.author.name}; exported ${new Date().toISOString()} by CaT Curator ${APP_VERSION}.
`;
}

function overrideText(tally: Tally): string {
  const n = [...tally.overrides.values()].reduce((a, b) => a + b, 0);
  if (!n) return "None was approved by override: the filter accepted every one.";
  const reasons = [...tally.overrides]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 20)
    .map(([r, k]) => `- ${k} × ${JSON.stringify(r)}`);
  return `Approved by override: ${n} (the filter did not accept them; the \`review_override\` column gives the reviewer's reason per task). Reasons:\n\n${reasons.join("\n")}`;
}

export interface ExportDatasetOptions {
  db: Db;
  /** NAME or NAME@VERSION */
  ref: string;
  format: ExportFormat;
  out: string;
  onProgress?: (tasks: number) => void;
}

export async function exportDataset({ db, ref, format, out, onProgress }: ExportDatasetOptions) {
  const resolved = await resolveVersion(db, ref);
  const target = path.resolve(out);
  if (!fs.existsSync(path.dirname(target))) throw new AppError("NOT_FOUND", `${path.dirname(target)} does not exist.`);
  // An export replaces at most a file of its own name; it never deletes a directory (a folder
  // export that found one in its way once removed whatever the path pointed at).
  if (fs.existsSync(target) && (format === "hf" || fs.statSync(target).isDirectory())) {
    throw new AppError(
      "CONFLICT",
      `${target} exists already: choose another output path (an export never deletes a directory).`,
    );
  }
  const tmp = `${target}.partial-${process.pid}-${randomBytes(3).toString("hex")}`;
  const tally = newTally();
  try {
    if (format === "jsonl") await writeJsonl(db, resolved.version.id, tmp, tally, onProgress);
    else if (format === "parquet") await writeParquet(db, resolved.version.id, tmp, tally, onProgress);
    else {
      fs.mkdirSync(path.join(tmp, "data"), { recursive: true });
      const dataFile = "data/train-00000-of-00001.parquet";
      await writeParquet(db, resolved.version.id, path.join(tmp, dataFile), tally, onProgress);
      fs.writeFileSync(path.join(tmp, "README.md"), await datasetCard(db, resolved, tally, dataFile));
    }
    fs.renameSync(tmp, target);
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  return {
    dataset: resolved.dataset.name,
    version: resolved.version.number,
    format,
    out: target,
    tasks: tally.tasks,
    bytes: tally.bytes,
  };
}
