// Synthetic CaT tasks for the benchmarks: realistic sizes, deterministic content.
import fs from "node:fs";

const WORDS =
  "return exchange cancel order skateboard lamp paypal gift card address refund tracking zip email user item variant blue red small large".split(
    " ",
  );
export function syntheticTask(i: number) {
  const w = (k: number) => WORDS[(i * 7 + k * 13) % WORDS.length];
  return {
    id: `bench-${i}`,
    environment: i % 5 === 0 ? "airline" : "retail",
    instruction: `Your name is User ${i} and you want to ${w(1)} the ${w(2)} ${w(3)} from order #W${1000000 + i}. ${"You are patient and polite. ".repeat(6)}`,
    verifier: `def verify(state, answer):\n    o = state['orders']['#W${1000000 + i}']\n    return o['status'] == '${w(4)}' and len(o['items']) == ${i % 4}\n`,
    solution: `uid = find_user_id_by_email(email='user${i}@example.com')\nreturn_delivered_order_items(order_id='#W${1000000 + i}', item_ids=['${i}'], payment_method_id='paypal_${i}')\n`,
    failure_cases: [
      `find_user_id_by_email(email='user${i}@example.com')`,
      `cancel_pending_order(order_id='#W${1000000 + i}', reason='no longer needed')`,
      "respond('done')",
    ],
    metadata: { generator: "bench", run: `run-${i % 10}` },
  };
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Writes n synthetic tasks as JSON Lines, streamed. */
export async function writeSyntheticFile(file: string, n: number): Promise<void> {
  const out = fs.createWriteStream(file);
  for (let i = 0; i < n; i++)
    if (!out.write(JSON.stringify(syntheticTask(i)) + "\n"))
      await new Promise<void>((r) => out.once("drain", () => r()));
  await new Promise<void>((r) => out.end(() => r()));
}
