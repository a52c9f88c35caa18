"use client";
import { useQuery } from "@tanstack/react-query";
import { useRole } from "../auth/use-role";
import { useTRPC } from "../trpc";
import { Page, PageHeader } from "../ui/section";
import { EnvironmentCard } from "./environment-card";
import { PackUpload } from "./pack-upload";

export function EnvironmentsView() {
  const trpc = useTRPC();
  const envs = useQuery(trpc.environment.list.queryOptions());
  // Packs run as the sandbox's code: adding one and choosing the active one are an administrator's.
  const { can } = useRole();
  return (
    <Page>
      <PageHeader
        title="Environments"
        description={
          <>
            An environment pack is a directory with <code>env.py</code> defining <code>TOOLS</code>,{" "}
            <code>load_state()</code> and optionally <code>TOOL_SCHEMAS</code>. Each content is a pack version,
            identified by its hash; runs use the environment&apos;s active version, and every verdict records the hash
            that produced it.
          </>
        }
      />
      {can("uploadPack") ? <PackUpload names={envs.data?.map((e) => e.name) ?? []} /> : null}
      {envs.data?.map((env) => (
        <EnvironmentCard key={env.name} env={env} canChoose={can("choosePack")} />
      ))}
    </Page>
  );
}
