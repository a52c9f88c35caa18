// What each role may do in the UI, stated once: every button, link and form that writes asks
// `can(action)`. The server checks the same rule on every call (the procedures' role builders, the
// file routes' authorize); this table only keeps viewers from dead buttons, and its unit test holds
// it to the server's rule, procedure by procedure.
import type { Role } from "@/server/auth/roles";

export type { Role };

/** An action: the least role that may do it, and the procedures (or file route) it calls. */
interface ActionRule {
  role: Role;
  procedures?: readonly string[];
  route?: string;
}

export const ACTIONS = {
  // Curators: the content of tasks, the filter, datasets, review policies.
  // Adding a leaking variant as a failure case saves a revision: an edit.
  edit: { role: "curator", procedures: ["review.save", "task.revise", "strength.addAsFailureCase"] },
  import: { role: "curator", route: "app/api/import/route.ts" },
  runFilter: { role: "curator", procedures: ["filter.rerun", "filter.cancel"] },
  checkStrength: { role: "curator", procedures: ["strength.request"] },
  manageDatasets: {
    role: "curator",
    procedures: ["dataset.create", "dataset.add", "dataset.remove", "dataset.publish", "dataset.export"],
  },
  editLabelSet: { role: "curator", procedures: ["review.createLabel", "review.deleteLabel"] },
  setReviewPolicy: { role: "curator", procedures: ["reviewers.setPolicy", "reviewers.clearPolicy"] },
  assignReviewers: { role: "curator", procedures: ["reviewers.reviewers", "reviewers.assign", "reviewers.unassign"] },
  // review.decide with adjudicate: true; the procedure itself is a reviewer's and checks this inside.
  adjudicate: { role: "curator" },
  // Reviewers: decisions, labels, comments, Try, their queue.
  review: { role: "reviewer", procedures: ["review.setStatus", "review.decide"] },
  label: { role: "reviewer", procedures: ["review.setLabel"] },
  comment: { role: "reviewer", procedures: ["review.comment"] },
  try: { role: "reviewer", procedures: ["review.try", "task.tryEdit"] },
  reviewQueue: { role: "reviewer", procedures: ["reviewers.queue"] },
  // Administrators: environments and accounts.
  uploadPack: { role: "admin", route: "app/api/packs/route.ts" },
  choosePack: { role: "admin", procedures: ["environment.setActivePack"] },
  manageUsers: {
    role: "admin",
    procedures: ["account.users", "account.addUser", "account.updateUser", "account.setPassword"],
  },
} as const satisfies Record<string, ActionRule>;

export type Action = keyof typeof ACTIONS;

/**
 * Whether `role` may do `action`, given the roles from least to most (account.status's `roles`,
 * the server's own order). No role (signed out, or the status not loaded yet): nothing.
 */
export function roleCan(roles: readonly Role[], role: Role | null | undefined, action: Action): boolean {
  if (!role) return false;
  const has = roles.indexOf(role);
  const needs = roles.indexOf(ACTIONS[action].role);
  return has >= 0 && needs >= 0 && has >= needs;
}
