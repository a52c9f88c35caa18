"use client";
import { Dialog } from "../ui/dialog";

const SHORTCUTS: Array<[string, string]> = [
  ["j / k", "next / previous task in the list"],
  ["a", "approve (asks for a reason when the filter did not accept the task)"],
  ["r", "reject"],
  ["n", "needs edit"],
  ["e", "edit the verifier"],
  ["l", "labels"],
  ["t  or  Ctrl+Enter", "try the edit in the sandbox (Ctrl+Enter works inside the editors too)"],
  ["Ctrl+S", "save as a new revision (inside the editors too)"],
  ["Esc", "leave a field; else back to the list"],
  ["?", "this cheat sheet"],
];

export function ShortcutHelp({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} onClose={onClose} title="Keyboard shortcuts">
      <dl className="grid grid-cols-[10rem_1fr] gap-x-4 gap-y-1 text-xs">
        {SHORTCUTS.map(([k, what]) => (
          <div key={k} className="contents">
            <dt className="font-mono">{k}</dt>
            <dd className="text-zinc-600 dark:text-zinc-400">{what}</dd>
          </div>
        ))}
      </dl>
    </Dialog>
  );
}
