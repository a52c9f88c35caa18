// One real embedded PostgreSQL server for the whole test run, in a temporary directory, with a
// migrated template database; each test file clones the template (cheap) via createTestDb().
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres, withDatabase } from "./embedded";
import { applyMigrations } from "./migrate";

declare module "vitest" {
  export interface ProvidedContext {
    pgUrl: string;
  }
}

export const TEMPLATE_DB = "cat_template";

export default async function setup(project: TestProject) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cat-test-pg-"));
  fs.chmodSync(dir, 0o755);
  const server = await startEmbeddedPostgres(dir);
  const admin = new pg.Client({ connectionString: withDatabase(server.url, "postgres") });
  await admin.connect();
  await admin.query(`drop database if exists ${TEMPLATE_DB}`);
  await admin.query(`create database ${TEMPLATE_DB}`);
  await admin.end();
  const pool = new pg.Pool({ connectionString: withDatabase(server.url, TEMPLATE_DB) });
  await applyMigrations(pool);
  await pool.end();
  project.provide("pgUrl", server.url);
  return async () => {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
