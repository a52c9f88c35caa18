// Streaming parsers for task files: CaT JSON Lines and the challenger's tagged text. Both read a byte
// stream chunk by chunk, so a 100k-line file is never held whole, and a line over the size limit is
// skipped without being buffered.
import { isUtf8 } from "node:buffer";
import { catTaskSchema, LIMITS, lineErrorsFromZod, type CatTask, type LineError } from "@/lib/cat";

export type ParsedItem = { line: number; task: CatTask } | { line: number; errors: LineError[] };
export type TaskFileFormat = "jsonl" | "tagged";

interface RawLine {
  line: number;
  bytes: Buffer | null;
  /** Set when the line was over the limit: its full length in bytes. */
  overLength?: number;
}

/** Splits a byte stream into lines (LF or CRLF), dropping the bytes of over-long lines. */
export async function* readLines(source: AsyncIterable<Uint8Array | string>, maxBytes: number = LIMITS.lineBytes): AsyncGenerator<RawLine> {
  let parts: Buffer[] = [];
  let partBytes = 0;
  let skipping = 0; // > 0 while inside an over-long line: bytes seen so far
  let line = 0;
  const emit = (): RawLine => {
    line += 1;
    if (skipping) {
      const r = { line, bytes: null, overLength: skipping };
      skipping = 0;
      return r;
    }
    let buf = parts.length === 1 ? parts[0]! : Buffer.concat(parts, partBytes);
    if (buf.length && buf[buf.length - 1] === 0x0d) buf = buf.subarray(0, buf.length - 1);
    parts = [];
    partBytes = 0;
    return { line, bytes: buf };
  };
  const append = (piece: Buffer) => {
    if (skipping) {
      skipping += piece.length;
      return;
    }
    if (partBytes + piece.length > maxBytes) {
      skipping = partBytes + piece.length;
      parts = [];
      partBytes = 0;
      return;
    }
    if (piece.length) {
      parts.push(piece);
      partBytes += piece.length;
    }
  };
  for await (const chunk of source) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    for (let nl = buf.indexOf(0x0a, start); nl !== -1; nl = buf.indexOf(0x0a, start)) {
      append(buf.subarray(start, nl));
      yield emit();
      start = nl + 1;
    }
    if (start < buf.length) append(Buffer.from(buf.subarray(start))); // copy: the chunk may be reused
  }
  if (partBytes || skipping) yield emit();
}

function firstInvalidUtf8(buf: Buffer): number {
  // Only on the error path: find where decoding breaks, for the message.
  let lo = 0;
  let hi = buf.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (isUtf8(buf.subarray(0, mid + 1)) || mayBeTruncated(buf, mid + 1)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
function mayBeTruncated(buf: Buffer, end: number): boolean {
  // A prefix ending inside a multi-byte sequence is invalid only because it was cut: look back.
  for (let i = end - 1; i >= Math.max(0, end - 3); i--) {
    const b = buf[i]!;
    if ((b & 0xc0) !== 0x80) return (b & 0xe0) === 0xc0 || (b & 0xf0) === 0xe0 || (b & 0xf8) === 0xf0 ? isUtf8(buf.subarray(0, i)) : false;
  }
  return false;
}

export function decodeLine(raw: RawLine): { text: string } | { error: LineError } {
  if (raw.bytes === null) {
    return { error: { line: raw.line, message: `line is ${(raw.overLength! / 1048576).toFixed(1)} MB, over the ${LIMITS.lineBytes / 1048576} MB limit; skipped` } };
  }
  if (!isUtf8(raw.bytes)) {
    return { error: { line: raw.line, message: `bytes are not valid UTF-8 (first bad byte at column ${firstInvalidUtf8(raw.bytes) + 1})` } };
  }
  let text = raw.bytes.toString("utf8");
  if (raw.line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1); // byte-order mark
  return { text };
}

export function validateTask(line: number, value: unknown): ParsedItem {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { line, errors: [{ line, message: `expected a JSON object, got ${Array.isArray(value) ? "an array" : value === null ? "null" : typeof value}` }] };
  }
  const parsed = catTaskSchema.safeParse(value);
  return parsed.success ? { line, task: parsed.data } : { line, errors: lineErrorsFromZod(line, parsed.error) };
}

/** CaT JSON Lines: one task per line; blank lines are ignored. */
export async function* parseJsonl(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<ParsedItem> {
  for await (const raw of readLines(source)) {
    const decoded = decodeLine(raw);
    if ("error" in decoded) {
      yield { line: raw.line, errors: [decoded.error] };
      continue;
    }
    if (!decoded.text.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(decoded.text);
    } catch (err) {
      yield { line: raw.line, errors: [{ line: raw.line, message: `invalid JSON: ${(err as Error).message}` }] };
      continue;
    }
    yield validateTask(raw.line, value);
  }
}

// The tagged-text form a challenger model writes. Each task is a run of tags; a new <instruction>
// (or <task>) starts the next task. Tag contents are taken verbatim (no entity decoding: code is full
// of < and >), minus surrounding blank lines and a ```python fence around the whole content.
export const TAGS = {
  instruction: "instruction",
  verifier: "evaluation_function",
  solution: "solution",
  failureCase: "failure_case",
  id: "id",
  environment: "environment",
  metadata: "metadata",
} as const;
const KNOWN_TAGS = new Set<string>(Object.values(TAGS));
const OPEN_TAG = /<([a-z_]+)>/g;

function unwrap(content: string): string {
  let s = content.replace(/^\s*\n/, "").replace(/\n\s*$/, "");
  const fence = /^\s*```[a-zA-Z0-9_-]*\n([\s\S]*?)\n\s*```\s*$/.exec(s);
  if (fence) s = fence[1]!;
  return s;
}

// A tag begins the next task when its field is already filled, or when it is one of the heading tags
// (instruction, id, environment) and the current task already has code.
function startsNextTask(current: { fields: Record<string, unknown>; failures: string[] }, tag: string): boolean {
  if (tag === TAGS.failureCase) return false;
  const field = tag === TAGS.verifier ? "verifier" : tag;
  if (current.fields[field] !== undefined) return true;
  const heading = tag === TAGS.instruction || tag === TAGS.id || tag === TAGS.environment;
  return heading && (current.fields.verifier !== undefined || current.fields.solution !== undefined || current.failures.length > 0);
}

/** Parses tagged text. `defaultEnvironment` applies to tasks without an <environment> tag. */
export async function* parseTagged(source: AsyncIterable<Uint8Array | string>, defaultEnvironment?: string): AsyncGenerator<ParsedItem> {
  let current: { line: number; fields: Record<string, unknown>; failures: string[] } | undefined;
  let open: { tag: string; line: number; parts: string[]; size: number } | undefined;
  const finish = (): ParsedItem | undefined => {
    if (!current) return undefined;
    const value: Record<string, unknown> = { ...current.fields, failure_cases: current.failures };
    if (value.environment === undefined && defaultEnvironment) value.environment = defaultEnvironment;
    if (value.environment === undefined) {
      const line = current.line;
      current = undefined;
      return { line, errors: [{ line, field: "environment", message: "no <environment> tag and no default environment given (--env)" }] };
    }
    const item = validateTask(current.line, value);
    current = undefined;
    return item;
  };

  for await (const raw of readLines(source)) {
    const decoded = decodeLine(raw);
    if ("error" in decoded) {
      yield { line: raw.line, errors: [decoded.error] };
      continue;
    }
    let text = decoded.text;
    while (text.length) {
      if (open) {
        const close = text.indexOf(`</${open.tag}>`);
        const piece = close === -1 ? text + "\n" : text.slice(0, close);
        open.size += piece.length;
        if (open.size > LIMITS.codeChars + 1024) {
          yield { line: open.line, errors: [{ line: open.line, field: open.tag, message: `<${open.tag}> is longer than ${LIMITS.codeChars} characters` }] };
          open = undefined;
          current = undefined;
          break;
        }
        open.parts.push(piece);
        if (close === -1) break;
        const content = unwrap(open.parts.join(""));
        const field = open.tag;
        text = text.slice(close + field.length + 3);
        open = undefined;
        if (!current) continue;
        if (field === TAGS.failureCase) current.failures.push(content);
        else if (field === TAGS.verifier) current.fields.verifier = content;
        else if (field === TAGS.metadata) {
          try {
            current.fields.metadata = JSON.parse(content);
          } catch (err) {
            current.fields.metadata = `invalid JSON: ${(err as Error).message}`;
          }
        } else current.fields[field] = field === TAGS.id || field === TAGS.environment ? content.trim() : content;
        continue;
      }
      OPEN_TAG.lastIndex = 0;
      let m: RegExpExecArray | null;
      let found: RegExpExecArray | undefined;
      while ((m = OPEN_TAG.exec(text))) {
        if (KNOWN_TAGS.has(m[1]!)) {
          found = m;
          break;
        }
      }
      if (!found) break;
      const tag = found[1]!;
      if (current && startsNextTask(current, tag)) {
        const done = finish();
        if (done) yield done;
      }
      current ??= { line: raw.line, fields: {}, failures: [] };
      open = { tag, line: raw.line, parts: [], size: 0 };
      text = text.slice(found.index + found[0].length);
    }
  }
  if (open) {
    yield { line: open.line, errors: [{ line: open.line, field: open.tag, message: `<${open.tag}> is never closed` }] };
    current = undefined;
  }
  const last = finish();
  if (last) yield last;
}

/** Picks the format from the file name, else from the first non-blank character. */
export function detectFormat(fileName: string | undefined, firstBytes: Buffer): TaskFileFormat {
  if (fileName && /\.(jsonl|ndjson|json)$/i.test(fileName)) return "jsonl";
  if (fileName && /\.(txt|xml|tagged)$/i.test(fileName)) return "tagged";
  const first = firstBytes.toString("utf8").trimStart()[0];
  return first === "<" ? "tagged" : "jsonl";
}
