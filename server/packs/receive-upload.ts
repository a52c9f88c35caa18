// Streams an uploaded archive to a temp file, counting bytes as they arrive. A body without
// Content-Length (chunked) was once read whole into memory before its size was checked: 1.5 GB held
// for a 413. Here nothing past the limit is read, and what was written is deleted.
import fsp from "node:fs/promises";
import path from "node:path";
import { AppError } from "../errors";
import { makePackTempDir } from "./pack-temp";

export interface ReceivedUpload {
  file: string;
  bytes: number;
  cleanup: () => void;
}

export async function receiveUpload({
  body,
  maxBytes,
}: {
  body: ReadableStream<Uint8Array> | null;
  maxBytes: number;
}): Promise<ReceivedUpload> {
  if (!body) throw new AppError("BAD_INPUT", "The request has no body: send the archive itself as the request body.");
  const { dir, cleanup } = makePackTempDir("upload");
  const file = path.join(dir, "archive");
  const reader = body.getReader();
  let bytes = 0;
  try {
    const out = await fsp.open(file, "wx", 0o600);
    try {
      for (;;) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (err) {
          throw new AppError("BAD_INPUT", `The upload was interrupted after ${bytes} bytes: ${(err as Error).message}`);
        }
        if (chunk.done) break;
        bytes += chunk.value.byteLength;
        if (bytes > maxBytes)
          throw new AppError(
            "TOO_LARGE",
            `The archive is over ${maxBytes} bytes (the limit for a pack upload); nothing was kept.`,
          );
        // Awaiting each write before the next read is the backpressure: a fast client cannot fill memory.
        await out.write(chunk.value);
      }
    } finally {
      await out.close();
    }
    return { file, bytes, cleanup };
  } catch (err) {
    await reader.cancel().catch(() => undefined);
    cleanup();
    throw err;
  }
}
