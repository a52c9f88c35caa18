// Used by Prisma's own CLI (generate here; migrate status/deploy on machines that can fetch its engine).
// The app itself never reads this file: it applies prisma/migrations through server/db/migrate.ts.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/cat" },
});
