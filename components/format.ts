// Small display helpers shared by the screens.

/** "failure_case_passing" → "failure case passing". */
export const humanize = (s: string) => s.replaceAll("_", " ");

/** "1 task", "2 tasks", with thousands separators. */
export const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString()} ${n === 1 ? one : many}`;

export const when = (iso: string | Date) => new Date(iso).toLocaleString();
