import { describe, expect, it } from "vitest";
import {
  isDatasetEditor,
  isEstateEditor,
  mayEditDataset,
  operateWorkloadRefusal,
  roleRefusal,
  seesTeam,
  submitAnyRefusal,
  submitForTeamRefusal,
  submitRefusal,
  type TActor,
  teamScopeOf,
} from "./rules.ts";
import { ROLES } from "./session.ts";

const actor = (role: TActor["role"], teamIds: string[] = [], tokenTeamId: string | null = null): TActor => ({
  role,
  teamIds,
  tokenTeamId,
});

describe("teamScopeOf", () => {
  it("gives every team to admins, platform engineers, stewards and viewers", () => {
    for (const role of ["ADMIN", "PLATFORM_ENGINEER", "DATA_STEWARD", "VIEWER"] as const)
      expect(teamScopeOf(actor(role, ["t1"]))).toBeNull();
  });

  it("gives ML engineers their own teams only", () => {
    expect(teamScopeOf(actor("ML_ENGINEER", ["t1", "t2"]))).toEqual(["t1", "t2"]);
    expect(teamScopeOf(actor("ML_ENGINEER"))).toEqual([]);
  });

  it("narrows any role to the one team of a team-restricted token", () => {
    expect(teamScopeOf(actor("ADMIN", [], "t9"))).toEqual(["t9"]);
    expect(teamScopeOf(actor("ML_ENGINEER", ["t1", "t2"], "t2"))).toEqual(["t2"]);
    expect(teamScopeOf(actor("ML_ENGINEER", ["t1"], "t9"))).toEqual([]);
  });

  it("treats a null scope as seeing every team", () => {
    expect(seesTeam(null, "any")).toBe(true);
    expect(seesTeam(["a"], "b")).toBe(false);
  });
});

describe("submitting workloads", () => {
  it("refuses viewers and data stewards whatever their teams, saying why", () => {
    expect(submitRefusal({ role: "VIEWER" })).toMatch(/viewer.*cannot submit/);
    expect(submitRefusal({ role: "DATA_STEWARD" })).toMatch(/data steward.*cannot submit/);
    expect(submitForTeamRefusal(actor("DATA_STEWARD", ["t1"]), "t1")).toMatch(/cannot submit/);
  });

  it("lets admins and platform engineers submit for any team", () => {
    expect(submitForTeamRefusal(actor("ADMIN"), "t1")).toBeNull();
    expect(submitForTeamRefusal(actor("PLATFORM_ENGINEER", ["t2"]), "t1")).toBeNull();
  });

  it("lets ML engineers submit for their own teams only", () => {
    expect(submitForTeamRefusal(actor("ML_ENGINEER", ["t1"]), "t1")).toBeNull();
    expect(submitForTeamRefusal(actor("ML_ENGINEER", ["t1"]), "t2")).toBe(
      "You can only submit workloads for your own teams.",
    );
  });

  it("explains that an ML engineer in no team can submit for nobody", () => {
    expect(submitAnyRefusal(actor("ML_ENGINEER"))).toMatch(/no team/);
    expect(submitAnyRefusal(actor("ML_ENGINEER", ["t1"]))).toBeNull();
    expect(submitAnyRefusal(actor("VIEWER"))).toMatch(/cannot submit/);
  });
});

describe("operateWorkloadRefusal", () => {
  it("lets admins and platform engineers operate any team's workload", () => {
    expect(operateWorkloadRefusal(actor("ADMIN"), "t1")).toBeNull();
    expect(operateWorkloadRefusal(actor("PLATFORM_ENGINEER", ["t2"]), "t1")).toBeNull();
  });

  it("lets an ML engineer operate their own team's workload", () => {
    expect(operateWorkloadRefusal(actor("ML_ENGINEER", ["t1", "t2"]), "t2")).toBeNull();
  });

  it("hides another team's workload from an ML engineer, as if it did not exist", () => {
    expect(operateWorkloadRefusal(actor("ML_ENGINEER", ["t1"]), "t2")?.code).toBe("NOT_FOUND");
  });

  it("forbids viewers and stewards, even on a team they belong to, naming their role", () => {
    expect(operateWorkloadRefusal(actor("VIEWER"), "t1")).toEqual({
      code: "FORBIDDEN",
      message: "Only the workload's team or a platform engineer can change it; you are a viewer.",
    });
    expect(operateWorkloadRefusal(actor("DATA_STEWARD", ["t1"]), "t1")?.code).toBe("FORBIDDEN");
  });

  it("keeps a team-restricted token to its team, even for an admin", () => {
    expect(operateWorkloadRefusal(actor("ADMIN", [], "t1"), "t1")).toBeNull();
    expect(operateWorkloadRefusal(actor("ADMIN", [], "t1"), "t2")?.code).toBe("NOT_FOUND");
    expect(operateWorkloadRefusal(actor("ML_ENGINEER", ["t1", "t2"], "t1"), "t2")?.code).toBe("NOT_FOUND");
  });

  it("allows exactly admins, platform engineers and team ML engineers on a team's workload", () => {
    const allowed = ROLES.filter((role) => operateWorkloadRefusal(actor(role, ["t1"]), "t1") === null);
    expect(allowed).toEqual(["ADMIN", "PLATFORM_ENGINEER", "ML_ENGINEER"]);
  });
});

describe("role sets", () => {
  it("makes admins and platform engineers the estate's editors", () => {
    expect(ROLES.filter(isEstateEditor)).toEqual(["ADMIN", "PLATFORM_ENGINEER"]);
    expect(isEstateEditor(undefined)).toBe(false);
  });

  it("adds data stewards to the dataset editors", () => {
    expect(ROLES.filter(isDatasetEditor)).toEqual(["ADMIN", "PLATFORM_ENGINEER", "DATA_STEWARD"]);
  });

  it("lets a steward change only the datasets they steward", () => {
    expect(mayEditDataset({ id: "u1", role: "DATA_STEWARD" }, ["u1"])).toBe(true);
    expect(mayEditDataset({ id: "u1", role: "DATA_STEWARD" }, ["u2"])).toBe(false);
    expect(mayEditDataset({ id: "u1", role: "PLATFORM_ENGINEER" }, [])).toBe(true);
    expect(mayEditDataset({ id: "u1", role: "ML_ENGINEER" }, ["u1"])).toBe(false);
  });

  it("names the role and who may act in a refusal", () => {
    expect(roleRefusal("VIEWER", ["ADMIN", "PLATFORM_ENGINEER"], "cordon nodes")).toBe(
      "You are a viewer; only an admin or a platform engineer can cordon nodes.",
    );
    expect(roleRefusal("ADMIN", ["ADMIN"], "edit policies")).toBeNull();
    expect(roleRefusal(undefined, ["ADMIN"], "edit policies")).toBe(
      "You are not signed in; only an admin can edit policies.",
    );
  });
});
