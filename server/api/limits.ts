// Every request limit in one place: the tRPC procedures, the REST routes (generated from them), the
// CLI and the services all read these, so a comment cannot be 20,000 characters on one surface and
// 10,000 on another. Task content limits are the interchange format's (lib/cat.ts LIMITS).
export const API_LIMITS = {
  /** Task ids in one request (a bulk action on more tasks takes a filter instead). */
  idsPerRequest: 100_000,
  /** Tasks one filter-based bulk action may touch. */
  bulkTasks: 200_000,
  /** Revision ids compared at once. */
  revisionsPerRequest: 10,
  /** A task list page. */
  pageSize: 500,
  nameChars: 100,
  descriptionChars: 2_000,
  notesChars: 10_000,
  commentChars: 10_000,
  overrideReasonChars: 2_000,
  revisionNoteChars: 2_000,
  labelNameChars: 60,
  labelDescriptionChars: 300,
  emailChars: 254,
  userNameChars: 100,
  passwordMinChars: 10,
  passwordMaxChars: 256,
  tokenNameChars: 100,
  /** Reviewers one review policy may require. */
  reviewersPerTask: 10,
  statisticsDays: 365,
} as const;
