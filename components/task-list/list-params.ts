// The list's state lives in the URL (shareable links, a working back button). These read and write
// it; the hooks around them only wire the router.
import { QUERY_KEYS, taskListInputSchema, type TaskQuery, type TaskListInput } from "@/lib/task-query";

const PAGE_SIZE = 200;

interface ParamsLike {
  get(key: string): string | null;
}

/**
 * The list input and its filter from the URL; an invalid value is dropped rather than failing the
 * page. `fixed` filters (the dataset page's working set) override the URL.
 */
export function readListParams(
  params: ParamsLike,
  fixed: Partial<TaskQuery> = {},
): { input: TaskListInput & { limit: number }; filter: TaskQuery } {
  const raw: Record<string, string> = {};
  for (const k of [...QUERY_KEYS, "sort", "dir"] as const) {
    const v = params.get(k);
    if (v) raw[k] = v;
  }
  let parsed = taskListInputSchema.safeParse(raw);
  if (!parsed.success) {
    // Keep what is valid: drop each offending key.
    const bad = new Set(parsed.error.issues.map((i) => String(i.path[0])));
    parsed = taskListInputSchema.safeParse(Object.fromEntries(Object.entries(raw).filter(([k]) => !bad.has(k))));
  }
  const input = { ...(parsed.success ? parsed.data : taskListInputSchema.parse({})), ...fixed };
  const filter: TaskQuery = Object.fromEntries(
    QUERY_KEYS.filter((k) => input[k] !== undefined).map((k) => [k, input[k]]),
  );
  return { input: { ...input, limit: PAGE_SIZE }, filter };
}

/** The query string with some keys set or removed (undefined or "" removes). */
export function withParams(query: string, changes: Record<string, string | undefined>): string {
  const next = new URLSearchParams(query);
  for (const [k, v] of Object.entries(changes)) {
    if (v) next.set(k, v);
    else next.delete(k);
  }
  return next.toString();
}

/** Whether any filter of the URL is set (the fixed ones do not count: the user cannot clear them). */
export function hasFilter(filter: TaskQuery, fixed: Partial<TaskQuery> = {}): boolean {
  return QUERY_KEYS.some((k) => filter[k] !== undefined && !(k in fixed));
}

/** A link to the task list filtered to exactly these tasks (the statistics page links through this). */
export function taskListHref(filter: Partial<Record<(typeof QUERY_KEYS)[number], string | undefined>>): string {
  const qs = withParams("", filter);
  return qs ? `/tasks?${qs}` : "/tasks";
}
