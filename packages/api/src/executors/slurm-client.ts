/**
 * A small client for slurmrestd's openapi/v0.0.38 (Slurm 22.05), the plugin that runs
 * without slurmdbd. Field names follow src/plugins/openapi/v0.0.38/openapi.json and jobs.c of
 * Slurm 22.05 (the job properties of a submission are sbatch's long options: `nodelist`,
 * `gres`, `time_limit` in minutes, `comment`). Every request carries X-SLURM-USER-NAME and
 * X-SLURM-USER-TOKEN (a JWT from `scontrol token`).
 *
 * Every failure is a SlurmError with a kind a person can act on: the controller is
 * unreachable, it refused us (token), it rejected the request, or the job is unknown.
 */

export type TSlurmConnection = { endpoint: string; userName: string; token: string; timeoutMs?: number };

export type TSlurmErrorKind = "UNREACHABLE" | "REJECTED" | "NOT_FOUND" | "BAD_RESPONSE";

export class SlurmError extends Error {
  override name = "SlurmError";
  constructor(
    readonly kind: TSlurmErrorKind,
    message: string,
  ) {
    super(message);
  }
}

/** Slurm's job-id-not-found error (ESLURM_INVALID_JOB_ID). */
const INVALID_JOB_ID = 2017;

export type TSlurmNode = {
  name: string;
  state: string;
  state_flags?: string[];
  gres?: string;
  gres_used?: string;
  reason?: string;
  partitions?: string[];
};

export type TSlurmJob = {
  job_id: number;
  name?: string;
  job_state: string;
  state_reason?: string;
  state_description?: string;
  exit_code?: number;
  start_time?: number;
  end_time?: number;
  submit_time?: number;
  nodes?: string;
  comment?: string;
  partition?: string;
};

/** The job properties Switchyard sets (a subset of v0.0.38_job_properties). */
export type TSlurmJobRequest = {
  name: string;
  comment: string;
  partition: string;
  gres: string;
  nodes: number;
  nodelist: string;
  time_limit: number;
  current_working_directory: string;
  environment: Record<string, string>;
};

type TSlurmErrorEntry = {
  error?: string;
  description?: string;
  error_number?: number;
  errno?: number;
  error_code?: number;
};

export class SlurmClient {
  constructor(private readonly connection: TSlurmConnection) {}

  private async request<T>(method: "GET" | "POST" | "DELETE", path: string, body?: unknown): Promise<T> {
    const url = `${this.connection.endpoint.replace(/\/+$/, "")}/slurm/v0.0.38${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          "X-SLURM-USER-NAME": this.connection.userName,
          "X-SLURM-USER-TOKEN": this.connection.token,
          ...(body ? { "Content-Type": "application/json" } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.connection.timeoutMs ?? 10_000),
        redirect: "error",
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new SlurmError(
        "UNREACHABLE",
        `slurmrestd at ${this.connection.endpoint} is unreachable (${cause})`,
      );
    }
    const text = await response.text();
    let parsed: { errors?: TSlurmErrorEntry[] } & Record<string, unknown>;
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      throw new SlurmError(
        response.status === 401 || response.status === 403 ? "REJECTED" : "BAD_RESPONSE",
        `slurmrestd answered HTTP ${response.status} without JSON${response.status === 401 || response.status === 403 ? ": the token was refused (expired or wrong user?)" : ""}`,
      );
    }
    const errors = parsed.errors ?? [];
    if (errors.length > 0 || !response.ok) {
      if (errors.some((e) => e.error_number === INVALID_JOB_ID))
        throw new SlurmError("NOT_FOUND", errors.map(describe).join("; "));
      const text = errors.length > 0 ? errors.map(describe).join("; ") : `HTTP ${response.status}`;
      const hint = errors.some((e) => e.error_number === -1 || e.errno === -1)
        ? " (Slurm gives no detail here: an expired or wrong token is the usual cause)"
        : "";
      throw new SlurmError("REJECTED", `Slurm refused the request: ${text}${hint}`);
    }
    return parsed as T;
  }

  async ping(): Promise<void> {
    const answer = await this.request<{ pings?: { ping?: string; hostname?: string }[] }>("GET", "/ping/");
    const down = (answer.pings ?? []).filter((p) => p.ping !== "UP");
    if ((answer.pings ?? []).length === 0 || down.length === (answer.pings ?? []).length)
      throw new SlurmError("UNREACHABLE", "slurmrestd answers but no slurmctld is UP");
    // Loading the nodes proves the token as well: ping alone does not check it.
    await this.nodes();
  }

  async nodes(): Promise<TSlurmNode[]> {
    return (await this.request<{ nodes?: TSlurmNode[] }>("GET", "/nodes/")).nodes ?? [];
  }

  async jobs(): Promise<TSlurmJob[]> {
    return (await this.request<{ jobs?: TSlurmJob[] }>("GET", "/jobs/")).jobs ?? [];
  }

  /** The job, or null when Slurm no longer knows it. */
  async job(id: string): Promise<TSlurmJob | null> {
    try {
      const answer = await this.request<{ jobs?: TSlurmJob[] }>("GET", `/job/${encodeURIComponent(id)}`);
      return answer.jobs?.[0] ?? null;
    } catch (error) {
      if (error instanceof SlurmError && error.kind === "NOT_FOUND") return null;
      throw error;
    }
  }

  async submit(script: string, job: TSlurmJobRequest): Promise<string> {
    const answer = await this.request<{ job_id?: number }>("POST", "/job/submit", { script, job });
    if (typeof answer.job_id !== "number")
      throw new SlurmError("BAD_RESPONSE", "Slurm accepted the job without a job id");
    return String(answer.job_id);
  }

  /** Cancels a job; a job Slurm no longer knows counts as cancelled. */
  async cancel(id: string): Promise<void> {
    try {
      await this.request("DELETE", `/job/${encodeURIComponent(id)}`);
    } catch (error) {
      if (error instanceof SlurmError && error.kind === "NOT_FOUND") return;
      throw error;
    }
  }
}

function describe(e: TSlurmErrorEntry): string {
  return [e.error, e.description].filter(Boolean).join(": ") || `error ${e.error_number ?? e.error_code}`;
}

/** "gpu:h200:8(S:0-1),gpu:a100:2" -> [{ type: "h200", count: 8 }, ...]; counts of gres_used alike. */
export function parseGres(gres: string | undefined): { type: string; count: number }[] {
  if (!gres) return [];
  const out: { type: string; count: number }[] = [];
  for (const part of gres.split(/,(?![^(]*\))/)) {
    const match = /^gpu(?::([^:(]+))?:(\d+)/.exec(part.trim());
    if (match) out.push({ type: match[1] ?? "gpu", count: Number(match[2]) });
  }
  return out;
}

/** Slurm's exit_code is a wait status: the exit code in the high byte, a signal in the low bits. */
export function decodeExitCode(raw: number | undefined): { exitCode: number | null; signal: number | null } {
  if (raw === undefined || raw === null) return { exitCode: null, signal: null };
  const signal = raw & 0x7f;
  return signal !== 0 ? { exitCode: null, signal } : { exitCode: (raw >> 8) & 0xff, signal: null };
}
