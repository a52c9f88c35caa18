// Verifier strength in the CaT vocabulary, shared by the list filter, the API and the UI.

/** A revision's strength check, worst last (the database enum has the same order). */
export const STRENGTH_STATUSES = ["unchecked", "strong", "unread_writes", "flaky", "lenient"] as const;
export type StrengthStatus = (typeof STRENGTH_STATUSES)[number];

/** How each status reads in the UI. */
export const STRENGTH_LABELS: Record<StrengthStatus, string> = {
  unchecked: "not checked",
  strong: "no leak found",
  unread_writes: "unread writes",
  flaky: "flaky",
  lenient: "suspected lenient",
};
