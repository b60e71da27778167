import { seedDemo } from "@switchyard/db/seed";
import { createTestDb, type TTestDb } from "@switchyard/db/testing";
import { describeEachDb } from "@switchyard/db/testing/suites";
import type { inferProcedureInput } from "@trpc/server";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { TSessionUser } from "../src/auth/session.ts";
import { type AppRouter, appRouter } from "../src/root.ts";
import { createCallerFactory, createInnerContext } from "../src/trpc.ts";
import { auditCount, errorOf, USERS } from "./helpers.ts";

const createCaller = createCallerFactory(appRouter);
const TRANSCRIPTS = "dataset-eu-support-transcripts"; // REGULATED, GDPR, EU only; steward Sam
const FRANKFURT = "site-dc-frankfurt"; // DE, EU
const ASHBURN = "site-dc-ashburn"; // US

describeEachDb("model artifacts with lineage", (kind) => {
  let t: TTestDb;
  const as = (user: TSessionUser) => createCaller(createInnerContext({ prisma: t.db.prisma, user }));
  let serial = 0;

  /** A run of the engineer's team, RUNNING at Frankfurt on the given inputs, as dispatch leaves it. */
  async function runningRun(kind: "TRAINING" | "FINE_TUNING", datasetIds: string[], output?: object) {
    serial += 1;
    const w = await t.db.prisma.workload.create({
      data: {
        name: `intent-${kind.toLowerCase()}-${serial}`,
        kind,
        state: "RUNNING",
        teamId: "team-applied-ml",
        submittedById: USERS.engineer.id,
        gpuCount: 8,
        gpuModels: ["A100-80GB"],
        estimatedHours: 4,
        requiredCertifications: [],
        allowedSiteKinds: [],
        siteId: FRANKFURT,
        ...output,
        datasets: { create: datasetIds.map((datasetId) => ({ datasetId })) },
      },
      select: { id: true, name: true },
    });
    return w;
  }

  const servingSpec = (datasetId: string) =>
    ({
      name: "intent-serve",
      kind: "ONLINE_INFERENCE",
      teamId: "team-applied-ml",
      gpu: { count: 1 },
      minGpuMemoryGib: 16,
      estimatedHours: 1,
      datasetIds: [datasetId],
    }) as inferProcedureInput<AppRouter["workload"]["preview"]>;

  beforeAll(async () => {
    t = await createTestDb(kind);
    await seedDemo(t.db);
  });
  afterAll(() => t.cleanup());

  it("registers a training run's model when it succeeds, with the strictest rules of its data and its lineage", async () => {
    const run = await runningRun("TRAINING", [TRANSCRIPTS, "dataset-code-corpus-v4"], {
      outputName: "support-intent",
      outputVersion: "v7",
      outputSizeBytes: 3_000_000_000n,
    });
    await as(USERS.engineer).workload.transition({ id: run.id, to: "SUCCEEDED" });

    const model = await t.db.prisma.dataset.findUniqueOrThrow({
      where: { producedByWorkloadId: run.id },
      include: { replicas: true, stewards: true, trainedOn: true },
    });
    expect(model).toMatchObject({
      kind: "MODEL",
      name: "support-intent",
      version: "v7",
      sizeBytes: 3_000_000_000n,
      classification: "REGULATED",
      regulations: ["GDPR"],
      residencyJurisdictions: ["EU"],
      producedAtSiteId: FRANKFURT,
      ownerTeamId: "team-applied-ml",
    });
    expect(model.replicas.map((r) => r.siteId)).toEqual([FRANKFURT]);
    expect(model.stewards.map((s) => s.userId)).toEqual([USERS.steward.id]);
    expect(model.trainedOn.map((l) => l.sourceId).sort()).toEqual(["dataset-code-corpus-v4", TRANSCRIPTS]);
    expect(await auditCount(t.db, model.id, "model.register")).toBe(1);

    // Lineage both ways, and where each rule comes from.
    const view = await as(USERS.viewer).model.byId({ id: model.id });
    expect(view.producedBy?.id).toBe(run.id);
    expect(view.inherited.from.classification).toEqual(["EU support transcripts"]);
    expect(view.inherited.from.regulations).toEqual({ GDPR: ["EU support transcripts"] });
    expect(view.servedBy).toEqual([]);
    const trainedOnTranscripts = await as(USERS.viewer).model.list({ trainedOnId: TRANSCRIPTS });
    expect(trainedOnTranscripts.rows.map((r) => r.id)).toContain(model.id);
    // Models are listed under /models, not among the data.
    const data = await as(USERS.viewer).dataset.list({ pageSize: 200 });
    expect(data.rows.map((r) => r.id)).not.toContain(model.id);
    // Other kinds register nothing; nor does a second success (there is none: SUCCEEDED is final).
    expect(await t.db.prisma.dataset.count({ where: { producedByWorkloadId: run.id } })).toBe(1);
  });

  it("refuses a bad output at submit with the field named, and a taken version", async () => {
    const spec = {
      ...servingSpec(TRANSCRIPTS),
      name: "bad-output",
      output: { name: "support-intent" },
    } as inferProcedureInput<AppRouter["workload"]["submit"]>["spec"];
    expect(await errorOf(as(USERS.engineer).workload.submit({ spec, asDraft: true }))).toMatchObject({
      code: "BAD_REQUEST",
      fields: ["spec.output"],
    });
    const taken = {
      ...spec,
      kind: "TRAINING",
      output: { name: "support-intent", version: "v7" },
    } as typeof spec;
    expect(await errorOf(as(USERS.engineer).workload.submit({ spec: taken, asDraft: true }))).toMatchObject({
      code: "BAD_REQUEST",
      fields: ["spec.output.version"],
    });
    const badSize = { ...taken, output: { sizeGb: -1 } } as typeof spec;
    expect(await errorOf(as(USERS.engineer).workload.submit({ spec: badSize, asDraft: true }))).toMatchObject(
      {
        code: "BAD_REQUEST",
        fields: ["spec.output.sizeGb"],
      },
    );
  });

  it("a model of regulated GDPR data needs its data's steward to serve it, cannot go to another jurisdiction, until a steward declassifies it", async () => {
    const run = await runningRun("TRAINING", [TRANSCRIPTS]);
    await as(USERS.admin).workload.transition({ id: run.id, to: "SUCCEEDED" });
    const model = await t.db.prisma.dataset.findUniqueOrThrow({ where: { producedByWorkloadId: run.id } });
    // Defaults: the run's name, the first free version, a size estimated from the GPUs it held.
    expect(model).toMatchObject({ name: run.name, version: "v1" });

    // Copying it to the US is refused by residency, naming the site field.
    expect(
      await errorOf(as(USERS.admin).dataset.addReplica({ datasetId: model.id, siteId: ASHBURN })),
    ).toMatchObject({
      code: "BAD_REQUEST",
      fields: ["siteId"],
    });
    // Serving it: US sites are rejected for the model's residency; in the EU its steward decides.
    const before = await as(USERS.engineer).workload.preview({ ...servingSpec(model.id), candidates: "all" });
    const ashburnBefore = before.rejected.find((r) => r.siteId === ASHBURN);
    expect(ashburnBefore?.reasons.map((r) => r.message).join(" ")).toContain(model.name);
    expect(before.candidates.length).toBeGreaterThan(0);
    for (const c of before.candidates)
      expect(c.approvals).toContainEqual(
        expect.objectContaining({ approverKind: "DATASET_STEWARDS", datasetId: model.id }),
      );

    // Its rules cannot be edited like a dataset's: only a declassification lifts them.
    const edit = await errorOf(
      as(USERS.admin).dataset.update({
        id: model.id,
        data: {
          name: model.name,
          description: "",
          sizeGb: 1,
          classification: "PUBLIC",
          regulations: [],
          residencyCountries: [],
          residencyJurisdictions: [],
          onPremOnly: false,
          ownerTeamId: "team-applied-ml",
          stewardIds: [USERS.steward.id],
        },
      }),
    );
    expect(edit).toMatchObject({ code: "CONFLICT", fields: ["classification"] });

    // Bad declassification input is named field by field.
    const bad = {
      id: model.id,
      toClassification: "SECRET",
      reason: "short",
    } as unknown as inferProcedureInput<AppRouter["model"]["declassify"]>;
    expect(await errorOf(as(USERS.engineer).model.declassify(bad))).toMatchObject({
      code: "BAD_REQUEST",
      fields: ["reason", "toClassification"],
    });
    expect(
      (await errorOf(as(USERS.viewer).model.declassify({ ...bad, toClassification: "INTERNAL" }))).code,
    ).toBe("FORBIDDEN");

    const asked = await as(USERS.engineer).model.declassify({
      id: model.id,
      toClassification: "INTERNAL",
      reason: "Intent labels only: the weights were checked to memorise no transcript text.",
    });
    expect(asked.status).toBe("AWAITING_APPROVAL");
    // A second request while one waits is a conflict; the requester cannot approve their own.
    expect(
      (
        await errorOf(
          as(USERS.engineer).model.declassify({
            id: model.id,
            toClassification: "PUBLIC",
            reason: "again, please",
          }),
        )
      ).code,
    ).toBe("CONFLICT");
    expect(
      (await errorOf(as(USERS.engineer).approval.decide({ id: asked.approvalRequestId, verdict: "APPROVE" })))
        .code,
    ).toBe("FORBIDDEN");
    // Until approved, nothing changes.
    expect((await t.db.prisma.dataset.findUniqueOrThrow({ where: { id: model.id } })).classification).toBe(
      "REGULATED",
    );
    await as(USERS.steward).approval.decide({
      id: asked.approvalRequestId,
      verdict: "APPROVE",
      comment: "Checked the membership-inference report.",
    });

    const after = await as(USERS.viewer).model.byId({ id: model.id });
    expect(after).toMatchObject({
      classification: "INTERNAL",
      regulations: [],
      residencyJurisdictions: [],
      residencyCountries: [],
    });
    expect(after.declassifications[0]).toMatchObject({
      toClassification: "INTERNAL",
      request: { status: "APPROVED" },
      before: { classification: "REGULATED", regulations: ["GDPR"] },
    });
    // What it inherited stays visible next to the declassification.
    expect(after.inherited.classification).toBe("REGULATED");
    expect(await auditCount(t.db, model.id, "model.declassify")).toBe(1);

    // Serving the declassified model: no residency refusal in the US and no steward step.
    const served = await as(USERS.engineer).workload.preview({ ...servingSpec(model.id), candidates: "all" });
    const ashburnAfter = served.rejected.find((r) => r.siteId === ASHBURN);
    expect(ashburnAfter?.reasons.map((r) => r.message).join(" ") ?? "").not.toContain(model.name);
    for (const c of served.candidates)
      expect(c.approvals).not.toContainEqual(
        expect.objectContaining({ approverKind: "DATASET_STEWARDS", datasetId: model.id }),
      );
    // And its copy to the US is no longer refused by residency: it is a border copy like any data's.
    const copy = await as(USERS.admin).dataset.addReplica({ datasetId: model.id, siteId: ASHBURN });
    expect(["REGISTERED", "AWAITING_APPROVAL"]).toContain(copy.status);
  });

  it("a fine-tune reads its parent model like a dataset and records it as its parent", async () => {
    const parent = await t.db.prisma.dataset.findUniqueOrThrow({
      where: { id: "dataset-defect-detector-v1" },
    });
    const run = await runningRun("FINE_TUNING", [parent.id], { outputName: "defect-detector-munich" });
    await as(USERS.admin).workload.transition({ id: run.id, to: "SUCCEEDED" });
    const child = await as(USERS.viewer).model.list({ trainedOnId: parent.id });
    expect(child.rows).toEqual([
      expect.objectContaining({
        name: "defect-detector-munich",
        version: "v1",
        classification: "CONFIDENTIAL",
        regulations: ["GDPR"],
        residencyJurisdictions: ["EU"],
        sizeBytes: parent.sizeBytes,
      }),
    ]);
    const parentView = await as(USERS.viewer).model.byId({ id: parent.id });
    expect(parentView.fineTunedInto.map((m) => m.name)).toEqual(["defect-detector-munich"]);
    expect((await errorOf(as(USERS.viewer).model.byId({ id: "dataset-eu-support-transcripts" }))).code).toBe(
      "NOT_FOUND",
    );
  });
});
