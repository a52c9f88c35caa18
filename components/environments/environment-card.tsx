"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { when } from "../format";
import { useTRPC, type RouterOutputs } from "../trpc";
import { Button } from "../ui/button";
import { ErrorText } from "../ui/notice";
import { Section } from "../ui/section";
import { Table, TD, TH, THead, TR } from "../ui/table";
import { text } from "./display-text";

type Environment = RouterOutputs["environment"]["list"][number];

/** One environment: its active pack, its pack versions (`canChoose`: pick the active one), its tools. */
export function EnvironmentCard({ env, canChoose }: { env: Environment; canChoose: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const setActive = useMutation(
    trpc.environment.setActivePack.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.environment.pathKey() }),
    }),
  );
  const active = env.active;
  return (
    <Section data-testid="environment" aria-label={text(env.name)}>
      <h2 className="flex items-baseline gap-3">
        <span className="text-base font-semibold">{text(env.name)}</span>
        <span className="text-xs text-zinc-500">
          {env.taskCount.toLocaleString()} tasks · {env.versions.length} pack version
          {env.versions.length === 1 ? "" : "s"}
        </span>
      </h2>
      {active ? (
        <p className="text-xs text-zinc-500">
          Current pack: version {active.version} <code title={text(active.hash)}>{text(active.hash).slice(0, 16)}</code>{" "}
          · {active.fileCount} files · {(active.sizeBytes / 1048576).toFixed(1)} MB · limits{" "}
          {active.caseTimeoutMs ? `${active.caseTimeoutMs / 1000} s` : "10 s"} /{" "}
          {active.memoryMb ? `${active.memoryMb} MB` : "1 GiB"} per case · added {when(active.createdAt)}
        </p>
      ) : env.versions.length ? (
        <p className="text-xs text-rose-600">
          No version is active: runs of this environment have no pack.{canChoose ? " Choose one below." : ""}
        </p>
      ) : null}
      {setActive.error ? <ErrorText>{setActive.error.message}</ErrorText> : null}
      {env.versions.length ? (
        <Table aria-label={`Pack versions of ${text(env.name)}`}>
          <THead>
            <TH>Version</TH>
            <TH>Hash</TH>
            <TH>Tools</TH>
            <TH>Registered</TH>
            <TH>By</TH>
            <TH>
              <span className="sr-only">Active</span>
            </TH>
          </THead>
          <tbody>
            {env.versions.map((v) => (
              <TR key={v.hash} data-testid="pack-version">
                <TD>{v.version}</TD>
                <TD className="font-mono" title={text(v.hash)}>
                  {text(v.hash).slice(0, 12)}
                </TD>
                <TD>{v.toolCount}</TD>
                <TD>{when(v.createdAt)}</TD>
                <TD>{text(v.createdBy) || "—"}</TD>
                <TD>
                  {v.active ? (
                    <span className="font-medium text-emerald-700 dark:text-emerald-400">active</span>
                  ) : !canChoose ? null : (
                    <Button
                      size="sm"
                      disabled={setActive.isPending}
                      onClick={() => setActive.mutate({ environment: env.name, packHash: v.hash })}
                    >
                      Use this version
                    </Button>
                  )}
                </TD>
              </TR>
            ))}
          </tbody>
        </Table>
      ) : null}
      {env.tools?.length ? (
        <Table aria-label={`Tools of ${text(env.name)}`}>
          <THead>
            <TH>Tool</TH>
            <TH>Description</TH>
            <TH>Parameters</TH>
          </THead>
          <tbody>
            {env.tools.map((tool, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: pack content: tool names may repeat
              <TR key={`${i}:${text(tool.name)}`}>
                <TD className="font-mono">{text(tool.name)}</TD>
                <TD className="text-zinc-600 dark:text-zinc-400">
                  {tool.raw !== null ? (
                    <code className="break-all text-[11px]">{text(tool.raw)}</code>
                  ) : (
                    text(tool.description)
                  )}
                </TD>
                <TD className="font-mono text-[11px]">
                  {tool.parameters.map((p) => (
                    <div key={text(p.name)} title={text(p.description)}>
                      {text(p.name)}
                      {p.required ? "" : "?"}: <span className="text-zinc-500">{text(p.type)}</span>
                    </div>
                  ))}
                </TD>
              </TR>
            ))}
          </tbody>
        </Table>
      ) : active ? (
        <p className="text-xs text-zinc-500">
          Tools: {active.tools.map(text).join(", ") || "not inspected"} (the pack has no TOOL_SCHEMAS).
        </p>
      ) : null}
    </Section>
  );
}
