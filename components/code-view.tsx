"use client";
import Editor, { loader } from "@monaco-editor/react";
import { useState, useSyncExternalStore } from "react";

// Monaco comes from this app (/monaco/vs, served from node_modules), never from a CDN.
loader.config({ paths: { vs: "/monaco/vs" } });

const subscribe = (cb: () => void) => {
  const obs = new MutationObserver(cb);
  obs.observe(document.documentElement, { attributes: true, attributeFilter: ["class"] });
  return () => obs.disconnect();
};
function useDark() {
  return useSyncExternalStore(subscribe, () => document.documentElement.classList.contains("dark"), () => false);
}

const LINE_PX = 19;

/** Read-only Python with highlighting; as tall as its content, up to a limit, then it scrolls. */
export function CodeView({ code, label, maxLines = 40 }: { code: string; label: string; maxLines?: number }) {
  const dark = useDark();
  const maxHeight = maxLines * LINE_PX + 12;
  // Starts from the line count, then follows Monaco's own content height (wrapped lines included).
  const [height, setHeight] = useState(() => Math.min(maxHeight, Math.max(2, code.split("\n").length) * LINE_PX + 12));
  return (
    <div className="overflow-hidden rounded border border-zinc-200 dark:border-zinc-800" aria-label={label} role="region">
      <Editor
        height={height}
        onMount={(editor) => {
          const fit = () => setHeight(Math.min(maxHeight, editor.getContentHeight()));
          editor.onDidContentSizeChange(fit);
          fit();
        }}
        language="python"
        value={code}
        theme={dark ? "vs-dark" : "vs"}
        loading={<pre className="p-2 font-mono text-xs whitespace-pre-wrap">{code}</pre>}
        options={{
          readOnly: true,
          domReadOnly: true,
          minimap: { enabled: false },
          scrollBeyondLastLine: false,
          lineHeight: LINE_PX,
          fontSize: 13,
          renderLineHighlight: "none",
          wordWrap: "on",
          padding: { top: 6, bottom: 6 },
          scrollbar: { alwaysConsumeMouseWheel: false },
          automaticLayout: true,
        }}
      />
    </div>
  );
}
