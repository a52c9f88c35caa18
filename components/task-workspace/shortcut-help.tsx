"use client";
import type { Action } from "../auth/permissions";
import type { Can } from "../auth/use-role";
import { Dialog } from "../ui/dialog";

const SHORTCUTS: Array<[string, string, Action?]> = [
  ["j / k", "next / previous task in the list"],
  ["a", "approve (asks for a reason when the filter did not accept the task)", "review"],
  ["r", "reject", "review"],
  ["n", "needs edit", "review"],
  ["e", "edit the verifier", "edit"],
  ["l", "labels", "label"],
  ["t  or  Ctrl+Enter", "try the edit in the sandbox (Ctrl+Enter works inside the editors too)", "try"],
  ["Ctrl+S", "save as a new revision (inside the editors too)", "edit"],
  ["Esc", "leave a field; else back to the list"],
  ["?", "this cheat sheet"],
];

/** The task page's keys that the signed-in role can use. */
export function ShortcutHelp({ open, onClose, can }: { open: boolean; onClose: () => void; can: Can }) {
  return (
    <Dialog open={open} onClose={onClose} title="Keyboard shortcuts">
      <dl className="grid grid-cols-[10rem_1fr] gap-x-4 gap-y-1 text-xs">
        {SHORTCUTS.filter(([, , action]) => !action || can(action)).map(([k, what]) => (
          <div key={k} className="contents">
            <dt className="font-mono">{k}</dt>
            <dd className="text-zinc-600 dark:text-zinc-400">{what}</dd>
          </div>
        ))}
      </dl>
    </Dialog>
  );
}
