// `npm start`: builds the app when the build is missing or older than the sources, then serves it.
// The server process itself starts the embedded database, applies migrations, loads the demo and
// runs a filter worker.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { serverEnv } from "../server/env";
import { buildIfStale } from "./build-if-stale";

buildIfStale();
const { host, port } = serverEnv();
console.log(`CaT Curator: http://${host === "0.0.0.0" ? "localhost" : host}:${port}`);
const r = spawnSync(
  process.execPath,
  [path.join("node_modules", "next", "dist", "bin", "next"), "start", "--hostname", host, "--port", String(port)],
  {
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
  },
);
process.exit(r.status ?? 0);
