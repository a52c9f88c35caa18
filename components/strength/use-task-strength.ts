"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC, type RouterOutputs } from "../trpc";

type TaskStrength = RouterOutputs["strength"]["get"];
export type StrengthCheck = NonNullable<TaskStrength["check"]>;
export type Probe = StrengthCheck["report"]["probes"][number];

/**
 * A task's strength with its evidence, polled while a check of its current revision is on its way,
 * and "Check again" (which invalidates only this task's strength).
 */
export function useTaskStrength(taskId: number) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const strength = useQuery({
    ...trpc.strength.get.queryOptions({ taskId }),
    refetchInterval: (q) => (q.state.data?.pending ? 1500 : false),
  });
  const again = useMutation(
    trpc.strength.request.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.strength.get.queryKey({ taskId }) }),
    }),
  );
  return { strength, checkAgain: () => again.mutate({ taskIds: [taskId] }), again };
}
