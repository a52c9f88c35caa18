"use client";
import { useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { useTRPC } from "../trpc";
import { Button } from "../ui/button";
import { Input, Select } from "../ui/field";
import { Section } from "../ui/section";
import { text } from "./display-text";

type Target = { kind: "new" } | { kind: "version"; environment: string };
/** What /api/packs answers (a REST reply, read field by field through text()). */
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

/** Upload a pack (.zip or .tar.gz) as a new environment or as a new version of one. */
export function PackUpload({ names }: { names: string[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [mode, setMode] = useState<"new" | "version">("new");
  const [name, setName] = useState("");
  const [versionOf, setVersionOf] = useState("");
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const versionTarget = versionOf || names[0] || "";

  const upload = async (file: File, target: Target) => {
    const envName = target.kind === "new" ? name.trim() : target.environment;
    if (!envName) {
      setStatus({
        ok: false,
        text:
          target.kind === "new"
            ? "Give the new environment a name first."
            : "Choose the environment this is a new version of.",
      });
      return;
    }
    setBusy(true);
    setStatus(null);
    try {
      const params = new URLSearchParams({
        name: envName,
        fileName: file.name,
        ...(target.kind === "version" ? { newVersion: "1" } : {}),
      });
      const res = await fetch(`/api/packs?${params}`, { method: "POST", body: file });
      const body = (await res.json()) as UploadReply;
      if (!res.ok || body.error)
        setStatus({ ok: false, text: body.error?.message ?? `The server answered ${res.status}.` });
      else {
        const what = body.created
          ? `Registered ${text(body.name)} version ${body.version}`
          : `Already registered: ${text(body.name)} version ${body.version}${body.active ? "" : " (not the active one)"}`;
        setStatus({
          ok: true,
          text: `${what} @ ${text(body.hash).slice(0, 12)}${body.tools ? ` with ${body.tools.length} tools` : ""}${body.warning ? `. ${text(body.warning)}` : ""}`,
        });
        await queryClient.invalidateQueries({ queryKey: trpc.environment.pathKey() });
      }
    } catch (err) {
      setStatus({ ok: false, text: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section card aria-label="Upload a pack">
      <fieldset className="flex flex-wrap items-end gap-4">
        <legend className="mb-2 text-xs text-zinc-500">This pack is</legend>
        <label className="flex items-center gap-2 text-sm">
          <input type="radio" name="pack-target" checked={mode === "new"} onChange={() => setMode("new")} />a new
          environment named
          <Input
            className="w-40"
            aria-label="New environment name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            onFocus={() => setMode("new")}
            placeholder="retail"
          />
        </label>
        <label className="flex items-center gap-2 text-sm">
          <input
            type="radio"
            name="pack-target"
            checked={mode === "version"}
            disabled={!names.length}
            onChange={() => setMode("version")}
          />
          a new version of
          <Select
            size="md"
            aria-label="Environment to add a version to"
            value={versionTarget}
            disabled={!names.length}
            onChange={(e) => setVersionOf(e.target.value)}
            onFocus={() => setMode("version")}
          >
            {names.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </Select>
        </label>
      </fieldset>
      <div className="flex flex-wrap items-center gap-3">
        <Button variant="primary" size="lg" disabled={busy} onClick={() => input.current?.click()}>
          {busy
            ? "Uploading…"
            : mode === "new"
              ? "Upload a new environment (.zip or .tar.gz)"
              : `Upload a new version of ${versionTarget} (.zip or .tar.gz)`}
        </Button>
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
        <p
          role={status.ok ? "status" : "alert"}
          className={`text-xs ${status.ok ? "text-emerald-700 dark:text-emerald-400" : "text-rose-600"}`}
        >
          {status.text}
        </p>
      ) : null}
    </Section>
  );
}
