import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDb, type TTestDb } from "../src/testing.ts";
import { describeEachDb } from "../src/testing-suites.ts";
import { diffSchema, loadDmmf } from "./support/schema-diff.ts";

const dmmf = await loadDmmf();

describeEachDb("migrated database matches schema.prisma", (kind) => {
  let t: TTestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(() => t.cleanup());

  it("has every model, column, type, nullability, default, enum value and index", async () => {
    const problems = await t.db.withSession((session) => diffSchema(session, dmmf));
    expect(problems).toEqual([]);
  });

  it("notices drift: a dropped index, a changed default and a loosened column", async () => {
    await t.db.withSession(async (session) => {
      await session.exec(`DROP INDEX "GpuNode_status_idx"`);
      await session.exec(`ALTER TABLE "User" ALTER COLUMN "role" SET DEFAULT 'ADMIN'`);
      await session.exec(`ALTER TABLE "Site" ALTER COLUMN "name" DROP NOT NULL`);
    });
    const problems = await t.db.withSession((session) => diffSchema(session, dmmf));
    expect(problems).toEqual([
      `Site.name: nullable YES but schema says required`,
      `User.role: default 'ADMIN'::"Role" != 'VIEWER'::"Role"`,
      `index GpuNode(status): missing`,
    ]);
  });
});
