"use client";

import { ZSetExecutorInput } from "@switchyard/api/schemas";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useWatch } from "react-hook-form";
import { z } from "zod";
import { SelectField, SubmitButton, TextAreaField, TextField } from "~/components/form/fields";
import { useZodForm, ZodForm } from "~/components/form/zod-form";
import { useTRPC } from "~/trpc/react";

export type TExecutorPanelView = {
  siteId: string;
  kind: "MANUAL" | "SLURM" | "KUBERNETES";
  endpoint: string | null;
  userName: string | null;
  hasCredential: boolean;
  partitions: Record<string, string>;
  caBundle: string | null;
  teams: Record<string, { namespace: string; localQueue: string }>;
  nodePoolLabel: string | null;
};

type TKind = "MANUAL" | "SLURM" | "KUBERNETES";

/** "H200=gpu, H100=gpu-h100" <-> { H200: "gpu", H100: "gpu-h100" } */
const partitionsToText = (p: Record<string, string>) =>
  Object.entries(p)
    .map(([model, partition]) => `${model}=${partition}`)
    .join(", ");
const textToPartitions = (text: string) =>
  Object.fromEntries(
    text
      .split(",")
      .map((pair) => pair.split("=").map((s) => s.trim()))
      .filter((pair) => pair[0])
      .map(([model, partition]) => [model, partition ?? ""]),
  );

/** "applied-ml=ml-train/ml-gpu; vision=cv/cv-gpu" <-> { "applied-ml": { namespace, localQueue } } */
const teamsToText = (teams: TExecutorPanelView["teams"]) =>
  Object.entries(teams)
    .map(([team, t]) => `${team}=${t.namespace}/${t.localQueue}`)
    .join("; ");
const textToTeams = (text: string) =>
  Object.fromEntries(
    text
      .split(/[;\n]/)
      .map((pair) => pair.split("=").map((s) => s.trim()))
      .filter((pair) => pair[0])
      .map(([team, target]) => {
        const [namespace = "", localQueue = ""] = (target ?? "").split("/").map((s) => s.trim());
        return [team, { namespace, localQueue }];
      }),
  );

/**
 * The executor form: every setting as typed, turned into the procedure's input (the settings of
 * the chosen kind only; an empty optional field left out) and checked with its schema.
 */
const ZExecutorForm = z
  .object({
    siteId: z.string(),
    kind: z.enum(["MANUAL", "SLURM", "KUBERNETES"]),
    endpoint: z.string(),
    userName: z.string(),
    token: z.string(),
    partitions: z.string(),
    caBundle: z.string(),
    teams: z.string(),
    nodePoolLabel: z.string(),
  })
  .transform(({ siteId, kind, endpoint, userName, token, partitions, caBundle, teams, nodePoolLabel }) => {
    const optional = (key: string, value: string) => (value.trim() ? { [key]: value } : {});
    if (kind === "MANUAL") return { siteId, kind };
    if (kind === "SLURM")
      return {
        siteId,
        kind,
        endpoint,
        userName,
        ...optional("token", token),
        partitions: textToPartitions(partitions),
      };
    return {
      ...{ siteId, kind, endpoint, ...optional("token", token), ...optional("caBundle", caBundle) },
      ...{ teams: textToTeams(teams), ...optional("nodePoolLabel", nodePoolLabel) },
    };
  })
  .pipe(ZSetExecutorInput);

/** Edit a site's executor (estate editors) and test the connection to its scheduler. */
export function ExecutorEditor({ view }: { view: TExecutorPanelView }) {
  const trpc = useTRPC();
  const [isEditing, setIsEditing] = useState(false);
  const test = useMutation(trpc.executor.testConnection.mutationOptions());
  return (
    <div className="mt-3 flex flex-col gap-2 text-sm">
      <div className="flex gap-2">
        {view.kind !== "MANUAL" ? (
          <button
            type="button"
            onClick={() => test.mutate({ siteId: view.siteId })}
            disabled={test.isPending}
            className="rounded-md border border-border px-3 py-1.5 hover:bg-foreground/5"
          >
            {test.isPending ? "Testing…" : "Test connection"}
          </button>
        ) : null}
        <button
          type="button"
          onClick={() => setIsEditing(!isEditing)}
          className="rounded-md border border-border px-3 py-1.5 hover:bg-foreground/5"
        >
          {isEditing ? "Close" : "Change executor"}
        </button>
      </div>
      {test.data ? (
        <p
          className={test.data.ok ? "text-status-good" : "text-status-bad"}
          data-testid="executor-test-result"
        >
          {test.data.message}
        </p>
      ) : null}
      {test.error ? <p className="text-status-bad">{test.error.message}</p> : null}
      {isEditing ? <ExecutorForm view={view} onSaved={() => setIsEditing(false)} /> : null}
    </div>
  );
}

function ExecutorForm({ view, onSaved }: { view: TExecutorPanelView; onSaved: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const state = useZodForm(ZExecutorForm, {
    siteId: view.siteId,
    kind: view.kind,
    endpoint: view.endpoint ?? "",
    userName: view.userName ?? "",
    token: "",
    partitions: partitionsToText(view.partitions),
    caBundle: view.caBundle ?? "",
    teams: teamsToText(view.teams),
    nodePoolLabel: view.nodePoolLabel ?? "",
  });
  const kind = useWatch({ control: state.form.control, name: "kind" });
  const save = useMutation(
    trpc.executor.set.mutationOptions({
      onSuccess: () => {
        onSaved();
        router.refresh();
      },
      onError: (error) => state.serverError(error),
    }),
  );
  const storedToken = (of: TKind) =>
    view.hasCredential && view.kind === of ? "stored; leave empty to keep it" : "";

  return (
    <ZodForm
      state={state}
      onSubmit={(input) => save.mutate(input)}
      idPrefix="executor-"
      label="Executor"
      className="flex flex-col gap-2"
    >
      <SelectField name="kind" label="Executor kind">
        <option value="MANUAL">Manual (people report the lifecycle)</option>
        <option value="SLURM">Slurm (slurmrestd)</option>
        <option value="KUBERNETES">Kubernetes with Kueue</option>
      </SelectField>
      {kind === "SLURM" ? (
        <>
          <TextField
            name="endpoint"
            label="slurmrestd URL"
            placeholder="https://slurm.example.internal:6820"
          />
          <TextField name="userName" label="Slurm user" />
          <TextField
            name="token"
            label="Token (JWT from scontrol token)"
            type="password"
            placeholder={storedToken("SLURM")}
            autoComplete="off"
          />
          <TextField
            name="partitions"
            label="Partition per GPU model"
            placeholder="H200=gpu, H100=gpu-h100"
          />
        </>
      ) : null}
      {kind === "KUBERNETES" ? (
        <>
          <TextField name="endpoint" label="API server URL" placeholder="https://k8s.example.internal:6443" />
          <TextField
            name="token"
            label="Bearer token (from kubectl create token <service-account>)"
            type="password"
            placeholder={storedToken("KUBERNETES")}
            autoComplete="off"
          />
          <TextAreaField
            name="caBundle"
            label="CA bundle (PEM; optional)"
            rows={3}
            placeholder="-----BEGIN CERTIFICATE-----"
            className="font-mono text-xs"
          />
          <TextField
            name="teams"
            label="Namespace and LocalQueue per team"
            placeholder="applied-ml=ml-train/ml-gpu; vision=cv/cv-gpu"
          />
          <TextField
            name="nodePoolLabel"
            label="Node pool label (optional)"
            placeholder="cloud.google.com/gke-nodepool=a3-h200"
          />
        </>
      ) : null}
      <SubmitButton pending={save.isPending} className="self-start">
        Save executor
      </SubmitButton>
    </ZodForm>
  );
}
