// Fails when prisma/schema.prisma and prisma/migrations drift apart: the database the migrations
// build is compared, table by table and column by column, with the models Prisma generated from the
// schema (their data model, their TypeScript payload types for nullability and lists, their enums),
// and every index the schema declares must exist under Prisma's naming convention.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "./client";
import * as enums from "./generated/enums";
import { createTestDb } from "./test-db";

const GENERATED = path.join(process.cwd(), "server/db/generated");

interface ModelField {
  name: string;
  kind: "scalar" | "enum" | "object";
  type: string;
  dbName?: string;
}
interface RuntimeModel {
  fields: ModelField[];
  dbName: string | null;
}

function runtimeDataModel(): Record<string, RuntimeModel> {
  const src = fs.readFileSync(path.join(GENERATED, "internal/class.ts"), "utf8");
  const literal = /config\.runtimeDataModel = JSON\.parse\(("(?:[^"\\]|\\.)*")\)/.exec(src);
  if (!literal)
    throw new Error("runtimeDataModel not found in the generated client: has Prisma's output format changed?");
  return (JSON.parse(JSON.parse(literal[1]!)) as { models: Record<string, RuntimeModel> }).models;
}

/** Nullability and list-ness of each scalar, from the generated `$<Model>Payload` scalars block. */
function payloadScalars(model: string): Map<string, { nullable: boolean; list: boolean }> {
  const src = fs.readFileSync(path.join(GENERATED, "models", `${model}.ts`), "utf8");
  const block = new RegExp(
    `export type \\$${model}Payload[\\s\\S]*?scalars: runtime\\.Types\\.Extensions\\.GetPayloadResult<\\{([\\s\\S]*?)\\n  \\}`,
  ).exec(src);
  if (!block) throw new Error(`payload type of ${model} not found`);
  const out = new Map<string, { nullable: boolean; list: boolean }>();
  for (const m of block[1]!.matchAll(/^\s+(\w+): (.+)$/gm))
    out.set(m[1]!, { nullable: /\| null$/.test(m[2]!), list: /\[\]( \| null)?$/.test(m[2]!) });
  return out;
}

const PG_TYPE: Record<string, string[]> = {
  Int: ["integer"],
  BigInt: ["bigint"],
  String: ["text"],
  Boolean: ["boolean"],
  Float: ["double precision"],
  DateTime: ["timestamp with time zone"],
  Json: ["jsonb", "json"],
  Bytes: ["bytea"],
};

let db: Db;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(() => db.close());

describe("schema.prisma and prisma/migrations", () => {
  it("build the same tables and columns", async () => {
    const columns = await db.prisma.$queryRaw<
      Array<{ table_name: string; column_name: string; data_type: string; udt_name: string; is_nullable: string }>
    >`
      select table_name, column_name, data_type, udt_name, is_nullable from information_schema.columns
      where table_schema = 'public' and table_name <> '_prisma_migrations'`;
    const actual = new Map<string, (typeof columns)[number]>(
      columns.map((c) => [`${c.table_name}.${c.column_name}`, c]),
    );
    const expected = new Set<string>();
    const problems: string[] = [];
    for (const [model, def] of Object.entries(runtimeDataModel())) {
      const table = def.dbName ?? model;
      const payload = payloadScalars(model);
      for (const f of def.fields.filter((x) => x.kind !== "object")) {
        const key = `${table}.${f.dbName ?? f.name}`;
        expected.add(key);
        const col = actual.get(key);
        const shape = payload.get(f.name)!;
        if (!col) {
          problems.push(`${key}: in schema.prisma (${model}.${f.name}) but no migration creates it`);
          continue;
        }
        if (shape.list) {
          const elem = PG_TYPE[f.type]?.[0];
          if (col.data_type !== "ARRAY" || !elem || col.udt_name !== `_${elem === "integer" ? "int4" : elem}`)
            problems.push(`${key}: expected ${f.type}[] but the database has ${col.data_type} ${col.udt_name}`);
        } else if (f.kind === "enum") {
          if (col.data_type !== "USER-DEFINED" || col.udt_name !== f.type)
            problems.push(`${key}: expected enum ${f.type} but the database has ${col.data_type} ${col.udt_name}`);
        } else if (!PG_TYPE[f.type]?.includes(col.data_type)) {
          problems.push(`${key}: expected ${f.type} but the database has ${col.data_type}`);
        }
        // Prisma creates list columns without NOT NULL.
        const nullable = col.is_nullable === "YES";
        if (!shape.list && nullable !== shape.nullable)
          problems.push(
            `${key}: schema says ${shape.nullable ? "optional" : "required"}, the database says ${nullable ? "nullable" : "NOT NULL"}`,
          );
      }
    }
    for (const key of actual.keys())
      if (!expected.has(key)) problems.push(`${key}: in the migrations but not in schema.prisma`);
    expect(problems).toEqual([]);
  });

  it("define the same enums with the same values in the same order", async () => {
    const rows = await db.prisma.$queryRaw<Array<{ name: string; values: string[] }>>`
      select t.typname as name, array_agg(e.enumlabel order by e.enumsortorder)::text[] as values
      from pg_type t join pg_enum e on e.enumtypid = t.oid group by t.typname`;
    const actual = Object.fromEntries(rows.map((r) => [r.name, r.values]));
    const generated = Object.fromEntries(
      Object.entries(enums).map(([name, values]) => [name, Object.values(values as Record<string, string>)]),
    );
    expect(actual).toEqual(generated);
  });

  it("create every index and unique constraint the schema declares", async () => {
    const schema = fs.readFileSync(path.join(process.cwd(), "prisma/schema.prisma"), "utf8");
    const models = runtimeDataModel();
    const wanted: string[] = [];
    for (const [, name, body] of schema.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)) {
      const model = models[name!]!;
      const table = model.dbName ?? name!;
      const column = (field: string) => model.fields.find((f) => f.name === field)?.dbName ?? field;
      for (const m of body!.matchAll(/@@(index|unique|id)\(\[([^\]]+)\]/g)) {
        const cols = m[2]!.split(",").map((c) => column(c.trim().replace(/\(.*$/, "")));
        wanted.push(m[1] === "id" ? `${table}_pkey` : `${table}_${cols.join("_")}_${m[1] === "index" ? "idx" : "key"}`);
      }
      for (const m of body!.matchAll(/^\s+(\w+)\s+\S+.*@unique/gm)) wanted.push(`${table}_${column(m[1]!)}_key`);
    }
    const rows = await db.prisma.$queryRaw<
      Array<{ indexname: string }>
    >`select indexname from pg_indexes where schemaname = 'public'`;
    const have = new Set(rows.map((r) => r.indexname));
    expect(wanted.length).toBeGreaterThan(20);
    expect(wanted.filter((w) => !have.has(w))).toEqual([]);
  });

  it("records every migration the way Prisma Migrate does", async () => {
    const rows = await db.prisma.$queryRaw<
      Array<{ migration_name: string; checksum: string; finished_at: Date | null }>
    >`
      select migration_name, checksum, finished_at from "_prisma_migrations" order by migration_name`;
    const folders = fs
      .readdirSync(path.join(process.cwd(), "prisma/migrations"))
      .filter((d) => /^\d{14}_/.test(d))
      .sort();
    expect(rows.map((r) => r.migration_name)).toEqual(folders);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.checksum) && r.finished_at)).toBe(true);
  });
});
