/**
 * The Docker engine through the docker CLI: commands, the stand-in base images of this workplace,
 * and cleanup of a project's objects by name prefix. Nothing here mocks Docker.
 */
import { execFileSync } from "child_process";
import * as path from "path";
import { RunResult, mustRun, run } from "./process";

export const REPO = path.resolve(__dirname, "..", "..");
/** Where ../shared/tools lives (docker-engine, base-images), unless SHARED_TOOLS says otherwise. */
export const SHARED_TOOLS = process.env.SHARED_TOOLS || path.resolve(REPO, "..", "shared", "tools");

export const docker = (...args: string[]): Promise<RunResult> => run("docker", args);
export const mustDocker = (...args: string[]): Promise<string> => mustRun("docker", args);

/** A docker command, synchronously; returns stdout trimmed, throws on failure. */
export function execDocker(args: readonly string[]): string {
  return execFileSync("docker", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/** Whether a docker command succeeds. */
export function execDockerOk(args: readonly string[]): boolean {
  try {
    execDocker(args);
    return true;
  } catch {
    return false;
  }
}

export interface StandInImages {
  readonly python: string;
  readonly postgres: string;
  readonly caddy?: string;
}

/**
 * Starts the engine when needed (shared tools' docker-engine) and builds the stand-in base images
 * (base-images --env); returns their names.
 */
export async function prepareEngine(): Promise<StandInImages> {
  await mustRun(path.join(SHARED_TOOLS, "docker-engine"), []);
  return standInImages();
}

/** The stand-in base images' names (built once, then kept). */
export async function standInImages(): Promise<StandInImages> {
  const printed = await mustRun(path.join(SHARED_TOOLS, "base-images"), ["--env"]);
  const value = (name: string): string | undefined =>
    new RegExp(`^export ${name}=(\\S+)$`, "m").exec(printed)?.[1];
  const python = value("STANDIN_PYTHON_IMAGE");
  const postgres = value("STANDIN_POSTGRES_IMAGE");
  if (!python || !postgres) throw new Error(`base-images --env printed no image names:\n${printed}`);
  return { python, postgres, caddy: value("STANDIN_CADDY_IMAGE") };
}

/** Removes every container, network, volume and image whose name starts with `prefix`. */
export function removeDockerObjects(prefix: string): void {
  const list = (args: string[]) =>
    execDocker(args)
      .split("\n")
      .filter((n) => n.startsWith(prefix));
  const containers = list(["ps", "-a", "--format", "{{.Names}}"]);
  if (containers.length) execDockerOk(["rm", "-f", "-v", ...containers]);
  const networks = list(["network", "ls", "--format", "{{.Name}}"]);
  if (networks.length) execDockerOk(["network", "rm", ...networks]);
  const volumes = list(["volume", "ls", "--format", "{{.Name}}"]);
  if (volumes.length) execDockerOk(["volume", "rm", "-f", ...volumes]);
  const images = list(["image", "ls", "--format", "{{.Repository}}:{{.Tag}}"]);
  if (images.length) execDockerOk(["rmi", "-f", ...images]);
}
