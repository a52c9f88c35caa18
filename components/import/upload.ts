import { z } from "zod";
import type { ImportSummary } from "@/server/tasks/import-tasks";

/** Streams the file as the request body; the server parses while it arrives, so this is the import's progress. */
export function uploadFile(
  url: string,
  file: File,
  onProgress: (loaded: number, total: number) => void,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("content-type", "application/octet-stream");
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      try {
        resolve({ status: xhr.status, body: JSON.parse(xhr.responseText) });
      } catch {
        reject(new Error(`The server answered ${xhr.status} without a readable result.`));
      }
    };
    xhr.onerror = () => reject(new Error("The upload failed: the server could not be reached."));
    xhr.send(file);
  });
}

const errorBody = z.object({ error: z.object({ message: z.string() }) });
const summaryShape = z.object({
  status: z.string(),
  batch: z.object({ name: z.string() }),
  linesRead: z.number(),
  errors: z.array(z.unknown()),
});

/** The import endpoint's answer: its summary, or the error it refused the file with. */
export function readImportReply(status: number, body: unknown): { summary: ImportSummary } | { error: string } {
  const err = errorBody.safeParse(body);
  if (err.success) return { error: err.data.error.message };
  // The summary's type is the server's own (ImportSummary); its outline is checked before it is trusted.
  if (summaryShape.safeParse(body).success) return { summary: body as ImportSummary };
  return { error: `The server answered ${status} with something that is not an import summary.` };
}
