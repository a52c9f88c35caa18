"use client";
import { createContext, useContext, useEffect, useRef, type ReactNode, type RefObject } from "react";

/** What Ctrl+Enter and Ctrl+S do inside an editor of the page. */
export interface EditorCommands {
  tryEdit(): void;
  save(): void;
}

const Context = createContext<RefObject<EditorCommands | null> | null>(null);

/**
 * Monaco handles keys before the page sees them (Ctrl+Enter would insert a line), so each editable
 * editor registers the page's commands as its own Monaco actions. They read the commands through a
 * ref: an editor registers once, and always runs what the page does now.
 */
export function EditorCommandsProvider({ commands, children }: { commands: EditorCommands; children: ReactNode }) {
  const ref = useRef<EditorCommands | null>(commands);
  useEffect(() => {
    ref.current = commands;
  });
  return <Context value={ref}>{children}</Context>;
}

export function useEditorCommands() {
  return useContext(Context);
}
