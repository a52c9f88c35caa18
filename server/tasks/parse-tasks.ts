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
async function* readLines(
  source: AsyncIterable<Uint8Array | string>,
  maxBytes: number = LIMITS.lineBytes,
): AsyncGenerator<RawLine> {
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
    const buf =
      typeof chunk === "string"
        ? Buffer.from(chunk)
        : Buffer.isBuffer(chunk)
          ? chunk
          : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
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
    if ((b & 0xc0) !== 0x80)
      return (b & 0xe0) === 0xc0 || (b & 0xf0) === 0xe0 || (b & 0xf8) === 0xf0 ? isUtf8(buf.subarray(0, i)) : false;
  }
  return false;
}

function decodeLine(raw: RawLine): { text: string } | { error: LineError } {
  if (raw.bytes === null) {
    return {
      error: {
        line: raw.line,
        message: `line is ${(raw.overLength! / 1048576).toFixed(1)} MB, over the ${LIMITS.lineBytes / 1048576} MB limit; skipped`,
      },
    };
  }
  if (!isUtf8(raw.bytes)) {
    return {
      error: {
        line: raw.line,
        message: `bytes are not valid UTF-8 (first bad byte at column ${firstInvalidUtf8(raw.bytes) + 1})`,
      },
    };
  }
  let text = raw.bytes.toString("utf8");
  if (raw.line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1); // byte-order mark
  return { text };
}

function validateTask(line: number, value: unknown): ParsedItem {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return {
      line,
      errors: [
        {
          line,
          message: `expected a JSON object, got ${Array.isArray(value) ? "an array" : value === null ? "null" : typeof value}`,
        },
      ],
    };
  }
  const parsed = catTaskSchema.safeParse(value);
  return parsed.success ? { line, task: parsed.data } : { line, errors: lineErrorsFromZod(line, parsed.error) };
}

/** Why a JSON text is refused before parsing: the field it is in, when known. */
export interface JsonProblem {
  field?: string;
  message: string;
}

const MAX_KEY_IN_MESSAGE = 100;
function keyName(text: string, quote: number, endQuote: number): string {
  if (endQuote - quote > MAX_KEY_IN_MESSAGE + 2) return `${text.slice(quote + 1, quote + 1 + MAX_KEY_IN_MESSAGE)}…`;
  try {
    return JSON.parse(text.slice(quote, endQuote + 1)) as string;
  } catch {
    return text.slice(quote + 1, endQuote);
  }
}

/**
 * A linear pre-scan of JSON text that refuses, before JSON.parse builds anything, values nested deeper
 * than LIMITS.jsonDepth (a 100,000-deep value overflows the stack of whatever walks it next: hashing,
 * storing, rendering) and, on a task line, more failure cases than LIMITS.failureCases (8 MiB of `"",`
 * would otherwise become millions of strings). It tracks strings and escapes so brackets inside
 * strings do not count. Malformed JSON is left for JSON.parse to report.
 *
 * `{ line: true }`: the text is a whole task line; a field's depth counts from its own value, and a
 * problem names the top-level key it is under. `{ field }`: the text is that field's value.
 */
export function scanJson(text: string, of: { line: true } | { field: string }): JsonProblem | undefined {
  const isLine = "line" in of;
  const maxDepth = LIMITS.jsonDepth + (isLine ? 1 : 0);
  let depth = 0;
  let inString = false;
  let topIsObject = false;
  let expectKey = false; // in the top-level object, the next string is a key
  let keyQuote = -1; // where the top-level key being read opens
  let key: string | undefined; // the top-level key whose value is being read
  let inFailureCases = false;
  let commas = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i += 1; // backslash: the next character is escaped, whatever it is
      else if (c === 0x22) {
        inString = false;
        if (keyQuote >= 0) {
          key = keyName(text, keyQuote, i);
          keyQuote = -1;
        }
      }
      continue;
    }
    if (c === 0x22) {
      inString = true;
      if (isLine && depth === 1 && expectKey) {
        keyQuote = i;
        expectKey = false;
      }
    } else if (c === 0x7b || c === 0x5b) {
      depth += 1;
      if (depth > maxDepth)
        return { field: isLine ? key : of.field, message: `nested deeper than ${LIMITS.jsonDepth} levels` };
      if (depth === 1) {
        topIsObject = c === 0x7b;
        expectKey = topIsObject;
      } else if (isLine && depth === 2 && topIsObject && key === "failure_cases" && c === 0x5b) {
        inFailureCases = true;
        commas = 0;
      }
    } else if (c === 0x7d || c === 0x5d) {
      if (depth === 2) inFailureCases = false;
      depth -= 1;
    } else if (c === 0x2c) {
      if (depth === 1 && topIsObject) expectKey = true;
      else if (depth === 2 && inFailureCases && ++commas >= LIMITS.failureCases)
        return { field: "failure_cases", message: `more than ${LIMITS.failureCases} failure cases` };
    }
  }
  return undefined;
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
    const problem = scanJson(decoded.text, { line: true });
    if (problem) {
      yield { line: raw.line, errors: [{ line: raw.line, ...problem }] };
      continue;
    }
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
const TAGS = {
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

/** The most a tag may hold while it streams in; the schema checks the exact limit afterwards. */
const TAG_CHARS: Record<string, number> = {
  [TAGS.instruction]: LIMITS.instructionChars,
  [TAGS.verifier]: LIMITS.codeChars,
  [TAGS.solution]: LIMITS.codeChars,
  [TAGS.failureCase]: LIMITS.codeChars,
  [TAGS.id]: LIMITS.idChars,
  [TAGS.environment]: LIMITS.environmentChars,
  [TAGS.metadata]: LIMITS.lineBytes,
};
// Room for what unwrap() and trim() take away (blank lines, a code fence) before the exact check.
const TAG_SLACK = 1024;

// Whitespace as /\s/ defines it, without a regular expression per character for ASCII.
function isSpace(c: number): boolean {
  if (c < 0x80) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  return /\s/.test(String.fromCharCode(c));
}

/**
 * Drops the blank lines around a tag's content and a Markdown fence around all of it. Written without
 * regular expressions on purpose: `\n\s*$` and a lazy fence pattern backtrack quadratically over a long
 * run of blank lines, and a 2 MiB tag of them would hold the event loop for hours.
 */
export function unwrap(content: string): string {
  // Leading: up to and including the last newline of the leading whitespace.
  let start = 0;
  for (let i = 0; i < content.length && isSpace(content.charCodeAt(i)); i++)
    if (content.charCodeAt(i) === 0x0a) start = i + 1;
  // Trailing: from the first newline of the trailing whitespace (after `start`).
  let end = content.length;
  for (let i = content.length - 1; i >= start && isSpace(content.charCodeAt(i)); i--)
    if (content.charCodeAt(i) === 0x0a) end = i;
  const s = content.slice(start, end);
  // A fence: optional whitespace, ```lang, a newline … a newline, optional whitespace, ```, optional whitespace.
  let i = 0;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  if (!s.startsWith("```", i)) return s;
  i += 3;
  while (i < s.length && /[a-zA-Z0-9_-]/.test(s[i]!)) i++;
  if (s.charCodeAt(i) !== 0x0a) return s;
  const bodyStart = i + 1;
  let e = s.length;
  while (e > bodyStart && isSpace(s.charCodeAt(e - 1))) e--;
  if (e - 3 < bodyStart || !s.startsWith("```", e - 3)) return s;
  // The body ends at the first newline of the whitespace before the closing fence (the shortest body).
  let bodyEnd = -1;
  for (let k = e - 4; k >= bodyStart && isSpace(s.charCodeAt(k)); k--) if (s.charCodeAt(k) === 0x0a) bodyEnd = k;
  return bodyEnd === -1 ? s : s.slice(bodyStart, bodyEnd);
}

interface TaggedTask {
  line: number;
  /** Filled fields; once the task has failed, only which ones (`true`), not their content. */
  fields: Record<string, unknown>;
  failures: string[];
  failureCount: number;
  /** UTF-8 bytes of tag content held so far, all tags together. */
  bytes: number;
  /** Its one error has been reported: the rest of the task is read past without being kept. */
  failed: boolean;
}

interface OpenTag {
  tag: string;
  line: number;
  parts: string[];
  size: number;
}

// A tag begins the next task when its field is already filled, or when it is one of the heading tags
// (instruction, id, environment) and the current task already has code.
function startsNextTask(current: TaggedTask, tag: string): boolean {
  if (tag === TAGS.failureCase) return false;
  const field = tag === TAGS.verifier ? "verifier" : tag;
  if (current.fields[field] !== undefined) return true;
  const heading = tag === TAGS.instruction || tag === TAGS.id || tag === TAGS.environment;
  return (
    heading &&
    (current.fields.verifier !== undefined || current.fields.solution !== undefined || current.failureCount > 0)
  );
}

/** The CaT field a tag fills, as errors name it. */
function fieldOf(task: TaggedTask, tag: string): string {
  if (tag === TAGS.verifier) return "verifier";
  if (tag === TAGS.failureCase) return `failure_cases[${task.failureCount}]`;
  return tag;
}

/** Keeps a closed tag's content in its task; returns why the task is refused, if it is. */
function storeTag(task: TaggedTask, tag: string, content: string): JsonProblem | undefined {
  if (tag === TAGS.failureCase) {
    task.failures.push(content);
    task.failureCount += 1;
  } else if (tag === TAGS.verifier) task.fields.verifier = content;
  else if (tag === TAGS.metadata) {
    const problem = scanJson(content, { field: "metadata" });
    if (problem) return problem;
    try {
      task.fields.metadata = JSON.parse(content);
    } catch (err) {
      return { field: "metadata", message: `invalid JSON: ${(err as Error).message}` };
    }
  } else task.fields[tag] = tag === TAGS.id || tag === TAGS.environment ? content.trim() : content;
  return undefined;
}

/**
 * Parses tagged text. `defaultEnvironment` applies to tasks without an <environment> tag.
 *
 * Every limit is enforced while the text streams in, because a task has no length of its own: one
 * task with an endless run of <failure_case> tags once grew the server past 5 GB. A task that crosses a
 * limit (a tag's size, the failure-case count, LIMITS.taskBytes in all, a bad line inside a tag, bad
 * metadata) gets one error at the line it starts on; the rest of it is read past without being kept,
 * only noting which fields it has so the next task is found where it begins.
 */
export async function* parseTagged(
  source: AsyncIterable<Uint8Array | string>,
  defaultEnvironment?: string,
): AsyncGenerator<ParsedItem> {
  let current: TaggedTask | undefined;
  let open: OpenTag | undefined;

  const fail = (task: TaggedTask, field: string | undefined, message: string): ParsedItem => {
    task.failed = true;
    task.failures = [];
    task.bytes = 0;
    for (const k of Object.keys(task.fields)) task.fields[k] = true;
    if (open) open.parts = [];
    return { line: task.line, errors: [{ line: task.line, ...(field ? { field } : {}), message }] };
  };
  const finish = (): ParsedItem | undefined => {
    const task = current;
    current = undefined;
    if (!task || task.failed) return undefined;
    const value: Record<string, unknown> = { ...task.fields, failure_cases: task.failures };
    if (value.environment === undefined && defaultEnvironment) value.environment = defaultEnvironment;
    if (value.environment === undefined) {
      return {
        line: task.line,
        errors: [
          {
            line: task.line,
            field: "environment",
            message: "no <environment> tag and no default environment given (--env)",
          },
        ],
      };
    }
    return validateTask(task.line, value);
  };

  for await (const raw of readLines(source)) {
    const decoded = decodeLine(raw);
    if ("error" in decoded) {
      // Inside a tag the line is part of the task: importing the task without it would lose content.
      if (open && current && !current.failed)
        yield fail(
          current,
          fieldOf(current, open.tag),
          `line ${raw.line} inside <${open.tag}>: ${decoded.error.message}; the task is skipped`,
        );
      else if (!open) yield { line: raw.line, errors: [decoded.error] };
      continue;
    }
    let text = decoded.text;
    while (text.length) {
      if (open && current) {
        const closeTag = `</${open.tag}>`;
        const close = text.indexOf(closeTag);
        const task = current;
        if (!task.failed) {
          const piece = close === -1 ? text + "\n" : text.slice(0, close);
          open.size += piece.length;
          task.bytes += Buffer.byteLength(piece);
          const limit = TAG_CHARS[open.tag]!;
          if (open.size > limit + TAG_SLACK)
            yield fail(
              task,
              fieldOf(task, open.tag),
              `<${open.tag}> is longer than ${limit} characters (line ${open.line} on); the task is skipped`,
            );
          else if (task.bytes > LIMITS.taskBytes)
            yield fail(
              task,
              fieldOf(task, open.tag),
              `the task is over ${LIMITS.taskBytes / 1048576} MiB, all its tags together (at line ${raw.line}); the task is skipped`,
            );
          else open.parts.push(piece);
        }
        if (close === -1) break;
        text = text.slice(close + closeTag.length);
        const tag = open.tag;
        const content = task.failed ? undefined : unwrap(open.parts.join(""));
        open = undefined;
        if (content === undefined) {
          if (tag === TAGS.failureCase) task.failureCount += 1;
          else task.fields[tag === TAGS.verifier ? "verifier" : tag] = true;
          continue;
        }
        const problem = storeTag(task, tag, content);
        if (problem) yield fail(task, problem.field, `${problem.message}; the task is skipped`);
        continue;
      }
      OPEN_TAG.lastIndex = 0;
      let found: RegExpExecArray | undefined;
      for (let m = OPEN_TAG.exec(text); m; m = OPEN_TAG.exec(text)) {
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
      current ??= { line: raw.line, fields: {}, failures: [], failureCount: 0, bytes: 0, failed: false };
      text = text.slice(found.index + found[0].length);
      if (tag === TAGS.failureCase && !current.failed && current.failureCount >= LIMITS.failureCases) {
        yield fail(
          current,
          "failure_cases",
          `more than ${LIMITS.failureCases} failure cases (failure case ${LIMITS.failureCases + 1} opens at line ${raw.line}); the task is skipped`,
        );
      }
      open = { tag, line: raw.line, parts: [], size: 0 };
    }
  }
  if (open && current && !current.failed) {
    yield {
      line: open.line,
      errors: [{ line: open.line, field: fieldOf(current, open.tag), message: `<${open.tag}> is never closed` }],
    };
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
