// The web app's front door, run for every request before any route (see proxy.ts). It refuses:
// - a Host that is not one of ours (DNS rebinding: a page on attacker.example whose name resolves
//   to 127.0.0.1 reaches us with `Host: attacker.example`), for every method, reads included;
// - a state-changing request that a browser sent from another origin (a no-cors POST with
//   content-type text/plain needs no preflight, so CORS alone does not stop it);
// - a JSON API write whose body is not declared as JSON (defence in depth for old browsers that
//   send no Origin).
// Scripts (curl, Python) send neither Origin nor Sec-Fetch-Site and are not affected.

export interface GuardConfig {
  /** Host names (no port) the app answers to, lower case. */
  allowedHosts: readonly string[];
}

export interface Refusal {
  status: number;
  code: "FORBIDDEN_HOST" | "CROSS_SITE" | "UNSUPPORTED_MEDIA_TYPE";
  message: string;
}

export interface GuardedRequest {
  method: string;
  pathname: string;
  headers: Headers;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const DEFAULT_ALLOWED_HOSTS = ["localhost", "127.0.0.1", "::1"];

/** "Example.org:3000" → "example.org"; "[::1]:3000" → "::1"; garbage → null. */
export function hostnameOf(hostHeader: string): string | null {
  const h = hostHeader.trim().toLowerCase();
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/.exec(h);
  if (!m) return null;
  return m[1]!.replace(/^\[|\]$/g, "");
}

/** The allowed host names: the defaults, the configured ones, and HOST when it names one address. */
export function allowedHostsFrom(env: { host: string; allowedHosts: string[] }): string[] {
  const hosts = new Set(DEFAULT_ALLOWED_HOSTS);
  for (const h of env.allowedHosts) hosts.add(h.toLowerCase());
  if (env.host && env.host !== "0.0.0.0" && env.host !== "::") hosts.add(env.host.toLowerCase());
  return [...hosts];
}

function isAllowedHost(hostname: string, cfg: GuardConfig): boolean {
  return (
    cfg.allowedHosts.includes(hostname) ||
    cfg.allowedHosts.includes("*") ||
    (cfg.allowedHosts.includes("localhost") && hostname.endsWith(".localhost"))
  );
}

export function guardRequest(req: GuardedRequest, cfg: GuardConfig): Refusal | null {
  const host = req.headers.get("host") ?? "";
  const hostname = hostnameOf(host);
  if (!hostname || !isAllowedHost(hostname, cfg)) {
    return {
      status: 403,
      code: "FORBIDDEN_HOST",
      message: `This server does not answer to the host '${host.slice(0, 100)}'. If that is its real name, add it to CAT_ALLOWED_HOSTS.`,
    };
  }
  if (SAFE_METHODS.has(req.method)) return null;

  const origin = req.headers.get("origin");
  if (origin !== null) {
    let originHost: string | null = null;
    try {
      originHost = origin === "null" ? null : new URL(origin).host.toLowerCase();
    } catch {
      originHost = null;
    }
    // Same origin means the page was served by this host: compare host and port. The scheme is not
    // compared, so a TLS-terminating reverse proxy that forwards Host works unchanged.
    if (originHost !== host.trim().toLowerCase()) {
      return {
        status: 403,
        code: "CROSS_SITE",
        message: `Refused: this request came from another site (${origin.slice(0, 100)}).`,
      };
    }
  } else {
    const site = req.headers.get("sec-fetch-site");
    if (site !== null && site !== "same-origin" && site !== "none") {
      return {
        status: 403,
        code: "CROSS_SITE",
        message: `Refused: this request came from another site (Sec-Fetch-Site: ${site.slice(0, 40)}).`,
      };
    }
  }

  if ((req.pathname.startsWith("/api/trpc/") || req.pathname.startsWith("/api/v1/")) && hasBody(req.headers)) {
    const type = (req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (type !== "application/json") {
      return {
        status: 415,
        code: "UNSUPPORTED_MEDIA_TYPE",
        message: `Send the body as application/json (got '${type.slice(0, 60) || "none"}').`,
      };
    }
  }
  return null;
}

function hasBody(headers: Headers): boolean {
  if (headers.has("transfer-encoding")) return true;
  const n = Number(headers.get("content-length") ?? "0");
  return Number.isFinite(n) && n > 0;
}

/**
 * What every response carries: no framing by other sites (a framed task page was approved by a
 * click and a key press), no MIME sniffing, and a CSP that allows only this origin's scripts,
 * styles, workers and connections. Next's inline bootstrap scripts need 'unsafe-inline'; dev mode
 * also needs 'unsafe-eval' for fast refresh.
 */
export function securityHeaders(dev: boolean): Record<string, string> {
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${dev ? " ws: wss:" : ""}`,
    "worker-src 'self' blob:",
    "frame-ancestors 'none'",
    "frame-src 'self'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ].join("; ");
  return {
    "Content-Security-Policy": csp,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
  };
}

let routeConfig: { cfg: GuardConfig; headers: Record<string, string> } | undefined;
/** The guard's configuration from the validated environment, computed once per process. */
export function guardConfigFromEnv(env: { host: string; allowedHosts: string[]; nodeEnv: string }) {
  routeConfig ??= {
    cfg: { allowedHosts: allowedHostsFrom(env) },
    headers: securityHeaders(env.nodeEnv === "development"),
  };
  return routeConfig;
}
