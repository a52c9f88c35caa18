import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { LIMITS } from "@/lib/cat";
import { parseJsonl, parseTagged, scanJson, unwrap, type ParsedItem } from "./parse-tasks";

const MB = 1024 * 1024;

async function collect(items: AsyncIterable<ParsedItem>): Promise<ParsedItem[]> {
  const out: ParsedItem[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const taggedTask = (name: string, extra = "") =>
  `<environment>retail</environment><instruction>${name}</instruction>${extra}\n<evaluation_function>def verify(s, a):\n    return True</evaluation_function>\n<solution>pass</solution>\n<failure_case>pass</failure_case>\n`;

const jsonTask = (id: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    id,
    environment: "retail",
    instruction: "Do it.",
    verifier: "def verify(s, a):\n    return True",
    solution: "pass",
    failure_cases: ["pass"],
    ...extra,
  });

/** JSON text of `{"a": …}` nested `depth` levels deep in total (depth 1 is `{}`). */
const nested = (depth: number) => '{"a":'.repeat(depth - 1) + "{}" + "}".repeat(depth - 1);

/** Streams `head`, then `body` `times` times, then `tail`; reports the largest heap growth seen. */
function streamed(head: string, body: string, times: number, tail: string) {
  const stats = { yieldedBytes: 0, maxHeapGrowth: 0 };
  const base = process.memoryUsage().heapUsed;
  async function* gen() {
    yield head;
    for (let i = 0; i < times; i++) {
      yield body; // the same string each time: the generator itself allocates nothing
      stats.yieldedBytes += body.length;
      if (i % 50 === 0) stats.maxHeapGrowth = Math.max(stats.maxHeapGrowth, process.memoryUsage().heapUsed - base);
    }
    yield tail;
  }
  return { source: gen(), stats };
}

describe("parseTagged enforces its limits while streaming", () => {
  it("refuses a task with an endless run of failure cases with one error, in bounded memory, and parses the next task", async () => {
    const oneKb = `<failure_case>${"x".repeat(1000)}</failure_case>\n`;
    const hundred = oneKb.repeat(100); // 100 failure cases, ~100 KB
    const { source, stats } = streamed(
      "<instruction>First</instruction><evaluation_function>def verify(s, a):\n    return True</evaluation_function><solution>pass</solution>\n",
      hundred,
      2500,
      taggedTask("Second"),
    );
    const items = await collect(parseTagged(source, "retail"));
    expect(stats.yieldedBytes).toBeGreaterThan(250_000_000);
    expect(items).toHaveLength(2);
    expect(items[0]).toEqual({
      line: 1,
      errors: [
        {
          line: 1,
          field: "failure_cases",
          message: expect.stringMatching(
            /^more than 200 failure cases \(failure case 201 opens at line 203\); the task is skipped$/,
          ),
        },
      ],
    });
    expect(items[1]).toMatchObject({ task: { instruction: "Second", failure_cases: ["pass"] } });
    // Before the fix all 250,000 cases (250 MB) were kept until the task closed.
    expect(stats.maxHeapGrowth).toBeLessThan(100 * MB);
  });

  it("refuses a task over LIMITS.taskBytes in all (each tag within its own limit) and parses the next task", async () => {
    // 1 MiB failure cases, each under the 2 MiB code limit, 120 of them (under the count limit): 120 MiB.
    const line = `${"y".repeat(64 * 1024 - 1)}\n`;
    const oneMb = `<failure_case>\n${line.repeat(16)}</failure_case>\n`;
    const { source, stats } = streamed(
      "<id>big</id><instruction>Big</instruction><evaluation_function>pass</evaluation_function><solution>pass</solution>\n",
      oneMb,
      120,
      taggedTask("After"),
    );
    const items = await collect(parseTagged(source, "retail"));
    expect(items).toHaveLength(2);
    expect("errors" in items[0]! && items[0].errors).toEqual([
      {
        line: 1,
        field: "failure_cases[7]",
        message: expect.stringMatching(
          /^the task is over 8 MiB, all its tags together \(at line \d+\); the task is skipped$/,
        ),
      },
    ]);
    expect(items[1]).toMatchObject({ task: { instruction: "After" } });
    expect(stats.maxHeapGrowth).toBeLessThan(100 * MB);
  });

  it("gives one error for a tag over its limit, a bad line inside a tag, and an unclosed tag, and goes on", async () => {
    const longId = `<id>${"i".repeat(LIMITS.idChars + 2000)}</id><instruction>Long id</instruction><evaluation_function>pass</evaluation_function><solution>pass</solution>\n`;
    const badLine = Buffer.concat([
      Buffer.from("<instruction>Bad byte</instruction><solution>\nok\n"),
      Buffer.from([0xff, 0x0a]),
      Buffer.from("</solution><evaluation_function>pass</evaluation_function>\n"),
    ]);
    async function* gen() {
      yield taggedTask("One");
      yield longId;
      yield taggedTask("Two");
      yield badLine;
      yield taggedTask("Three");
      yield "<instruction>Unclosed</instruction><solution>never closed\n";
    }
    const items = await collect(parseTagged(gen(), "retail"));
    const summary = items.map((i) => ("task" in i ? i.task.instruction : i.errors));
    expect(summary).toEqual([
      "One",
      [
        {
          line: 6,
          field: "id",
          message: `<id> is longer than ${LIMITS.idChars} characters (line 6 on); the task is skipped`,
        },
      ],
      "Two",
      [
        {
          line: 12,
          field: "solution",
          message:
            "line 14 inside <solution>: bytes are not valid UTF-8 (first bad byte at column 1); the task is skipped",
        },
      ],
      "Three",
      [{ line: 21, field: "solution", message: "<solution> is never closed" }],
    ]);
  });

  it("refuses deeply nested <metadata> before parsing it, naming the field, and keeps the tasks around it", async () => {
    const deep = (depth: number, name: string) => taggedTask(name, `<metadata>${nested(depth)}</metadata>`);
    const items = await collect(
      parseTagged(
        Readable.from([
          taggedTask("Before"),
          deep(100_000, "Deep"),
          deep(LIMITS.jsonDepth, "At the limit"),
          deep(LIMITS.jsonDepth + 1, "One over"),
          taggedTask("After"),
        ]),
        "retail",
      ),
    );
    const summary = items.map((i) => ("task" in i ? i.task.instruction : i.errors));
    expect(summary).toEqual([
      "Before",
      [{ line: 6, field: "metadata", message: `nested deeper than ${LIMITS.jsonDepth} levels; the task is skipped` }],
      "At the limit",
      [{ line: 16, field: "metadata", message: `nested deeper than ${LIMITS.jsonDepth} levels; the task is skipped` }],
      "After",
    ]);
  });

  it("unwraps fences and blank lines in linear time", () => {
    expect(unwrap("\n  \n```python\nx = 1\n```  \n\n")).toBe("x = 1");
    expect(unwrap("\n\n  keep indent\n\n")).toBe("  keep indent");
    // `\n\s*$` over 2 MiB of blank lines ending in a character took hours (quadratic backtracking).
    const blank = "\n".repeat(LIMITS.codeChars) + "x";
    const started = Date.now();
    expect(unwrap(blank)).toBe("x");
    expect(unwrap("```\n" + "\n".repeat(LIMITS.codeChars) + "x")).toBe("```\n" + "\n".repeat(LIMITS.codeChars) + "x");
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe("parseJsonl refuses what would only fail after JSON.parse", () => {
  it("refuses a 100,000-deep line naming the field, before and after it lines parse", async () => {
    const lines = [
      jsonTask("before"),
      jsonTask("deep", { metadata: "PLACEHOLDER" }).replace('"PLACEHOLDER"', nested(100_000)),
      jsonTask("limit", { metadata: "PLACEHOLDER" }).replace('"PLACEHOLDER"', nested(LIMITS.jsonDepth)),
      jsonTask("over", { metadata: "PLACEHOLDER" }).replace('"PLACEHOLDER"', nested(LIMITS.jsonDepth + 1)),
      jsonTask("strings", { metadata: { s: "[[[[{{{{".repeat(1000), 'q\\"[': ["\\"] } }),
      "[".repeat(100_000) + "]".repeat(100_000),
      jsonTask("after"),
    ];
    const items = await collect(parseJsonl(Readable.from([lines.join("\n")])));
    const summary = items.map((i) => ("task" in i ? i.task.id : i.errors));
    expect(summary).toEqual([
      "before",
      [{ line: 2, field: "metadata", message: `nested deeper than ${LIMITS.jsonDepth} levels` }],
      "limit",
      [{ line: 4, field: "metadata", message: `nested deeper than ${LIMITS.jsonDepth} levels` }],
      "strings",
      [{ line: 6, message: `nested deeper than ${LIMITS.jsonDepth} levels` }],
      "after",
    ]);
  });

  it("refuses more than LIMITS.failureCases failure cases while scanning, not after parsing", () => {
    const many = jsonTask("many", { failure_cases: Array.from({ length: 100_000 }, () => "") });
    expect(scanJson(many, { line: true })).toEqual({
      field: "failure_cases",
      message: `more than ${LIMITS.failureCases} failure cases`,
    });
    expect(
      scanJson(jsonTask("ok", { failure_cases: Array.from({ length: LIMITS.failureCases }, () => "a, b") }), {
        line: true,
      }),
    ).toBeUndefined();
    // A key that only looks like failure_cases inside metadata does not count.
    expect(
      scanJson(jsonTask("meta", { metadata: { failure_cases: Array.from({ length: 500 }, () => 1) } }), { line: true }),
    ).toBeUndefined();
  });
});
