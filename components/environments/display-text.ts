// Pack content reaches this page (tool names, descriptions): the server sends strings only, and this
// never puts anything else into JSX either — a non-string once broke the page for everyone.
export const text = (v: unknown): string =>
  typeof v === "string" ? v : v === null || v === undefined ? "" : safeJson(v);

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return "(not displayable)";
  }
}
