"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { fieldErrorsOf } from "~/lib/trpc-error";
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

/** Edit a site's executor (estate editors) and test the connection to its scheduler. */
export function ExecutorEditor({ view }: { view: TExecutorPanelView }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [isEditing, setIsEditing] = useState(false);
  const [kind, setKind] = useState<TKind>(view.kind);
  const [endpoint, setEndpoint] = useState(view.endpoint ?? "");
  const [caBundle, setCaBundle] = useState(view.caBundle ?? "");
  const [teams, setTeams] = useState(teamsToText(view.teams));
  const [nodePoolLabel, setNodePoolLabel] = useState(view.nodePoolLabel ?? "");
  const [userName, setUserName] = useState(view.userName ?? "");
  const [token, setToken] = useState("");
  const [partitions, setPartitions] = useState(partitionsToText(view.partitions));
  const save = useMutation(
    trpc.executor.set.mutationOptions({
      onSuccess: () => {
        setIsEditing(false);
        setToken("");
        router.refresh();
      },
    }),
  );
  const test = useMutation(trpc.executor.testConnection.mutationOptions());
  const errors = fieldErrorsOf(save.error);
  const fieldError = (name: string) => {
    // A field's own errors, and those of its parts (teams.applied-ml.namespace under teams).
    const messages = Object.entries(errors)
      .filter(([key]) => key === name || key.startsWith(`${name}.`))
      .map(([key, list]) => (key === name ? list[0] : `${key.slice(name.length + 1)}: ${list[0]}`));
    return messages.length > 0 ? (
      <span className="text-xs text-status-bad" data-testid={`executor-error-${name}`}>
        {messages.join("; ")}
      </span>
    ) : null;
  };

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
      {isEditing ? (
        <form
          className="flex flex-col gap-2"
          onSubmit={(event) => {
            event.preventDefault();
            save.mutate(
              kind === "MANUAL"
                ? { siteId: view.siteId, kind }
                : kind === "SLURM"
                  ? {
                      siteId: view.siteId,
                      kind,
                      endpoint,
                      userName,
                      ...(token ? { token } : {}),
                      partitions: textToPartitions(partitions),
                    }
                  : {
                      siteId: view.siteId,
                      kind,
                      endpoint,
                      ...(token ? { token } : {}),
                      ...(caBundle.trim() ? { caBundle } : {}),
                      teams: textToTeams(teams),
                      ...(nodePoolLabel.trim() ? { nodePoolLabel } : {}),
                    },
            );
          }}
        >
          <label className="flex flex-col gap-1">
            Executor kind
            <select
              value={kind}
              onChange={(e) => setKind(e.target.value as TKind)}
              className="rounded-md border border-border bg-surface px-2 py-1"
            >
              <option value="MANUAL">Manual (people report the lifecycle)</option>
              <option value="SLURM">Slurm (slurmrestd)</option>
              <option value="KUBERNETES">Kubernetes with Kueue</option>
            </select>
          </label>
          {kind === "SLURM" ? (
            <>
              <label className="flex flex-col gap-1">
                slurmrestd URL
                <input
                  value={endpoint}
                  onChange={(e) => setEndpoint(e.target.value)}
                  placeholder="https://slurm.example.internal:6820"
                  className="rounded-md border border-border bg-surface px-2 py-1"
                />
                {fieldError("endpoint")}
              </label>
              <label className="flex flex-col gap-1">
                Slurm user
                <input
                  value={userName}
                  onChange={(e) => setUserName(e.target.value)}
                  className="rounded-md border border-border bg-surface px-2 py-1"
                />
                {fieldError("userName")}
              </label>
              <label className="flex flex-col gap-1">
                Token (JWT from <code>scontrol token</code>)
                <input
                  type="password"
                  value={token}
                  onChange={(e) => setToken(e.target.value)}
                  placeholder={view.hasCredential ? "stored; leave empty to keep it" : ""}
                  autoComplete="off"
                  className="rounded-md border border-border bg-surface px-2 py-1"
                />
                {fieldError("token")}
              </label>
              <label className="flex flex-col gap-1">
                Partition per GPU model
                <input
                  value={partitions}
                  onChange={(e) => setPartitions(e.target.value)}
                  placeholder="H200=gpu, H100=gpu-h100"
                  className="rounded-md border border-border bg-surface px-2 py-1"
                />
                {fieldError("partitions")}
              </label>
            </>
          ) : null}
          {kind === "KUBERNETES" ? (
            <>
              <label className="flex flex-col gap-1">
                API server URL
                <input
                  value={endpoint}
                  onChange={(e) => setEndpoint(e.target.value)}
                  placeholder="https://k8s.example.internal:6443"
                  className="rounded-md border border-border bg-surface px-2 py-1"
                />
                {fieldError("endpoint")}
              </label>
              <label className="flex flex-col gap-1">
                Bearer token (from <code>kubectl create token &lt;service-account&gt;</code>)
                <input
                  type="password"
                  value={token}
                  onChange={(e) => setToken(e.target.value)}
                  placeholder={
                    view.hasCredential && view.kind === "KUBERNETES" ? "stored; leave empty to keep it" : ""
                  }
                  autoComplete="off"
                  className="rounded-md border border-border bg-surface px-2 py-1"
                />
                {fieldError("token")}
              </label>
              <label className="flex flex-col gap-1">
                CA bundle (PEM; optional)
                <textarea
                  value={caBundle}
                  onChange={(e) => setCaBundle(e.target.value)}
                  rows={3}
                  placeholder="-----BEGIN CERTIFICATE-----"
                  className="rounded-md border border-border bg-surface px-2 py-1 font-mono text-xs"
                />
                {fieldError("caBundle")}
              </label>
              <label className="flex flex-col gap-1">
                Namespace and LocalQueue per team
                <input
                  value={teams}
                  onChange={(e) => setTeams(e.target.value)}
                  placeholder="applied-ml=ml-train/ml-gpu; vision=cv/cv-gpu"
                  className="rounded-md border border-border bg-surface px-2 py-1"
                />
                {fieldError("teams")}
              </label>
              <label className="flex flex-col gap-1">
                Node pool label (optional)
                <input
                  value={nodePoolLabel}
                  onChange={(e) => setNodePoolLabel(e.target.value)}
                  placeholder="cloud.google.com/gke-nodepool=a3-h200"
                  className="rounded-md border border-border bg-surface px-2 py-1"
                />
                {fieldError("nodePoolLabel")}
              </label>
            </>
          ) : null}
          <button
            type="submit"
            disabled={save.isPending}
            className="self-start rounded-md bg-accent px-3 py-1.5 font-medium text-white"
          >
            {save.isPending ? "Saving…" : "Save executor"}
          </button>
          {save.error ? (
            <p className="text-status-bad" data-testid="executor-save-error">
              {save.error.message}
            </p>
          ) : null}
        </form>
      ) : null}
    </div>
  );
}
