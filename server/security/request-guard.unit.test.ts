import { describe, expect, it } from "vitest";
import { allowedHostsFrom, guardRequest, hostnameOf, securityHeaders } from "./request-guard";

const cfg = { allowedHosts: allowedHostsFrom({ host: "127.0.0.1", allowedHosts: ["curator.lab.example"] }) };
const req = (method: string, headers: Record<string, string>, pathname = "/api/v1/datasets") => ({
  method,
  pathname,
  headers: new Headers(headers),
});

describe("hostnameOf", () => {
  it("takes the name without the port, IPv6 in brackets, and refuses garbage", () => {
    expect(hostnameOf("Example.ORG:3000")).toBe("example.org");
    expect(hostnameOf("[::1]:3000")).toBe("::1");
    expect(hostnameOf("127.0.0.1")).toBe("127.0.0.1");
    expect(hostnameOf("evil.example/x")).toBeNull();
    expect(hostnameOf("")).toBeNull();
  });
});

describe("guardRequest", () => {
  it("answers only to its own host names, reads included", () => {
    expect(guardRequest(req("GET", { host: "localhost:3000" }), cfg)).toBeNull();
    expect(guardRequest(req("GET", { host: "app.localhost:3000" }), cfg)).toBeNull();
    expect(guardRequest(req("GET", { host: "curator.lab.example" }), cfg)).toBeNull();
    expect(guardRequest(req("GET", { host: "attacker.example:3000" }), cfg)).toMatchObject({
      status: 403,
      code: "FORBIDDEN_HOST",
    });
    expect(guardRequest(req("GET", {}), cfg)).toMatchObject({ code: "FORBIDDEN_HOST" });
  });

  it("refuses writes from another origin or marked cross-site, and accepts its own and scripts'", () => {
    const json = { "content-type": "application/json", "content-length": "2" };
    expect(
      guardRequest(req("POST", { host: "127.0.0.1:3000", origin: "http://127.0.0.1:3000", ...json }), cfg),
    ).toBeNull();
    expect(guardRequest(req("POST", { host: "127.0.0.1:3000", ...json }), cfg)).toBeNull();
    expect(
      guardRequest(req("POST", { host: "127.0.0.1:3000", origin: "http://127.0.0.1:3001", ...json }), cfg),
    ).toMatchObject({ code: "CROSS_SITE" });
    expect(guardRequest(req("POST", { host: "127.0.0.1:3000", origin: "null", ...json }), cfg)).toMatchObject({
      code: "CROSS_SITE",
    });
    expect(guardRequest(req("DELETE", { host: "127.0.0.1:3000", "sec-fetch-site": "cross-site" }), cfg)).toMatchObject({
      code: "CROSS_SITE",
    });
    expect(
      guardRequest(req("POST", { host: "127.0.0.1:3000", "sec-fetch-site": "same-site", ...json }), cfg),
    ).toMatchObject({ code: "CROSS_SITE" });
    expect(guardRequest(req("POST", { host: "127.0.0.1:3000", "sec-fetch-site": "none", ...json }), cfg)).toBeNull();
    // A TLS-terminating proxy forwards Host: the scheme of Origin is not compared.
    expect(
      guardRequest(req("POST", { host: "curator.lab.example", origin: "https://curator.lab.example", ...json }), cfg),
    ).toBeNull();
  });

  it("wants JSON API bodies declared as JSON; uploads and reads are not affected", () => {
    expect(
      guardRequest(req("POST", { host: "localhost", "content-type": "text/plain", "content-length": "10" }), cfg),
    ).toMatchObject({ status: 415 });
    expect(
      guardRequest(
        req("POST", { host: "localhost", "content-type": "text/plain", "content-length": "10" }, "/api/import"),
        cfg,
      ),
    ).toBeNull();
    expect(guardRequest(req("DELETE", { host: "localhost" }, "/api/v1/reruns/1"), cfg)).toBeNull();
  });
});

describe("securityHeaders", () => {
  it("forbids framing and allows eval only in development", () => {
    const prod = securityHeaders(false);
    expect(prod["Content-Security-Policy"]).toContain("frame-ancestors 'none'");
    expect(prod["Content-Security-Policy"]).not.toContain("unsafe-eval");
    expect(prod["X-Frame-Options"]).toBe("DENY");
    expect(securityHeaders(true)["Content-Security-Policy"]).toContain("unsafe-eval");
  });
});
