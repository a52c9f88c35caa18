// `prisma generate` needs no schema engine, but Prisma's CLI downloads one before any command unless
// told where one is; on machines without internet that download fails. Point it at a harmless binary.
import { spawnSync } from "node:child_process";
import fs from "node:fs";

const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY && fs.existsSync("/bin/true")) env.PRISMA_SCHEMA_ENGINE_BINARY = "/bin/true";
const r = spawnSync(process.execPath, ["node_modules/prisma/build/index.js", "generate"], { stdio: "inherit", env });
process.exit(r.status ?? 1);
