// Keyset cursors for the task list: the sort value and the id of the last row of a page, opaque to
// clients (base64url JSON) and checked on the way back in.
import { AppError } from "../errors";

export function encodeCursor(value: string, id: number): string {
  return Buffer.from(JSON.stringify([value, id])).toString("base64url");
}
export function decodeCursor(cursor: string): [string, number] {
  try {
    const v = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (Array.isArray(v) && typeof v[0] === "string" && Number.isInteger(v[1])) return [v[0], v[1] as number];
  } catch {
    /* fall through */
  }
  throw new AppError("BAD_INPUT", "Invalid cursor: start again from the first page.");
}
