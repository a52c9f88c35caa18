"use client";
import { useQuery } from "@tanstack/react-query";
import { useRole } from "../auth/use-role";
import { useTRPC } from "../trpc";

/**
 * On every page while this machine cannot run the sandbox: what is wrong, the command that fixes it,
 * and that filter runs wait in the queue (none fails) until a worker that can run them is up.
 */
export function SystemBanner() {
  const trpc = useTRPC();
  // system.status is for signed-in users: not asked on the sign-in and setup pages.
  const { user } = useRole();
  // Re-checked while it fails, so the banner goes once the package is installed.
  const status = useQuery({
    ...trpc.system.status.queryOptions(),
    enabled: !!user,
    refetchInterval: (q) => (q.state.data?.sandbox.ok === false ? 15_000 : 120_000),
  });
  const s = status.data;
  if (!user || !s || s.sandbox.ok) return null;
  return (
    <section
      aria-label="Sandbox unavailable"
      data-testid="system-banner"
      className="border-b border-amber-300 bg-amber-50 px-4 py-2 text-xs text-amber-950 dark:border-amber-800 dark:bg-amber-950/40 dark:text-amber-100"
    >
      <p>
        <strong>The CaT filter cannot run on this machine:</strong> {s.sandbox.problem}.
      </p>
      <p>
        {s.sandbox.install ? (
          <>
            Install it with{" "}
            <code className="rounded bg-amber-100 px-1 font-mono dark:bg-amber-900/60">{s.sandbox.install}</code>
            {s.inProcessWorker
              ? "; the server notices within a few seconds."
              : "; then start a worker (npm run worker)."}{" "}
          </>
        ) : null}
        Filter runs stay queued until a worker that can run them is up
        {s.queuedRuns ? ` (${s.queuedRuns.toLocaleString()} waiting)` : ""}; nothing is marked failed.
      </p>
    </section>
  );
}
