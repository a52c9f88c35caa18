"use client";
import { useEffect, useRef } from "react";
import { isActivationTarget, isTypingTarget, matchesCombo, parseCombo } from "./hotkeys";

export type Hotkeys = Record<string, (e: KeyboardEvent) => void>;

/**
 * The page's keyboard shortcuts, from one window listener registered once (the bindings are read
 * through a ref, so handlers always see the latest state). While the user types, only combos with
 * Ctrl/Cmd act (Ctrl+Enter, Ctrl+S) and Escape leaves the field; while a modal dialog is open,
 * nothing here acts (the dialog owns the keyboard).
 */
export function useHotkeys(bindings: Hotkeys, { enabled = true }: { enabled?: boolean } = {}) {
  const latest = useRef(bindings);
  useEffect(() => {
    latest.current = bindings;
  });
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.isComposing) return;
      if (document.querySelector("dialog[open]")) return;
      const typing = isTypingTarget(e.target);
      const activating = (e.key === "Enter" || e.key === " ") && isActivationTarget(e.target);
      for (const [spec, handler] of Object.entries(latest.current)) {
        const combo = parseCombo(spec);
        if ((typing || activating) && !combo.mod) continue;
        if (!matchesCombo(combo, e)) continue;
        e.preventDefault();
        handler(e);
        return;
      }
      if (typing && e.key === "Escape") (e.target as HTMLElement).blur?.();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [enabled]);
}
