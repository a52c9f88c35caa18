// Builds the Next app when .next is missing or older than the sources; otherwise does nothing.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const SOURCES = [
  "app",
  "components",
  "lib",
  "server",
  "instrumentation.ts",
  "next.config.ts",
  "package-lock.json",
  "prisma/schema.prisma",
];

function newest(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = st.mtimeMs;
  for (const e of fs.readdirSync(p))
    if (e !== "node_modules" && e !== "__pycache__" && !e.startsWith(".")) m = Math.max(m, newest(path.join(p, e)));
  return m;
}

export function buildIfStale(): void {
  const buildId = path.join(".next", "BUILD_ID");
  const built = fs.existsSync(buildId) ? fs.statSync(buildId).mtimeMs : 0;
  if (built >= Math.max(...SOURCES.map(newest))) return;
  console.log(built ? "Sources changed since the last build: rebuilding…" : "Building the app…");
  const r = spawnSync(process.execPath, [path.join("node_modules", "next", "dist", "bin", "next"), "build"], {
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (import.meta.url === `file://${process.argv[1]}`) buildIfStale();
