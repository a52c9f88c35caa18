"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type RefObject } from "react";
import { useTRPC } from "../trpc";
import { Input } from "../ui/field";
import { ErrorText } from "../ui/notice";
import { useInvalidateTask } from "./use-invalidate-task";

/** The task's labels as toggles, and (for whoever may change the label set) a field that makes a new label. */
export function LabelsEditor({
  taskId,
  on,
  groupRef,
  canEditSet,
}: {
  taskId: number;
  on: number[];
  groupRef: RefObject<HTMLFieldSetElement | null>;
  canEditSet: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const invalidate = useInvalidateTask(taskId);
  const labels = useQuery(trpc.review.labels.queryOptions());
  const invalidateLabels = () => queryClient.invalidateQueries({ queryKey: trpc.review.labels.queryKey() });
  const setLabel = useMutation(
    trpc.review.setLabel.mutationOptions({ onSuccess: () => Promise.all([invalidate(), invalidateLabels()]) }),
  );
  const createLabel = useMutation(trpc.review.createLabel.mutationOptions({ onSuccess: invalidateLabels }));
  const [name, setName] = useState("");
  return (
    <>
      <fieldset ref={groupRef} className="flex flex-wrap gap-1.5" aria-label="Labels">
        {labels.data?.map((l) => {
          const active = on.includes(l.id);
          return (
            <button
              key={l.id}
              type="button"
              aria-pressed={active}
              onClick={() => setLabel.mutate({ selection: { taskIds: [taskId] }, labelId: l.id, on: !active })}
              className={`rounded-full border px-2 py-0.5 text-[11px] ${active ? "text-white" : ""}`}
              // A label's own colour, chosen by its author: inline because it is data, not a theme.
              style={
                active
                  ? { background: l.color ?? "#0284c7", borderColor: l.color ?? "#0284c7" }
                  : { borderColor: l.color ?? undefined, color: l.color ?? undefined }
              }
              title={l.description ?? undefined}
            >
              {l.name}
            </button>
          );
        })}
        {canEditSet ? (
          <form
            className="flex"
            onSubmit={(e) => {
              e.preventDefault();
              if (name.trim()) createLabel.mutate({ name }, { onSuccess: () => setName("") });
            }}
          >
            <Input
              size="sm"
              className="w-28 bg-transparent text-[11px]"
              placeholder="+ new label"
              aria-label="New label"
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          </form>
        ) : null}
      </fieldset>
      {createLabel.error ? <ErrorText>{createLabel.error.message}</ErrorText> : null}
      {setLabel.error ? <ErrorText>{setLabel.error.message}</ErrorText> : null}
    </>
  );
}
