"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { TaskContent } from "@/lib/cat";
import { taskListInputSchema } from "@/lib/task-query";
import { ReviewBadge, VerdictBadge } from "./badges";
import { CodeView, TextDiff, type CodeMarker } from "./code-view";
import { renderTask } from "./render-task";
import { ReviewPanel } from "./review-panel";
import { RunMatrix } from "./run-matrix";
import { useTRPC, type RouterOutputs } from "./trpc";

type Task = RouterOutputs["task"]["get"];
type TryResult = RouterOutputs["review"]["try"];
interface Draft {
  base: number;
  content: TaskContent;
  savedAt: string;
}
interface ErrInfo {
  type: string;
  message: string;
  line?: number;
  source?: "case" | "verifier";
}

const draftKey = (taskId: number) => `cat-draft:${taskId}`;
const sameContent = (a: TaskContent, b: TaskContent) =>
  a.instruction === b.instruction && a.verifier === b.verifier && a.solution === b.solution && JSON.stringify(a.failureCases) === JSON.stringify(b.failureCases);

function contentOf(r: NonNullable<Task["currentRevision"]>): TaskContent {
  return { instruction: r.instruction, verifier: r.verifier, solution: r.solution, failureCases: r.failureCases };
}

const KEYS: Array<[string, string]> = [
  ["j / k", "next / previous task in the list"],
  ["a", "approve"],
  ["r", "reject"],
  ["n", "needs edit"],
  ["e", "edit the verifier"],
  ["l", "labels"],
  ["t  or  Ctrl+Enter", "try the edit in the sandbox"],
  ["Ctrl+S", "save as a new revision"],
  ["Esc", "back to the list"],
  ["?", "this cheat sheet"],
];

export function TaskWorkspace({ id, backQuery, queue }: { id: number; backQuery: string; queue: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const task = useQuery(trpc.task.get.queryOptions({ id }));
  const listInput = useMemo(() => {
    const params = Object.fromEntries(new URLSearchParams(backQuery));
    const parsed = taskListInputSchema.safeParse(params);
    return parsed.success ? parsed.data : taskListInputSchema.parse({});
  }, [backQuery]);
  const neighbors = useQuery(trpc.review.neighbors.queryOptions({ ...listInput, cursor: undefined, taskId: id }));
  const runs = useQuery(trpc.filter.taskRuns.queryOptions({ taskId: id }));
  const back = `/tasks${backQuery ? `?${backQuery}` : ""}`;
  const here = (taskId: number) => `/tasks/${taskId}?from=${encodeURIComponent(backQuery)}${queue ? "&queue=1" : ""}`;

  const base = task.data?.currentRevision ?? null;
  const [draft, setDraft] = useState<Draft | null>(null);
  const [restored, setRestored] = useState<string | null>(null);
  // Unsaved edits live in localStorage so a reload (or a crash) loses nothing.
  const loadedFor = useRef<number | null>(null);
  useEffect(() => {
    if (!base || loadedFor.current === id) return;
    loadedFor.current = id;
    try {
      const saved = JSON.parse(localStorage.getItem(draftKey(id)) ?? "null") as Draft | null;
      if (saved?.content) {
        setDraft(saved);
        setRestored(saved.savedAt);
      }
    } catch {
      /* a corrupt draft is ignored */
    }
  }, [base, id]);
  const content = draft?.content ?? (base ? contentOf(base) : null);
  const dirty = !!(draft && base && !sameContent(draft.content, contentOf(base)));
  const edit = (change: Partial<TaskContent>) => {
    if (!content || !base) return;
    const next: Draft = { base: draft?.base ?? base.id, content: { ...content, ...change }, savedAt: new Date().toISOString() };
    setDraft(next);
    localStorage.setItem(draftKey(id), JSON.stringify(next));
  };
  const discard = () => {
    setDraft(null);
    setRestored(null);
    setConflict(null);
    localStorage.removeItem(draftKey(id));
  };

  const [tried, setTried] = useState<TryResult | null>(null);
  const tryMut = useMutation(trpc.review.try.mutationOptions({ onSuccess: setTried }));
  const [conflict, setConflict] = useState<{ id: number; number: number; author: string; createdAt: string } & TaskContent | null>(null);
  const [saveNote, setSaveNote] = useState<string | null>(null);
  const saveMut = useMutation(
    trpc.review.save.mutationOptions({
      onSuccess: async (r) => {
        localStorage.removeItem(draftKey(id));
        setDraft(null);
        setRestored(null);
        setConflict(null);
        setTried(null);
        setSaveNote(`Saved revision ${r.number}; the filter is running on it.`);
        await queryClient.invalidateQueries();
      },
      onError: (err) => {
        const details = (err.data as { details?: { current?: typeof conflict } } | undefined)?.details;
        if (err.data?.code === "CONFLICT" && details?.current) setConflict(details.current);
      },
    }),
  );
  const runTry = useCallback(() => content && !tryMut.isPending && tryMut.mutate({ taskId: id, content }), [content, id, tryMut]);
  const save = useCallback(() => {
    if (!content || !draft || saveMut.isPending) return;
    saveMut.mutate({ taskId: id, baseRevisionId: draft.base, content });
  }, [content, draft, id, saveMut]);

  const status = useMutation(
    trpc.review.setStatus.mutationOptions({
      onSuccess: async (_r, vars) => {
        await queryClient.invalidateQueries();
        if (queue && vars.status !== "needs_edit" && neighbors.data?.nextId) router.push(here(neighbors.data.nextId));
      },
    }),
  );
  const setStatus = useCallback((s: "approved" | "rejected" | "needs_edit" | "unreviewed") => status.mutate({ selection: { taskIds: [id] }, status: s }), [id, status]);

  // Markers: from the last Try, else from the newest run of the current revision.
  const markers = useMemo(() => {
    const out: Record<string, CodeMarker[]> = { verifier: [], solution: [] };
    const add = (key: string, e: ErrInfo | null | undefined, prefix: string) => {
      if (e?.line) (out[key] ??= []).push({ line: e.line, message: `${prefix}${e.type}: ${e.message}` });
    };
    if (tried) {
      add("verifier", tried.verifierError as ErrInfo | null, "");
      for (const c of tried.cases) {
        const key = c.role === "solution" ? "solution" : `failure-${c.index}`;
        add(c.caseError?.source === "verifier" ? "verifier" : key, c.caseError as ErrInfo | undefined, "the case raised ");
        add(c.verifyError?.source === "case" ? key : "verifier", c.verifyError as ErrInfo | undefined, "verify raised ");
      }
      return out;
    }
    const shown = runs.data?.shown;
    const run = runs.data?.runs.find((r) => r.id === shown?.id);
    if (!shown || !base || run?.revisionId !== base.id) return out;
    add("verifier", shown.verifierError as unknown as ErrInfo | null, "");
    for (const c of shown.cases) {
      const e = c.error as { case: ErrInfo | null; verify: ErrInfo | null } | null;
      const key = c.role === "solution" ? "solution" : `failure-${c.index}`;
      add(key, e?.case, "the case raised ");
      add("verifier", e?.verify, "verify raised ");
    }
    return out;
  }, [tried, runs.data, base]);

  const [help, setHelp] = useState(false);
  const [diff, setDiff] = useState<"previous" | "original" | null>(null);
  const verifierEditor = useRef<{ focus(): void } | null>(null);
  const labelsRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      if (mod && e.key === "Enter") {
        e.preventDefault();
        runTry();
        return;
      }
      if (mod && (e.key === "s" || e.key === "S")) {
        e.preventDefault();
        save();
        return;
      }
      const target = e.target as HTMLElement;
      if (target.closest("input, textarea, select, [contenteditable], .monaco-editor")) {
        if (e.key === "Escape") target.blur?.();
        return;
      }
      if (mod || e.altKey) return;
      const go = (tid: number | null | undefined) => tid && router.push(here(tid));
      switch (e.key) {
        case "j":
          go(neighbors.data?.nextId);
          break;
        case "k":
          go(neighbors.data?.prevId);
          break;
        case "a":
          setStatus("approved");
          break;
        case "r":
          setStatus("rejected");
          break;
        case "n":
          setStatus("needs_edit");
          break;
        case "e":
          e.preventDefault();
          verifierEditor.current?.focus();
          break;
        case "l":
          e.preventDefault();
          labelsRef.current?.querySelector<HTMLElement>("button")?.focus();
          break;
        case "t":
          runTry();
          break;
        case "?":
          setHelp((h) => !h);
          break;
        case "Escape":
          if (help) setHelp(false);
          else router.push(back);
          break;
        default:
          return;
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  });

  // The review queue remembers where you were, per filter.
  useEffect(() => {
    if (queue) localStorage.setItem(`cat-queue:${backQuery}`, String(id));
  }, [queue, backQuery, id]);

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
  if (!base || !content) return <p className="p-4 text-zinc-500">This task has no revision.</p>;
  const original = t.revisions[0];
  const previous = t.revisions.length > 1 ? t.revisions[t.revisions.length - 2] : undefined;

  return (
    <div className="mx-auto flex max-w-[100rem] flex-col gap-4 px-4 py-4">
      <div className="flex flex-wrap items-center gap-3">
        <Link href={back} className="text-xs text-sky-700 hover:underline dark:text-sky-400" title="Back (Esc)">
          ← Tasks
        </Link>
        <h1 className="font-mono text-base font-semibold">{t.externalId}</h1>
        <VerdictBadge status={t.verdictStatus} reason={t.verdictReason} />
        <ReviewBadge status={t.reviewStatus} />
        {t.labels.map((l) => (
          <span key={l.label.id} className="rounded-full border px-2 py-0.5 text-[11px]" style={{ borderColor: l.label.color ?? undefined, color: l.label.color ?? undefined }}>
            {l.label.name}
          </span>
        ))}
        {queue ? <span className="rounded bg-sky-100 px-1.5 py-0.5 text-[11px] text-sky-800 dark:bg-sky-900/40 dark:text-sky-300">review queue</span> : null}
        <div className="ml-auto flex items-center gap-2 text-xs text-zinc-500">
          <span>
            {t.environment.name} · {t.batch?.name ?? "—"} · <span data-testid="revision-count">{t.revisionCount}</span> revision{t.revisionCount === 1 ? "" : "s"}
          </span>
          <button type="button" className="rounded border border-zinc-300 px-1.5 py-0.5 disabled:opacity-40 dark:border-zinc-700" disabled={!neighbors.data?.prevId} onClick={() => neighbors.data?.prevId && router.push(here(neighbors.data.prevId))} title="Previous (k)">
            ↑ k
          </button>
          <button type="button" className="rounded border border-zinc-300 px-1.5 py-0.5 disabled:opacity-40 dark:border-zinc-700" disabled={!neighbors.data?.nextId} onClick={() => neighbors.data?.nextId && router.push(here(neighbors.data.nextId))} title="Next (j)" data-testid="next-task">
            j ↓
          </button>
          <button type="button" className="rounded border border-zinc-300 px-1.5 py-0.5 dark:border-zinc-700" onClick={() => setHelp(true)} title="Keyboard shortcuts (?)">
            ?
          </button>
        </div>
      </div>

      {help ? (
        <div role="dialog" aria-label="Keyboard shortcuts" className="rounded border border-zinc-300 bg-white p-3 shadow-lg dark:border-zinc-700 dark:bg-zinc-900">
          <div className="mb-2 flex items-center">
            <h2 className="font-semibold">Keyboard shortcuts</h2>
            <button type="button" className="ml-auto text-xs text-zinc-500" onClick={() => setHelp(false)}>Close (Esc)</button>
          </div>
          <dl className="grid grid-cols-[10rem_1fr] gap-x-4 gap-y-1 text-xs">
            {KEYS.map(([k, what]) => (
              <div key={k} className="contents">
                <dt className="font-mono">{k}</dt>
                <dd className="text-zinc-600 dark:text-zinc-400">{what}</dd>
              </div>
            ))}
          </dl>
        </div>
      ) : null}

      {restored && dirty ? (
        <p className="rounded border border-amber-300 bg-amber-50 px-3 py-2 text-xs text-amber-900 dark:border-amber-800 dark:bg-amber-950/30 dark:text-amber-300" role="status">
          Restored your unsaved edit from {new Date(restored).toLocaleString()}
          {draft && draft.base !== base.id ? " — it was made on an older revision; saving will show both versions" : ""}.{" "}
          <button type="button" className="underline" onClick={discard}>Discard it</button>
        </p>
      ) : null}

      <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_26rem]">
        <div className="flex min-w-0 flex-col gap-4">
          <section className="flex flex-col gap-1.5">
            <h2 className="text-xs font-semibold uppercase tracking-wide text-zinc-500">Instruction</h2>
            <textarea
              aria-label="Instruction"
              data-testid="instruction"
              className="min-h-24 w-full resize-y rounded border border-zinc-200 bg-zinc-50 p-3 text-[13px] leading-relaxed dark:border-zinc-800 dark:bg-zinc-900"
              value={content.instruction}
              rows={Math.min(12, Math.max(3, Math.ceil(content.instruction.length / 140)))}
              onChange={(e) => edit({ instruction: e.target.value })}
            />
          </section>
          <section className="flex flex-col gap-1.5">
            <h2 className="text-xs font-semibold uppercase tracking-wide text-zinc-500">Verifier</h2>
            <CodeView code={content.verifier} label="Verifier" onChange={(v) => edit({ verifier: v })} markers={markers.verifier} editorRef={(ed) => (verifierEditor.current = ed)} />
          </section>
          <section className="flex flex-col gap-1.5">
            <h2 className="text-xs font-semibold uppercase tracking-wide text-zinc-500">Solution</h2>
            <CodeView code={content.solution} label="Solution" onChange={(v) => edit({ solution: v })} markers={markers.solution} />
          </section>
          <section className="flex flex-col gap-2">
            <h2 className="flex items-center gap-2 text-xs font-semibold uppercase tracking-wide text-zinc-500">
              Failure cases <span className="font-normal normal-case tracking-normal">{content.failureCases.length}</span>
              <button type="button" className="ml-auto rounded border border-zinc-300 px-1.5 py-0.5 text-[11px] font-normal normal-case tracking-normal dark:border-zinc-700" onClick={() => edit({ failureCases: [...content.failureCases, "# what a wrong agent would do\n"] })}>
                + Add failure case
              </button>
            </h2>
            {content.failureCases.length === 0 ? <p className="text-xs text-zinc-500">None: a task needs at least one failure case to be accepted.</p> : null}
            {content.failureCases.map((fc, i) => {
              const move = (to: number) => {
                const list = [...content.failureCases];
                const [item] = list.splice(i, 1);
                list.splice(to, 0, item!);
                edit({ failureCases: list });
              };
              return (
                <div key={`${i}-${content.failureCases.length}`} className="flex flex-col gap-1">
                  <div className="flex items-center gap-1 text-[11px] text-zinc-500">
                    <span>Failure case {i + 1}</span>
                    <span className="ml-auto flex gap-1">
                      <button type="button" aria-label={`Move failure case ${i + 1} up`} disabled={i === 0} className="rounded px-1 hover:bg-zinc-100 disabled:opacity-30 dark:hover:bg-zinc-800" onClick={() => move(i - 1)}>↑</button>
                      <button type="button" aria-label={`Move failure case ${i + 1} down`} disabled={i === content.failureCases.length - 1} className="rounded px-1 hover:bg-zinc-100 disabled:opacity-30 dark:hover:bg-zinc-800" onClick={() => move(i + 1)}>↓</button>
                      <button type="button" aria-label={`Remove failure case ${i + 1}`} className="rounded px-1 text-rose-600 hover:bg-rose-50 dark:hover:bg-rose-950/40" onClick={() => edit({ failureCases: content.failureCases.filter((_, k) => k !== i) })}>✕</button>
                    </span>
                  </div>
                  <CodeView code={fc} label={`Failure case ${i + 1}`} maxLines={20} onChange={(v) => edit({ failureCases: content.failureCases.map((x, k) => (k === i ? v : x)) })} markers={markers[`failure-${i}`]} />
                </div>
              );
            })}
          </section>
          <section className="flex flex-col gap-1.5">
            <h2 className="flex items-center gap-2 text-xs font-semibold uppercase tracking-wide text-zinc-500">
              Diff
              <span className="flex gap-1 font-normal normal-case tracking-normal">
                <button type="button" disabled={!previous} className={`rounded border px-1.5 py-0.5 disabled:opacity-40 ${diff === "previous" ? "bg-zinc-200 dark:bg-zinc-800" : ""} border-zinc-300 dark:border-zinc-700`} onClick={() => setDiff(diff === "previous" ? null : "previous")}>
                  vs previous revision
                </button>
                <button type="button" disabled={!original || (original.id === base.id && !dirty)} className={`rounded border px-1.5 py-0.5 disabled:opacity-40 ${diff === "original" ? "bg-zinc-200 dark:bg-zinc-800" : ""} border-zinc-300 dark:border-zinc-700`} onClick={() => setDiff(diff === "original" ? null : "original")}>
                  vs imported original
                </button>
              </span>
            </h2>
            {diff ? <RevisionDiff taskId={id} otherId={(diff === "previous" ? (dirty ? base.id : previous?.id) : original?.id) ?? base.id} current={content} label={diff === "previous" ? "Diff against the previous revision" : "Diff against the imported original"} /> : null}
          </section>
          <section className="flex flex-col gap-1.5">
            <h2 className="text-xs font-semibold uppercase tracking-wide text-zinc-500">Metadata</h2>
            {base.metadata ? (
              <pre className="overflow-x-auto rounded border border-zinc-200 bg-zinc-50 p-3 font-mono text-xs dark:border-zinc-800 dark:bg-zinc-900">{JSON.stringify(base.metadata, null, 2)}</pre>
            ) : (
              <p className="text-xs text-zinc-500">None.</p>
            )}
          </section>
        </div>

        <aside className="flex min-w-0 flex-col gap-4 lg:sticky lg:top-14 lg:max-h-[calc(100vh-4rem)] lg:overflow-y-auto">
          <section className="flex flex-col gap-2 rounded border border-zinc-200 p-3 dark:border-zinc-800">
            <div className="flex flex-wrap items-center gap-2">
              <button type="button" data-testid="try" onClick={runTry} disabled={tryMut.isPending} className="rounded border border-sky-600 px-2.5 py-1 text-xs font-medium text-sky-700 hover:bg-sky-50 disabled:opacity-50 dark:text-sky-400 dark:hover:bg-sky-950/40" title="Run this edit in the sandbox without saving (t, Ctrl+Enter)">
                {tryMut.isPending ? "Trying…" : "Try"}
              </button>
              <button type="button" data-testid="save" onClick={save} disabled={!dirty || saveMut.isPending} className="rounded bg-sky-600 px-2.5 py-1 text-xs font-medium text-white hover:bg-sky-700 disabled:opacity-40" title="Save as a new revision and rerun the filter (Ctrl+S)">
                {saveMut.isPending ? "Saving…" : "Save revision"}
              </button>
              {dirty ? (
                <>
                  <span className="text-xs text-amber-700 dark:text-amber-400" data-testid="unsaved">unsaved edit</span>
                  <button type="button" className="text-xs text-zinc-500 underline" onClick={discard}>discard</button>
                </>
              ) : null}
            </div>
            {tryMut.error ? <p className="text-xs text-rose-600" role="alert">{tryMut.error.message}</p> : null}
            {saveMut.error && !conflict ? <p className="text-xs text-rose-600" role="alert">{saveMut.error.message}</p> : null}
            {saveNote && !dirty ? <p className="text-xs text-emerald-700 dark:text-emerald-400" role="status">{saveNote}</p> : null}
            {tried ? <TryPanel result={tried} /> : <p className="text-[11px] text-zinc-500">Try runs your edit in the sandbox and shows, case by case, what flips — nothing is saved.</p>}
          </section>
          {conflict ? (
            <section className="flex flex-col gap-2 rounded border border-rose-300 p-3 dark:border-rose-800" role="alert" data-testid="conflict">
              <p className="text-xs">
                <strong>Conflict:</strong> revision {conflict.number} by {conflict.author} ({new Date(conflict.createdAt).toLocaleString()}) was saved after the revision you edited. Your edit is
                kept. Left: theirs; right: yours. Keeping yours merges field by field: fields you did not touch take their version.
              </p>
              <TextDiff original={renderTask(conflict)} modified={renderTask(content)} label="Their revision against your edit" height={320} />
              <div className="flex gap-2">
                <button
                  type="button"
                  className="rounded bg-sky-600 px-2 py-1 text-xs text-white"
                  data-testid="keep-mine"
                  onClick={async () => {
                    // Three-way, field by field: what I did not change takes their version.
                    const [mine] = draft ? await queryClient.fetchQuery(trpc.review.revisions.queryOptions({ taskId: id, ids: [draft.base] })) : [];
                    const pick = <K extends keyof TaskContent>(k: K): TaskContent[K] =>
                      mine && JSON.stringify(mine[k]) === JSON.stringify(content[k]) ? conflict[k] : content[k];
                    const merged: TaskContent = { instruction: pick("instruction"), verifier: pick("verifier"), solution: pick("solution"), failureCases: pick("failureCases") };
                    const next = { base: conflict.id, content: merged, savedAt: new Date().toISOString() };
                    setDraft(next);
                    localStorage.setItem(draftKey(id), JSON.stringify(next));
                    setConflict(null);
                    await queryClient.invalidateQueries({ queryKey: trpc.task.get.queryKey({ id }) });
                  }}
                >
                  Keep my changes on top of theirs
                </button>
                <button type="button" className="rounded border border-zinc-300 px-2 py-1 text-xs dark:border-zinc-700" onClick={() => { discard(); void queryClient.invalidateQueries(); }}>
                  Take theirs, drop mine
                </button>
              </div>
            </section>
          ) : null}
          <RunMatrix taskId={id} />
          <ReviewPanel taskId={id} reviewStatus={t.reviewStatus} labels={t.labels.map((l) => l.label.id)} onStatus={setStatus} labelsRef={labelsRef} />
        </aside>
      </div>
    </div>
  );
}

function TryPanel({ result }: { result: TryResult }) {
  return (
    <div className="flex flex-col gap-1.5" data-testid="try-result" aria-live="polite">
      <div className="flex flex-wrap items-center gap-2 text-xs">
        <span className="text-zinc-500">Verdict</span>
        {result.before ? <VerdictBadge status={result.before.status} reason={result.before.reason} /> : <span className="text-zinc-500">not run before</span>}
        <span>→</span>
        <VerdictBadge status={result.after.status} reason={result.after.reason} />
      </div>
      {result.verifierError ? (
        <p className="font-mono text-[11px] text-rose-600">
          The verifier does not load: {result.verifierError.type}: {result.verifierError.message}
          {result.verifierError.line ? ` (line ${result.verifierError.line})` : ""}
        </p>
      ) : null}
      <table className="w-full text-left text-xs">
        <thead className="text-[11px] uppercase tracking-wide text-zinc-500">
          <tr>
            <th className="py-0.5 font-medium">Case</th>
            <th className="py-0.5 font-medium">Expected</th>
            <th className="py-0.5 font-medium">Before → after</th>
          </tr>
        </thead>
        <tbody>
          {result.flips.map((f) => (
            <tr key={`${f.role}-${f.index}`} data-testid="flip-row" data-flipped={f.flipped} className={`border-t border-zinc-100 dark:border-zinc-800 ${f.flipped ? "bg-sky-50 dark:bg-sky-950/30" : ""}`} title={f.error ?? undefined}>
              <td className="py-0.5">{f.role === "solution" ? "Solution" : `Failure case ${f.index + 1}`}</td>
              <td className="py-0.5">{f.expected}</td>
              <td className="py-0.5 font-mono">
                {f.before ?? "—"} → <span className={f.after === f.expected ? "text-emerald-700 dark:text-emerald-400" : "text-rose-600"}>{f.after}</span>
                {f.flipped ? <span className="ml-1 font-sans text-sky-700 dark:text-sky-400">flipped</span> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function RevisionDiff({ taskId, otherId, current, label }: { taskId: number; otherId: number; current: TaskContent; label: string }) {
  const trpc = useTRPC();
  const revs = useQuery(trpc.review.revisions.queryOptions({ taskId, ids: [otherId] }));
  const other = revs.data?.[0];
  if (!other) return <p className="text-xs text-zinc-500">Loading…</p>;
  return (
    <div className="flex flex-col gap-1">
      <span className="text-[11px] text-zinc-500">
        Left: revision {other.number} ({other.source}) by {other.author.name}. Right: what the editor holds now.
      </span>
      <TextDiff original={renderTask(other)} modified={renderTask(current)} label={label} />
    </div>
  );
}
