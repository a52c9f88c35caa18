"use client";
import { useState } from "react";
import type { RefusedApproval } from "@/server/review/review-tasks";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Field, Textarea } from "../ui/field";
import { ErrorText } from "../ui/notice";

/**
 * "Approve anyway…": approving tasks the filter did not accept needs a written reason, which is
 * recorded with the approval, shown on the task, counted on the statistics page and marked in every
 * export and the dataset card.
 */
export function OverrideDialog({
  open,
  onClose,
  refused,
  count,
  pending,
  error,
  onConfirm,
}: {
  open: boolean;
  onClose: () => void;
  refused: RefusedApproval[];
  /** How many tasks the override approves (the list may hold only the first of them). */
  count: number;
  pending: boolean;
  error?: string | null;
  onConfirm: (reason: string) => void;
}) {
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={count === 1 ? "Approve anyway?" : `Approve ${count.toLocaleString()} tasks anyway?`}
      data-testid="override-dialog"
    >
      <OverrideForm
        refused={refused}
        count={count}
        pending={pending}
        error={error}
        onConfirm={onConfirm}
        onCancel={onClose}
      />
    </Dialog>
  );
}

function OverrideForm({
  refused,
  count,
  pending,
  error,
  onConfirm,
  onCancel,
}: {
  refused: RefusedApproval[];
  count: number;
  pending: boolean;
  error?: string | null;
  onConfirm: (reason: string) => void;
  onCancel: () => void;
}) {
  const [reason, setReason] = useState("");
  return (
    <form
      className="flex flex-col gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        if (reason.trim()) onConfirm(reason.trim());
      }}
    >
      <p className="text-xs text-zinc-600 dark:text-zinc-400">
        The filter did not accept {count === 1 ? "this task" : "these tasks"} on the current revision. An approval by
        override records your reason; it is shown on the task, counted on the statistics page, and marked in exports and
        the dataset card.
      </p>
      <ul className="max-h-40 list-disc overflow-y-auto pl-5 text-xs">
        {refused.map((r) => (
          <li key={r.id}>{r.message}</li>
        ))}
        {count > refused.length ? <li>…and {(count - refused.length).toLocaleString()} more</li> : null}
      </ul>
      <Field label="Why approve it anyway (required)">
        <Textarea
          autoFocus
          required
          maxLength={2000}
          rows={3}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          placeholder="e.g. the verifier is right; the failure case itself is wrong and is fixed upstream"
        />
      </Field>
      {error ? <ErrorText>{error}</ErrorText> : null}
      <div className="flex justify-end gap-2">
        <Button onClick={onCancel}>Cancel</Button>
        <Button type="submit" variant="success" disabled={!reason.trim() || pending}>
          {pending ? "Approving…" : "Approve anyway"}
        </Button>
      </div>
    </form>
  );
}
