// A fresh database per test file, cloned from the migrated template: real PostgreSQL, no mocks.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { openDb, type Db } from "./client";
import { withDatabase } from "./embedded";

const TEMPLATE_DB = "cat_template";

export async function createTestDb(): Promise<Db> {
  const url = inject("pgUrl");
  const name = `test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: withDatabase(url, "postgres") });
  await admin.connect();
  try {
    await admin.query(`create database ${name} template ${TEMPLATE_DB}`);
  } finally {
    await admin.end();
  }
  const db = await openDb(withDatabase(url, name), { maxConnections: 5 });
  const close = db.close;
  return {
    ...db,
    close: async () => {
      await close();
      const c = new pg.Client({ connectionString: withDatabase(url, "postgres") });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`).finally(() => c.end());
    },
  };
}
