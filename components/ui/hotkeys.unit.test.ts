import { describe, expect, it } from "vitest";
import { isActivationTarget, isTypingTarget, matchesCombo, parseCombo, type KeyLike } from "./hotkeys";

const key = (k: string, mods: Partial<KeyLike> = {}): KeyLike => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...mods,
});

describe("parseCombo", () => {
  it("reads modifiers and named keys", () => {
    expect(parseCombo("mod+enter")).toEqual({ key: "Enter", mod: true, alt: false });
    expect(parseCombo("a")).toEqual({ key: "a", mod: false, alt: false });
    expect(parseCombo("?")).toEqual({ key: "?", mod: false, alt: false });
    expect(parseCombo("Escape")).toEqual({ key: "Escape", mod: false, alt: false });
    expect(parseCombo("mod++")).toEqual({ key: "+", mod: true, alt: false });
  });
});

describe("matchesCombo", () => {
  it("Ctrl or Cmd is mod", () => {
    expect(matchesCombo(parseCombo("mod+s"), key("s", { ctrlKey: true }))).toBe(true);
    expect(matchesCombo(parseCombo("mod+s"), key("s", { metaKey: true }))).toBe(true);
    expect(matchesCombo(parseCombo("mod+s"), key("S", { ctrlKey: true, shiftKey: true }))).toBe(true);
    expect(matchesCombo(parseCombo("mod+s"), key("s"))).toBe(false);
  });
  it("a bare key does not fire with Ctrl or Alt held, and is case-sensitive", () => {
    expect(matchesCombo(parseCombo("a"), key("a"))).toBe(true);
    expect(matchesCombo(parseCombo("a"), key("a", { ctrlKey: true }))).toBe(false);
    expect(matchesCombo(parseCombo("a"), key("a", { altKey: true }))).toBe(false);
    expect(matchesCombo(parseCombo("a"), key("A", { shiftKey: true }))).toBe(false);
  });
  it("ignores Shift for symbols typed with it", () => {
    expect(matchesCombo(parseCombo("?"), key("?", { shiftKey: true }))).toBe(true);
  });
});

describe("isTypingTarget", () => {
  const el = (tagName: string, extra: Record<string, unknown> = {}) => ({ tagName, closest: () => null, ...extra });
  it("text fields, selects and editors are typing; checkboxes and buttons are not", () => {
    expect(isTypingTarget(el("TEXTAREA"))).toBe(true);
    expect(isTypingTarget(el("SELECT"))).toBe(true);
    expect(isTypingTarget(el("INPUT", { type: "search" }))).toBe(true);
    expect(isTypingTarget(el("INPUT", { type: "text" }))).toBe(true);
    expect(isTypingTarget(el("INPUT", { type: "checkbox" }))).toBe(false);
    expect(isTypingTarget(el("BUTTON"))).toBe(false);
    expect(isTypingTarget(el("DIV", { isContentEditable: true }))).toBe(true);
    expect(isTypingTarget(el("DIV", { closest: (s: string) => (s === ".monaco-editor" ? {} : null) }))).toBe(true);
    expect(isTypingTarget(el("BODY"))).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });
});

describe("isActivationTarget", () => {
  it("links, buttons and checkboxes take Enter themselves", () => {
    expect(isActivationTarget({ tagName: "A" })).toBe(true);
    expect(isActivationTarget({ tagName: "BUTTON" })).toBe(true);
    expect(isActivationTarget({ tagName: "INPUT", type: "checkbox" })).toBe(true);
    expect(isActivationTarget({ tagName: "INPUT", type: "text" })).toBe(false);
    expect(isActivationTarget({ tagName: "BODY" })).toBe(false);
  });
});
