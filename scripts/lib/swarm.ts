/**
 * A single-node Docker Swarm for the tests and benchmarks of DEPLOY_TARGET=swarm: used when the
 * engine already manages one, made (`docker swarm init --advertise-addr 127.0.0.1`) when it is in
 * none, and left again afterwards only when it was made here, so the engine ends as it was found.
 */
import { execDocker, execDockerOk } from "./docker";

export type SwarmUse =
  | {
      readonly ok: true;
      /** This process initialised the swarm (and must leave it). */
      readonly initialized: boolean;
      /** docker_gwbridge was made by that init (leaving does not remove it). */
      readonly madeGatewayBridge: boolean;
    }
  | { readonly ok: false; readonly reason: string };

/** The engine's swarm state: "inactive", "active", "pending", "error", "locked". */
export function swarmState(): { state: string; manager: boolean } {
  const [state, control] = execDocker([
    "info",
    "--format",
    "{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}",
  ]).split(" ");
  return { state, manager: control === "true" };
}

/** A swarm to deploy on, or the reason there is none (the caller skips and prints it). */
export function useSwarm(): SwarmUse {
  let current: { state: string; manager: boolean };
  try {
    current = swarmState();
  } catch (e) {
    return { ok: false, reason: `Docker does not answer \`docker info\`: ${(e as Error).message}` };
  }
  if (current.state === "active") {
    return current.manager
      ? { ok: true, initialized: false, madeGatewayBridge: false }
      : { ok: false, reason: "the engine is a swarm worker; the swarm tests need a manager" };
  }
  if (current.state !== "inactive")
    return { ok: false, reason: `the engine's swarm is ${current.state}; the swarm tests need a manager` };
  const bridge = execDockerOk(["network", "inspect", "docker_gwbridge"]);
  try {
    execDocker(["swarm", "init", "--advertise-addr", "127.0.0.1"]);
  } catch (e) {
    const message = (e as { stderr?: string }).stderr?.trim() || (e as Error).message;
    return { ok: false, reason: `docker swarm init --advertise-addr 127.0.0.1 failed: ${message}` };
  }
  return { ok: true, initialized: true, madeGatewayBridge: !bridge };
}

/** Leaves the swarm if `useSwarm` made it, and removes the bridge its init made. */
export function releaseSwarm(use: SwarmUse): void {
  if (!use.ok || !use.initialized) return;
  execDockerOk(["swarm", "leave", "--force"]);
  if (use.madeGatewayBridge) execDockerOk(["network", "rm", "docker_gwbridge"]);
}

/** Removes the services, secrets and configs whose names start with `prefix` (after a failed run). */
export function removeSwarmObjects(prefix: string): void {
  const list = (kind: string) =>
    execDockerOk([kind, "ls"])
      ? execDocker([kind, "ls", "--format", "{{.Name}}"])
          .split("\n")
          .filter((n) => n.startsWith(prefix))
      : [];
  const services = list("service");
  if (services.length) execDockerOk(["service", "rm", ...services]);
  for (const kind of ["secret", "config"]) {
    const names = list(kind);
    if (names.length) execDockerOk([kind, "rm", ...names]);
  }
}

/** `running/desired` of a service, e.g. "2/2", or "" when it does not exist. */
export function replicasOf(service: string): string {
  try {
    return (
      execDocker(["service", "ls", "--filter", `name=${service}`, "--format", "{{.Name}} {{.Replicas}}"])
        .split("\n")
        .find((r) => r.split(" ")[0] === service)
        ?.split(" ")[1] ?? ""
    );
  } catch {
    return "";
  }
}

/** The image each running task of a service runs. */
export function runningImages(service: string): string[] {
  return execDocker([
    "service",
    "ps",
    service,
    "--filter",
    "desired-state=running",
    "--format",
    "{{.CurrentState}}\t{{.Image}}",
  ])
    .split("\n")
    .filter((r) => r.startsWith("Running"))
    .map((r) => r.split("\t")[1]);
}
