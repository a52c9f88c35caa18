// `npm start`: builds the app when the build is missing or older than the sources, then serves it.
// The server process itself starts the embedded database, applies migrations and loads the demo.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { serverEnv } from "../server/env";

const SOURCES = ["app", "components", "lib", "server", "next.config.ts", "package-lock.json", "prisma/schema.prisma"];

function newest(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = st.mtimeMs;
  for (const e of fs.readdirSync(p)) if (e !== "node_modules" && !e.startsWith(".")) m = Math.max(m, newest(path.join(p, e)));
  return m;
}

const next = path.join("node_modules", "next", "dist", "bin", "next");
const buildId = path.join(".next", "BUILD_ID");
const built = fs.existsSync(buildId) ? fs.statSync(buildId).mtimeMs : 0;
if (built < Math.max(...SOURCES.map(newest))) {
  console.log(built ? "Sources changed since the last build: rebuilding…" : "First start: building the app…");
  const r = spawnSync(process.execPath, [next, "build"], { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const { host, port } = serverEnv();
console.log(`CaT Curator: http://${host === "0.0.0.0" ? "localhost" : host}:${port}`);
const r = spawnSync(process.execPath, [next, "start", "--hostname", host, "--port", String(port)], {
  stdio: "inherit",
  env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
});
process.exit(r.status ?? 0);
