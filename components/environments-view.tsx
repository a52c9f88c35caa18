"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { useTRPC } from "./trpc";

// Pack content reaches this page (tool names, descriptions): the server sends strings only, and this
// never puts anything else into JSX either — a non-string once broke the page for everyone.
const text = (v: unknown): string => (typeof v === "string" ? v : v === null || v === undefined ? "" : safeJson(v));
function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return "(not displayable)";
  }
}

type Target = { kind: "new" } | { kind: "version"; environment: string };
interface UploadReply {
  error?: { code?: string; message: string };
  name?: string;
  hash?: string;
  version?: number;
  active?: boolean;
  created?: boolean;
  tools?: string[] | null;
  warning?: string | null;
}

export function EnvironmentsView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const envs = useQuery(trpc.environment.list.queryOptions());
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.environment.pathKey() });
  const setActive = useMutation(trpc.environment.setActivePack.mutationOptions({ onSuccess: invalidate }));
  const [mode, setMode] = useState<"new" | "version">("new");
  const [name, setName] = useState("");
  const [versionOf, setVersionOf] = useState("");
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const names = envs.data?.map((e) => e.name) ?? [];
  const versionTarget = versionOf || names[0] || "";

  const upload = async (file: File, target: Target) => {
    const envName = target.kind === "new" ? name.trim() : target.environment;
    if (!envName) {
      setStatus({ ok: false, text: target.kind === "new" ? "Give the new environment a name first." : "Choose the environment this is a new version of." });
      return;
    }
    setBusy(true);
    setStatus(null);
    try {
      const params = new URLSearchParams({ name: envName, fileName: file.name, ...(target.kind === "version" ? { newVersion: "1" } : {}) });
      const res = await fetch(`/api/packs?${params}`, { method: "POST", body: file });
      const body = (await res.json()) as UploadReply;
      if (!res.ok || body.error) setStatus({ ok: false, text: body.error?.message ?? `The server answered ${res.status}.` });
      else {
        const what = body.created ? `Registered ${text(body.name)} version ${body.version}` : `Already registered: ${text(body.name)} version ${body.version}${body.active ? "" : " (not the active one)"}`;
        setStatus({ ok: true, text: `${what} @ ${text(body.hash).slice(0, 12)}${body.tools ? ` with ${body.tools.length} tools` : ""}${body.warning ? `. ${text(body.warning)}` : ""}` });
        await invalidate();
      }
    } catch (err) {
      setStatus({ ok: false, text: (err as Error).message });
    } finally {
      setBusy(false);
    }
  };

  const inputClass = "rounded border border-zinc-300 bg-white px-2 py-1 text-sm text-zinc-900 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100";
  return (
    <div className="mx-auto flex max-w-5xl flex-col gap-6 px-4 py-6">
      <div>
        <h1 className="text-lg font-semibold">Environments</h1>
        <p className="text-zinc-500">
          An environment pack is a directory with <code>env.py</code> defining <code>TOOLS</code>, <code>load_state()</code> and optionally <code>TOOL_SCHEMAS</code>. Each
          content is a pack version, identified by its hash; runs use the environment&apos;s active version, and every verdict records the hash that produced it.
        </p>
      </div>
      <section className="flex flex-col gap-3 rounded border border-zinc-200 p-3 dark:border-zinc-800" aria-label="Upload a pack">
        <fieldset className="flex flex-wrap items-end gap-4">
          <legend className="mb-2 text-xs text-zinc-500">This pack is</legend>
          <label className="flex items-center gap-2 text-sm">
            <input type="radio" name="pack-target" checked={mode === "new"} onChange={() => setMode("new")} />a new environment named
            <input className={`w-40 ${inputClass}`} aria-label="New environment name" value={name} onChange={(e) => setName(e.target.value)} onFocus={() => setMode("new")} placeholder="retail" />
          </label>
          <label className="flex items-center gap-2 text-sm">
            <input type="radio" name="pack-target" checked={mode === "version"} disabled={!names.length} onChange={() => setMode("version")} />a new version of
            <select className={inputClass} aria-label="Environment to add a version to" value={versionTarget} disabled={!names.length} onChange={(e) => setVersionOf(e.target.value)} onFocus={() => setMode("version")}>
              {names.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
        </fieldset>
        <div className="flex flex-wrap items-center gap-3">
          <button type="button" disabled={busy} onClick={() => input.current?.click()} className="rounded bg-sky-600 px-3 py-1.5 text-xs font-medium text-white hover:bg-sky-700 disabled:opacity-50">
            {busy ? "Uploading…" : mode === "new" ? "Upload a new environment (.zip or .tar.gz)" : `Upload a new version of ${versionTarget} (.zip or .tar.gz)`}
          </button>
          <input
            ref={input}
            type="file"
            accept=".zip,.tar.gz,.tgz,.tar"
            className="hidden"
            data-testid="pack-file"
            onChange={(e) => {
              const f = e.target.files?.[0];
              e.target.value = "";
              if (f) void upload(f, mode === "new" ? { kind: "new" } : { kind: "version", environment: versionTarget });
            }}
          />
          <span className="text-xs text-zinc-500">or: npm run -s cli -- env add DIR --name NAME [--new-version]</span>
        </div>
        {status ? (
          <p role={status.ok ? "status" : "alert"} className={`text-xs ${status.ok ? "text-emerald-700 dark:text-emerald-400" : "text-rose-600"}`}>
            {status.text}
          </p>
        ) : null}
      </section>
      {setActive.error ? (
        <p role="alert" className="text-xs text-rose-600">
          {setActive.error.message}
        </p>
      ) : null}
      {envs.data?.map((env) => {
        const active = env.active;
        return (
          <section key={env.name} className="flex flex-col gap-2" data-testid="environment">
            <h2 className="flex items-baseline gap-3">
              <span className="text-base font-semibold">{text(env.name)}</span>
              <span className="text-xs text-zinc-500">
                {env.taskCount.toLocaleString()} tasks · {env.versions.length} pack version{env.versions.length === 1 ? "" : "s"}
              </span>
            </h2>
            {active ? (
              <p className="text-xs text-zinc-500">
                Current pack: version {active.version} <code title={text(active.hash)}>{text(active.hash).slice(0, 16)}</code> · {active.fileCount} files · {(active.sizeBytes / 1048576).toFixed(1)} MB · limits{" "}
                {active.caseTimeoutMs ? `${active.caseTimeoutMs / 1000} s` : "10 s"} / {active.memoryMb ? `${active.memoryMb} MB` : "1 GiB"} per case · added {new Date(active.createdAt).toLocaleString()}
              </p>
            ) : env.versions.length ? (
              <p className="text-xs text-rose-600">No version is active: runs of this environment have no pack. Choose one below.</p>
            ) : null}
            {env.versions.length ? (
              <table className="w-full text-left text-xs" aria-label={`Pack versions of ${text(env.name)}`}>
                <thead className="text-[11px] uppercase tracking-wide text-zinc-500">
                  <tr>
                    <th className="py-1 font-medium">Version</th>
                    <th className="py-1 font-medium">Hash</th>
                    <th className="py-1 font-medium">Tools</th>
                    <th className="py-1 font-medium">Registered</th>
                    <th className="py-1 font-medium">By</th>
                    <th className="py-1 font-medium" />
                  </tr>
                </thead>
                <tbody>
                  {env.versions.map((v) => (
                    <tr key={v.hash} className="border-t border-zinc-100 dark:border-zinc-900" data-testid="pack-version">
                      <td className="py-1 pr-3">{v.version}</td>
                      <td className="py-1 pr-3 font-mono" title={text(v.hash)}>
                        {text(v.hash).slice(0, 12)}
                      </td>
                      <td className="py-1 pr-3">{v.toolCount}</td>
                      <td className="py-1 pr-3">{new Date(v.createdAt).toLocaleString()}</td>
                      <td className="py-1 pr-3">{text(v.createdBy) || "—"}</td>
                      <td className="py-1">
                        {v.active ? (
                          <span className="font-medium text-emerald-700 dark:text-emerald-400">active</span>
                        ) : (
                          <button
                            type="button"
                            disabled={setActive.isPending}
                            onClick={() => setActive.mutate({ environment: env.name, packHash: v.hash })}
                            className="rounded border border-zinc-300 px-2 py-0.5 hover:bg-zinc-100 disabled:opacity-50 dark:border-zinc-700 dark:hover:bg-zinc-800"
                          >
                            Use this version
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}
            {env.tools?.length ? (
              <table className="w-full text-left text-xs">
                <thead className="text-[11px] uppercase tracking-wide text-zinc-500">
                  <tr>
                    <th className="py-1 font-medium">Tool</th>
                    <th className="py-1 font-medium">Description</th>
                    <th className="py-1 font-medium">Parameters</th>
                  </tr>
                </thead>
                <tbody>
                  {env.tools.map((tool, i) => (
                    <tr key={`${i}:${text(tool.name)}`} className="border-t border-zinc-100 align-top dark:border-zinc-900">
                      <td className="py-1 pr-3 font-mono">{text(tool.name)}</td>
                      <td className="py-1 pr-3 text-zinc-600 dark:text-zinc-400">
                        {tool.raw !== null ? <code className="break-all text-[11px]">{text(tool.raw)}</code> : text(tool.description)}
                      </td>
                      <td className="py-1 font-mono text-[11px]">
                        {tool.parameters.map((p) => (
                          <div key={text(p.name)} title={text(p.description)}>
                            {text(p.name)}
                            {p.required ? "" : "?"}: <span className="text-zinc-500">{text(p.type)}</span>
                          </div>
                        ))}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : active ? (
              <p className="text-xs text-zinc-500">Tools: {active.tools.map(text).join(", ") || "not inspected"} (the pack has no TOOL_SCHEMAS).</p>
            ) : null}
          </section>
        );
      })}
    </div>
  );
}
