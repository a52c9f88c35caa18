// Login attempts are limited per account and per client address, so guessing a password costs hours
// instead of seconds. Failures count, successes clear the account's count. The client address is
// known only behind a trusted proxy (CAT_TRUST_PROXY=1); without it, the per-account limit still
// holds, and a global limit bounds guessing across many accounts.
// In memory, per web server: enough for the one-machine setup; each extra server adds its own budget.

interface Window {
  failures: number[];
}

export const LOGIN_LIMITS = {
  windowMs: 15 * 60_000,
  perAccount: 10,
  perClient: 30,
  global: 300,
} as const;

const g = globalThis as unknown as { catLoginFailures?: Map<string, Window> };
const failures = (): Map<string, Window> => (g.catLoginFailures ??= new Map());

function recent(key: string, now: number): number[] {
  const w = failures().get(key);
  if (!w) return [];
  w.failures = w.failures.filter((t) => now - t < LOGIN_LIMITS.windowMs);
  if (!w.failures.length) failures().delete(key);
  return w.failures;
}

function keys(email: string, client: string | null): Array<[string, number]> {
  return [
    [`account:${email.trim().toLowerCase()}`, LOGIN_LIMITS.perAccount],
    ...(client ? [[`client:${client}`, LOGIN_LIMITS.perClient] as [string, number]] : []),
    ["global", LOGIN_LIMITS.global],
  ];
}

/** Seconds to wait before another attempt is allowed, or 0 when it may go ahead. */
export function loginRetryAfter(email: string, client: string | null, now = Date.now()): number {
  let wait = 0;
  for (const [key, max] of keys(email, client)) {
    const f = recent(key, now);
    if (f.length >= max) wait = Math.max(wait, Math.ceil((f[f.length - max]! + LOGIN_LIMITS.windowMs - now) / 1000));
  }
  return wait;
}

export function recordLoginResult(email: string, client: string | null, ok: boolean, now = Date.now()): void {
  if (ok) {
    failures().delete(`account:${email.trim().toLowerCase()}`);
    return;
  }
  for (const [key] of keys(email, client)) {
    const f = recent(key, now);
    failures().set(key, { failures: [...f, now] });
  }
}

/** Forgets every count (tests). */
export function resetLoginLimits(): void {
  failures().clear();
}
