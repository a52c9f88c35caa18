"use client";
import Editor, { loader, type OnMount } from "@monaco-editor/react";
import { useEffect, useRef, useState } from "react";
import { useDark } from "../ui/use-dark";
import { useEditorCommands } from "./editor-commands";

// Monaco comes from this app (/monaco/vs, served from node_modules), never from a CDN.
loader.config({ paths: { vs: "/monaco/vs" } });

const LINE_PX = 19;
export type MonacoEditor = Parameters<OnMount>[0];
type Monaco = Parameters<OnMount>[1];

export interface CodeMarker {
  line: number;
  message: string;
}

export const BASE_OPTIONS = {
  minimap: { enabled: false },
  scrollBeyondLastLine: false,
  lineHeight: LINE_PX,
  fontSize: 13,
  wordWrap: "on" as const,
  padding: { top: 6, bottom: 6 },
  scrollbar: { alwaysConsumeMouseWheel: false },
  automaticLayout: true,
  tabSize: 4,
  insertSpaces: true,
};

/**
 * Python in Monaco: as tall as its content (wrapped lines included) up to a limit, then it scrolls.
 * Editable when onChange is given; markers put an error squiggle and hover on exact lines. Inside a
 * page that provides editor commands, Ctrl+Enter and Ctrl+S run them from the editor too.
 */
export function CodeView({
  code,
  label,
  maxLines = 40,
  onChange,
  markers,
  editorRef,
}: {
  code: string;
  label: string;
  maxLines?: number;
  onChange?: (value: string) => void;
  markers?: CodeMarker[];
  editorRef?: (editor: MonacoEditor | null) => void;
}) {
  const dark = useDark();
  const commands = useEditorCommands();
  const maxHeight = maxLines * LINE_PX + 12;
  const [height, setHeight] = useState(() => Math.min(maxHeight, Math.max(2, code.split("\n").length) * LINE_PX + 12));
  const mounted = useRef<{ editor: MonacoEditor; monaco: Monaco } | null>(null);
  // An editable editor is uncontrolled while the user types: feeding each keystroke back through
  // React state would race fast typing and drop characters. Only a change made elsewhere (discard,
  // a restored draft, a merge) is pushed into the editor.
  const lastEmitted = useRef(code);
  const applying = useRef(false);
  useEffect(() => {
    const editor = mounted.current?.editor;
    if (!onChange || !editor || code === lastEmitted.current || code === editor.getValue()) return;
    lastEmitted.current = code;
    applying.current = true; // not an edit by the user: must not come back as one
    editor.setValue(code);
    applying.current = false;
  }, [code, onChange]);

  const applyMarkers = () => {
    const m = mounted.current;
    const model = m?.editor.getModel();
    if (!m || !model) return;
    m.monaco.editor.setModelMarkers(
      model,
      "cat",
      (markers ?? [])
        .filter((x) => x.line >= 1 && x.line <= model.getLineCount())
        .map((x) => ({
          startLineNumber: x.line,
          endLineNumber: x.line,
          startColumn: model.getLineFirstNonWhitespaceColumn(x.line) || 1,
          endColumn: model.getLineMaxColumn(x.line),
          message: x.message,
          severity: m.monaco.MarkerSeverity.Error,
        })),
    );
  };
  useEffect(applyMarkers);
  // Told null only on unmount: an inline callback is a new function every render.
  const editorRefLatest = useRef(editorRef);
  useEffect(() => {
    editorRefLatest.current = editorRef;
  });
  useEffect(() => () => editorRefLatest.current?.(null), []);

  return (
    <section
      className="overflow-hidden rounded border border-zinc-200 dark:border-zinc-800"
      aria-label={label}
      data-editable={onChange ? "true" : "false"}
    >
      <Editor
        height={height}
        language="python"
        {...(onChange ? { defaultValue: code } : { value: code })}
        theme={dark ? "vs-dark" : "vs"}
        // Shown until Monaco has loaded: the code where the editor will be, not centred in its box.
        loading={
          <pre className="h-full w-full self-start p-2 pl-16 font-mono text-[13px] leading-[19px] whitespace-pre-wrap">
            {code}
          </pre>
        }
        onChange={
          onChange
            ? (v) => {
                if (applying.current) return;
                lastEmitted.current = v ?? "";
                onChange(v ?? "");
              }
            : undefined
        }
        onMount={(editor, monaco) => {
          mounted.current = { editor, monaco };
          const fitHeight = () => setHeight(Math.min(maxHeight, Math.max(2 * LINE_PX + 12, editor.getContentHeight())));
          editor.onDidContentSizeChange(fitHeight);
          fitHeight();
          applyMarkers();
          if (onChange && commands) {
            // Actions, not a window listener: Monaco consumes these keys before the page sees them.
            editor.addAction({
              id: "cat.try",
              label: "Try this edit in the sandbox",
              keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter],
              run: () => commands.current?.tryEdit(),
            });
            editor.addAction({
              id: "cat.save",
              label: "Save as a new revision",
              keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS],
              run: () => commands.current?.save(),
            });
          }
          editorRef?.(editor);
        }}
        options={{
          ...BASE_OPTIONS,
          readOnly: !onChange,
          domReadOnly: !onChange,
          renderLineHighlight: onChange ? "line" : "none",
        }}
      />
    </section>
  );
}
