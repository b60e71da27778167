import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { CliError, EXIT } from "./exit-codes.ts";

export type TConfig = { server: string; token: string };
/** The environment variables the CLI reads (process.env, or a test's). */
export type TEnv = Record<string, string | undefined>;

/** $XDG_CONFIG_HOME/switchyard/config.json, or ~/.config/switchyard/config.json. */
export function configPath(env: TEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME?.startsWith("/") ? env.XDG_CONFIG_HOME : null;
  return join(base ?? join(homedir(), ".config"), "switchyard", "config.json");
}

export function readConfig(env: TEnv = process.env): TConfig | null {
  let text: string;
  try {
    text = readFileSync(configPath(env), "utf8");
  } catch {
    return null;
  }
  try {
    const parsed = JSON.parse(text) as Partial<TConfig>;
    if (typeof parsed.server === "string" && typeof parsed.token === "string")
      return { server: parsed.server, token: parsed.token };
  } catch {
    // reported below
  }
  throw new CliError(`${configPath(env)} is not a switchyard config: run switchyard login again`);
}

/** Writes the config readable by its owner only (0600, in a 0700 directory): it holds a token. */
export function writeConfig(config: TConfig, env: TEnv = process.env): string {
  const file = configPath(env);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}

export function removeConfig(env: TEnv = process.env): boolean {
  const file = configPath(env);
  try {
    readFileSync(file);
  } catch {
    return false;
  }
  rmSync(file);
  return true;
}

/** Normalises a server URL (http or https, no trailing slash); a bad one is a usage error. */
export function normaliseServer(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(`--server: "${value}" is not a URL (e.g. https://switchyard.example.com)`, EXIT.USAGE);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new CliError(`--server: use an http or https URL, not ${url.protocol}`, EXIT.USAGE);
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

/**
 * Where to connect and with which token: SWITCHYARD_SERVER and SWITCHYARD_TOKEN win over the
 * config file (CI sets them and never logs in).
 */
export function resolveConnection(env: TEnv = process.env): TConfig {
  const config = readConfig(env);
  const server = env.SWITCHYARD_SERVER ? normaliseServer(env.SWITCHYARD_SERVER) : config?.server;
  const token = env.SWITCHYARD_TOKEN || config?.token;
  if (!server || !token)
    throw new CliError(
      "Not logged in: run `switchyard login --server URL` (or set SWITCHYARD_SERVER and SWITCHYARD_TOKEN)",
      EXIT.ERROR,
    );
  return { server, token };
}
