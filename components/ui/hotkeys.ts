// The one keyboard layer's pure parts: what a key spec means, and when the user is typing (then
// single-key shortcuts stand aside and only modifier combos such as Ctrl+Enter act).

/** The fields of a KeyboardEvent this needs (tests pass plain objects). */
export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

export interface Combo {
  key: string;
  /** Ctrl on Linux and Windows, Cmd on a Mac. */
  mod: boolean;
  alt: boolean;
}

const NAMED: Record<string, string> = {
  enter: "Enter",
  escape: "Escape",
  esc: "Escape",
  space: " ",
  up: "ArrowUp",
  down: "ArrowDown",
};

/** "mod+enter" → {key: "Enter", mod: true}; "a" → {key: "a"}; "?" → {key: "?"}. */
export function parseCombo(spec: string): Combo {
  const parts = spec.split("+");
  // "+" itself as the key ("mod++") leaves an empty last part.
  const last = parts.pop() || "+";
  const mods = new Set(parts.map((p) => p.toLowerCase()));
  return {
    key: NAMED[last.toLowerCase()] ?? last,
    mod: mods.has("mod") || mods.has("ctrl") || mods.has("cmd"),
    alt: mods.has("alt"),
  };
}

/**
 * Whether an event is this combo. Letters match case-insensitively only with a modifier (Ctrl+S
 * with Caps Lock on is still a save); a bare letter is case-sensitive so Shift+A is not "a".
 * Shift is not checked: "?" is Shift+/ on most layouts.
 */
export function matchesCombo(combo: Combo, e: KeyLike): boolean {
  if (combo.mod !== (e.ctrlKey || e.metaKey)) return false;
  if (combo.alt !== e.altKey) return false;
  if (combo.key.length === 1 && combo.mod) return combo.key.toLowerCase() === e.key.toLowerCase();
  return combo.key === e.key;
}

/** Inputs that take text; a checkbox or a button with focus does not swallow j/k. */
const TEXT_INPUT_TYPES = new Set([
  "",
  "text",
  "search",
  "email",
  "url",
  "tel",
  "password",
  "number",
  "date",
  "datetime-local",
  "month",
  "time",
  "week",
]);

interface ElementLike {
  tagName?: string;
  type?: string;
  isContentEditable?: boolean;
  closest?: (selector: string) => unknown;
}

/** The user is typing into this element: a text field, a select, a contenteditable, or Monaco. */
export function isTypingTarget(target: unknown): boolean {
  if (!target || typeof target !== "object") return false;
  const el = target as ElementLike;
  const tag = (el.tagName ?? "").toUpperCase();
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag === "INPUT") return TEXT_INPUT_TYPES.has((el.type ?? "").toLowerCase());
  if (el.isContentEditable) return true;
  return !!el.closest?.(".monaco-editor");
}

/** Enter or Space on this element activates it (a link, a button, a checkbox): shortcuts leave those keys alone. */
export function isActivationTarget(target: unknown): boolean {
  if (!target || typeof target !== "object") return false;
  const el = target as ElementLike;
  const tag = (el.tagName ?? "").toUpperCase();
  return (
    tag === "A" ||
    tag === "BUTTON" ||
    tag === "SUMMARY" ||
    (tag === "INPUT" && !TEXT_INPUT_TYPES.has((el.type ?? "").toLowerCase()))
  );
}
