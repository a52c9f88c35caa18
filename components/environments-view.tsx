"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { useTRPC } from "./trpc";

export function EnvironmentsView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const envs = useQuery(trpc.environment.list.queryOptions());
  const [name, setName] = useState("");
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  const upload = async (file: File) => {
    if (!name.trim()) {
      setStatus({ ok: false, text: "Give the environment a name first." });
      return;
    }
    setBusy(true);
    setStatus(null);
    try {
      const res = await fetch(`/api/packs?${new URLSearchParams({ name: name.trim(), fileName: file.name })}`, { method: "POST", body: file });
      const body = (await res.json()) as { error?: { message: string }; name?: string; hash?: string; created?: boolean; tools?: string[] | null; warning?: string | null };
      if (!res.ok || body.error) setStatus({ ok: false, text: body.error?.message ?? `The server answered ${res.status}.` });
      else {
        setStatus({ ok: true, text: `${body.created ? "Registered" : "Already registered:"} ${body.name} @ ${body.hash?.slice(0, 12)}${body.tools ? ` with ${body.tools.length} tools` : ""}${body.warning ? `. ${body.warning}` : ""}` });
        await queryClient.invalidateQueries({ queryKey: trpc.environment.pathKey() });
      }
    } catch (err) {
      setStatus({ ok: false, text: (err as Error).message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="mx-auto flex max-w-5xl flex-col gap-6 px-4 py-6">
      <div>
        <h1 className="text-lg font-semibold">Environments</h1>
        <p className="text-zinc-500">
          An environment pack is a directory with <code>env.py</code> defining <code>TOOLS</code>, <code>load_state()</code> and optionally <code>TOOL_SCHEMAS</code>. Each
          content is a pack version, identified by its hash; every verdict records the hash that produced it.
        </p>
      </div>
      <section className="flex flex-wrap items-end gap-3 rounded border border-zinc-200 p-3 dark:border-zinc-800">
        <label className="flex flex-col gap-1 text-xs text-zinc-500">
          Environment name
          <input className="w-48 rounded border border-zinc-300 bg-white px-2 py-1 text-sm text-zinc-900 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100" value={name} onChange={(e) => setName(e.target.value)} placeholder="retail" />
        </label>
        <button type="button" disabled={busy} onClick={() => input.current?.click()} className="rounded bg-sky-600 px-3 py-1.5 text-xs font-medium text-white hover:bg-sky-700 disabled:opacity-50">
          {busy ? "Uploading…" : "Upload a pack (.zip or .tar.gz)"}
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
            if (f) void upload(f);
          }}
        />
        <span className="text-xs text-zinc-500">or: npm run -s cli -- env add DIR --name NAME</span>
        {status ? (
          <p role={status.ok ? "status" : "alert"} className={`w-full text-xs ${status.ok ? "text-emerald-700 dark:text-emerald-400" : "text-rose-600"}`}>
            {status.text}
          </p>
        ) : null}
      </section>
      {envs.data?.map((env) => {
        const latest = env.packs[0];
        return (
          <section key={env.name} className="flex flex-col gap-2" data-testid="environment">
            <h2 className="flex items-baseline gap-3">
              <span className="text-base font-semibold">{env.name}</span>
              <span className="text-xs text-zinc-500">
                {env.taskCount.toLocaleString()} tasks · {env.packs.length} pack version{env.packs.length === 1 ? "" : "s"}
              </span>
            </h2>
            {latest ? (
              <p className="text-xs text-zinc-500">
                Current pack <code title={latest.hash}>{latest.hash.slice(0, 16)}</code> · {latest.fileCount} files · {(latest.sizeBytes / 1048576).toFixed(1)} MB · limits{" "}
                {latest.caseTimeoutMs ? `${latest.caseTimeoutMs / 1000} s` : "10 s"} / {latest.memoryMb ? `${latest.memoryMb} MB` : "1 GiB"} per case · added {new Date(latest.createdAt).toLocaleString()}
              </p>
            ) : null}
            {env.toolSchemas?.length ? (
              <table className="w-full text-left text-xs">
                <thead className="text-[11px] uppercase tracking-wide text-zinc-500">
                  <tr>
                    <th className="py-1 font-medium">Tool</th>
                    <th className="py-1 font-medium">Description</th>
                    <th className="py-1 font-medium">Parameters</th>
                  </tr>
                </thead>
                <tbody>
                  {env.toolSchemas.map((s) => {
                    const params = (s.function.parameters as { properties?: Record<string, { type?: string; description?: string }>; required?: string[] } | undefined) ?? {};
                    return (
                      <tr key={s.function.name} className="border-t border-zinc-100 align-top dark:border-zinc-900">
                        <td className="py-1 pr-3 font-mono">{s.function.name}</td>
                        <td className="py-1 pr-3 text-zinc-600 dark:text-zinc-400">{s.function.description}</td>
                        <td className="py-1 font-mono text-[11px]">
                          {Object.entries(params.properties ?? {}).map(([k, v]) => (
                            <div key={k} title={v.description}>
                              {k}
                              {params.required?.includes(k) ? "" : "?"}: <span className="text-zinc-500">{v.type ?? "any"}</span>
                            </div>
                          ))}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            ) : latest ? (
              <p className="text-xs text-zinc-500">Tools: {latest.tools.join(", ") || "not inspected"} (the pack has no TOOL_SCHEMAS).</p>
            ) : null}
          </section>
        );
      })}
    </div>
  );
}
