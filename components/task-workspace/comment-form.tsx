"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "../trpc";
import { Button } from "../ui/button";
import { Textarea } from "../ui/field";
import { ErrorText } from "../ui/notice";

export function CommentForm({ taskId }: { taskId: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [body, setBody] = useState("");
  const comment = useMutation(
    trpc.review.comment.mutationOptions({
      onSuccess: () => {
        setBody("");
        // The history shows it; the list's "has comments" facet counts it.
        return Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.review.history.queryKey({ taskId }) }),
          queryClient.invalidateQueries({ queryKey: trpc.task.facetCounts.pathKey() }),
        ]);
      },
    }),
  );
  return (
    <form
      className="flex flex-col gap-1"
      onSubmit={(e) => {
        e.preventDefault();
        if (body.trim()) comment.mutate({ taskId, body });
      }}
    >
      <Textarea
        className="min-h-14 bg-transparent"
        placeholder="Comment…"
        aria-label="Comment"
        value={body}
        onChange={(e) => setBody(e.target.value)}
      />
      <div className="flex items-center gap-2">
        <Button type="submit" size="sm" disabled={!body.trim() || comment.isPending}>
          Comment
        </Button>
        {comment.error ? <ErrorText>{comment.error.message}</ErrorText> : null}
      </div>
    </form>
  );
}
