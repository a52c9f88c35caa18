// The app as the e2e tests see it: a production build, on 127.0.0.1, with a brand-new embedded
// database in a temporary directory (so every run starts from the demo data and nothing else).
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildIfStale } from "./build-if-stale";

const port = process.argv[2] ?? "3211";
const next = path.join("node_modules", "next", "dist", "bin", "next");
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
buildIfStale();

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "cat-e2e-"));
fs.chmodSync(dataDir, 0o755); // the embedded server may run as the unprivileged postgres user
const server = spawn(process.execPath, [next, "start", "--hostname", "127.0.0.1", "--port", port], {
  stdio: "inherit",
  env: { ...env, NODE_ENV: "production", CAT_DATA_DIR: dataDir },
});
const stop = () => server.kill("SIGTERM");
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
server.on("exit", (code) => {
  // Safety net: if the server died without stopping its database, stop it before removing its files.
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, "postgres", "postmaster.pid"), "utf8").split("\n")[0]);
    if (pid) process.kill(pid, "SIGINT");
  } catch {
    /* already stopped */
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
  process.exit(code ?? 0);
});
