import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeEachDb } from "@switchyard/db/testing/suites";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import superjson from "superjson";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { TSessionUser } from "../src/auth/session.ts";
import { handleRestRequest } from "../src/rest/handler.ts";
import { appRouter } from "../src/root.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";
import { submitWorkload } from "../src/workloads/service.ts";
import { USERS } from "./helpers.ts";

const createCaller = createCallerFactory(appRouter);
const ENGINEER = USERS.engineer as TSessionUser;

const SPEC = {
  name: "errors-eval",
  kind: "BATCH_INFERENCE" as const,
  teamId: "team-applied-ml",
  gpu: { count: 1 },
  gpuModels: ["L4"],
  estimatedHours: 1,
};

type TErrorShape = {
  message: string;
  data: { code: string; appCode: string | null; fieldErrors: Record<string, string[]> | null };
};

describeEachDb("errors in people's words", (kind) => {
  let t: TTestDb;
  const as = (user: TSessionUser) => createCaller(createInnerContext({ prisma: t.db.prisma, user }));

  /** A tRPC call over HTTP, so the error formatter shapes the answer as the console gets it. */
  async function trpcSubmit(input: unknown): Promise<TErrorShape> {
    const response = await fetchRequestHandler({
      endpoint: "/api/trpc",
      req: new Request("http://localhost/api/trpc/workload.submit", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(superjson.serialize(input)),
      }),
      router: appRouter,
      createContext: () => createInnerContext({ prisma: t.db.prisma, user: ENGINEER }),
    });
    const payload = (await response.json()) as { error: { json: TErrorShape } };
    return payload.error.json;
  }

  async function restSubmit(body: unknown) {
    const response = await handleRestRequest(
      new Request("http://localhost:3000/api/v1/workloads", {
        method: "POST",
        headers: { "content-type": "application/json", "x-test-session": ENGINEER.id },
        body: JSON.stringify(body),
      }),
      {
        prisma: t.db.prisma,
        baseUrl: "http://localhost:3000",
        resolveUser: async (request: Request) =>
          Object.values(USERS).find((u) => u.id === request.headers.get("x-test-session")) ?? null,
      },
    );
    return {
      status: response.status,
      error: (
        (await response.json()) as { error: { code: string; fieldErrors: Record<string, string[]> | null } }
      ).error,
    };
  }

  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
  });
  afterAll(() => t.cleanup());

  it("refuses a deadline in the past naming the deadline, in the schema and in the service", async () => {
    const past = { ...SPEC, name: "late-eval", deadline: new Date(Date.now() - 60_000) };
    const trpc = await trpcSubmit({ spec: past });
    expect(trpc.data.fieldErrors).toEqual({
      "spec.deadline": ["The deadline is in the past: choose a later date and time"],
    });
    const rest = await restSubmit({ spec: { ...past, deadline: past.deadline.toISOString() } });
    expect(rest.status).toBe(400);
    expect(Object.keys(rest.error.fieldErrors ?? {})).toEqual(["spec.deadline"]);
    // Past the schema (a clock that moved on between parse and save): the service judges again.
    await expect(
      submitWorkload(
        { prisma: t.db.prisma, user: ENGINEER, requestId: "test" },
        {
          spec: {
            ...past,
            datasetIds: [],
            requiredCertifications: [],
            allowedKinds: [],
            priority: 50,
            preemptible: false,
            dependsOn: [],
          },
          asDraft: false,
        },
      ),
    ).rejects.toMatchObject({ code: "INVALID_REQUEST", field: "spec.deadline" });
    expect(await t.db.prisma.workload.count({ where: { name: "late-eval" } })).toBe(0);
  });

  it("refuses a second active workload of the same name in a team, naming spec.name", async () => {
    const first = await as(ENGINEER).workload.submit({ spec: { ...SPEC, name: "dup-eval" } });
    await expect(as(ENGINEER).workload.submit({ spec: { ...SPEC, name: "dup-eval" } })).rejects.toMatchObject(
      {
        code: "CONFLICT",
        cause: { code: "CONFLICT", field: "spec.name" },
      },
    );
    const rest = await restSubmit({ spec: { ...SPEC, name: "dup-eval" }, clientKey: "another-key-0001" });
    expect(rest.status).toBe(409);
    expect(rest.error.code).toBe("CONFLICT");
    expect(Object.keys(rest.error.fieldErrors ?? {})).toEqual(["spec.name"]);
    expect(rest.error.fieldErrors?.["spec.name"]?.[0]).toMatch(
      /already has an active workload named dup-eval/,
    );

    // Another team may use the name; once the first is over, the name is free again.
    const other = await as(USERS.admin as TSessionUser).workload.submit({
      spec: { ...SPEC, name: "dup-eval", teamId: "team-health-ai" },
    });
    expect(other.created).toBe(true);
    await as(ENGINEER).workload.cancel({ id: first.id, reason: "superseded" });
    const again = await as(ENGINEER).workload.submit({ spec: { ...SPEC, name: "dup-eval" } });
    expect(again).toMatchObject({ created: true });
    expect(again.id).not.toBe(first.id);
  });

  it("lets only one of two concurrent submissions of a name through", async () => {
    const spec = { ...SPEC, name: "racing-eval" };
    const results = await Promise.allSettled([
      as(ENGINEER).workload.submit({ spec }),
      as(ENGINEER).workload.submit({ spec }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(results.find((r) => r.status === "rejected")).toMatchObject({ reason: { code: "CONFLICT" } });
    expect(await t.db.prisma.workload.count({ where: { name: "racing-eval" } })).toBe(1);
  });

  it("answers a replay with the same clientKey with the first workload, not a name clash", async () => {
    const spec = { ...SPEC, name: "replayed-eval" };
    const first = await as(ENGINEER).workload.submit({ spec, clientKey: "replay-key-0001" });
    expect(first.created).toBe(true);
    expect(await as(ENGINEER).workload.submit({ spec, clientKey: "replay-key-0001" })).toEqual({
      id: first.id,
      created: false,
    });
    const rest = await handleRestRequest(
      new Request("http://localhost:3000/api/v1/workloads", {
        method: "POST",
        headers: { "content-type": "application/json", "x-test-session": ENGINEER.id },
        body: JSON.stringify({ spec, clientKey: "replay-key-0001" }),
      }),
      {
        prisma: t.db.prisma,
        baseUrl: "http://localhost:3000",
        resolveUser: async () => ENGINEER,
      },
    );
    expect(rest.status).toBeLessThan(300);
    expect(await rest.json()).toMatchObject({ id: first.id, created: false });
    expect(await t.db.prisma.workload.count({ where: { name: "replayed-eval" } })).toBe(1);
  });

  it("gives fieldErrors in words for people, over tRPC and REST", async () => {
    const bad = { ...SPEC, name: "words-eval", estimatedHours: 100_000, priority: 101, gpu: { count: 1.5 } };
    const trpc = await trpcSubmit({ spec: bad });
    expect(trpc.data.fieldErrors).toEqual({
      "spec.estimatedHours": ["At most 10,000 hours"],
      "spec.priority": ["At most 100"],
      "spec.gpu.count": ["Enter a whole number of GPUs"],
    });
    expect(trpc.message).not.toMatch(/Too big|expected/);
    const rest = await restSubmit({ spec: bad });
    expect(rest.status).toBe(400);
    expect(rest.error.fieldErrors).toEqual(trpc.data.fieldErrors);
    const text = JSON.stringify([trpc, rest]);
    expect(text).not.toMatch(/Too (big|small): expected|Invalid input: expected/);
  });
});
