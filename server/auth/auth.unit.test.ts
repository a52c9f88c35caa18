// The pure parts of accounts: the role order, when a request counts as https, the login limit.
import { describe, expect, it } from "vitest";
import type { ServerEnv } from "../env";
import { isSecureRequest } from "./auth";
import { LOGIN_LIMITS, loginRetryAfter, recordLoginResult, resetLoginLimits } from "./login-limit";
import { requireRole, roleAtLeast } from "./roles";

const env = (over: Partial<ServerEnv>) => ({ publicUrl: undefined, trustProxy: false, ...over }) as ServerEnv;

describe("roles", () => {
  it("include the ones below them", () => {
    expect(roleAtLeast("admin", "viewer")).toBe(true);
    expect(roleAtLeast("curator", "reviewer")).toBe(true);
    expect(roleAtLeast("reviewer", "curator")).toBe(false);
    expect(roleAtLeast(null, "viewer")).toBe(false);
    expect(() => requireRole(null, "viewer")).toThrow(expect.objectContaining({ code: "UNAUTHORIZED" }));
    expect(() => requireRole({ id: 1, email: "v@x", name: "v", role: "viewer", via: "token" }, "reviewer")).toThrow(
      expect.objectContaining({ code: "FORBIDDEN" }),
    );
  });
});

describe("isSecureRequest", () => {
  const https = new Headers({ "x-forwarded-proto": "https" });
  it("trusts X-Forwarded-Proto only behind a declared proxy", () => {
    expect(isSecureRequest(https, env({}))).toBe(false);
    expect(isSecureRequest(https, env({ trustProxy: true }))).toBe(true);
    expect(isSecureRequest(new Headers({ "x-forwarded-proto": "http" }), env({ trustProxy: true }))).toBe(false);
  });
  it("follows the public URL when there is one", () => {
    expect(isSecureRequest(new Headers(), env({ publicUrl: "https://curator.lab.example" }))).toBe(true);
    expect(isSecureRequest(https, env({ publicUrl: "http://10.0.0.5:3000", trustProxy: true }))).toBe(false);
  });
});

describe("login limit", () => {
  it("blocks an account after its failures, per client when known, and a success clears the account", () => {
    resetLoginLimits();
    const t0 = 1_000_000;
    for (let i = 0; i < LOGIN_LIMITS.perAccount; i++) recordLoginResult("A@x.example", null, false, t0);
    expect(loginRetryAfter("a@x.example", null, t0 + 1000)).toBeGreaterThan(0);
    expect(loginRetryAfter("b@x.example", null, t0 + 1000)).toBe(0);
    expect(loginRetryAfter("a@x.example", null, t0 + LOGIN_LIMITS.windowMs + 1)).toBe(0);
    resetLoginLimits();
    for (let i = 0; i < LOGIN_LIMITS.perClient; i++) recordLoginResult(`u${i}@x.example`, "10.0.0.9", false, t0);
    expect(loginRetryAfter("new@x.example", "10.0.0.9", t0)).toBeGreaterThan(0);
    expect(loginRetryAfter("new@x.example", "10.0.0.10", t0)).toBe(0);
    resetLoginLimits();
    recordLoginResult("c@x.example", null, false, t0);
    recordLoginResult("c@x.example", null, true, t0);
    expect(loginRetryAfter("c@x.example", null, t0)).toBe(0);
  });
});
