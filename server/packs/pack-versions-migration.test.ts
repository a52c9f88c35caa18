// The pack_versions migration on a database that already holds packs: versions are numbered in the
// order packs were registered, and each environment's active pack is its newest one — what runs used
// before the migration, so upgrading changes no run.
import fs from "node:fs";
import { expect, it } from "vitest";
import { createTestDb } from "../db/test-db";

it("numbers existing packs per environment and makes the newest one active", async () => {
  const db = await createTestDb();
  try {
    const q = (sql: string) => db.pool.query(sql);
    // Back to the schema before the migration, then data as it was, then the migration again.
    await q(`alter table environments drop constraint environments_active_pack_id_fkey;
             drop index environments_active_pack_id_key; alter table environments drop column active_pack_id;
             drop index packs_environment_id_version_key; alter table packs drop column version`);
    await q(`insert into environments (name) values ('a'), ('b'), ('empty')`);
    await q(`insert into packs (environment_id, hash, file_count, size_bytes, tools)
             select e.id, e.name || n, 1, 1, '{}' from environments e, generate_series(1, 3) n where e.name <> 'empty' order by n, e.id`);
    await q(fs.readFileSync("prisma/migrations/20261201000000_pack_versions/migration.sql", "utf8"));
    const rows = (
      await q(
        `select e.name, p.hash, p.version, e.active_pack_id = p.id as active from packs p join environments e on e.id = p.environment_id order by e.name, p.version`,
      )
    ).rows as Array<{ name: string; hash: string; version: number; active: boolean }>;
    expect(rows.map((r) => `${r.name} v${r.version} ${r.hash}${r.active ? " active" : ""}`)).toEqual([
      "a v1 a1",
      "a v2 a2",
      "a v3 a3 active",
      "b v1 b1",
      "b v2 b2",
      "b v3 b3 active",
    ]);
    expect((await q(`select active_pack_id from environments where name = 'empty'`)).rows[0].active_pack_id).toBeNull();
  } finally {
    await db.close();
  }
});
