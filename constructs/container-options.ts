/**
 * Container settings the library's constructs share: log rotation, one-shot runs, dropped
 * privileges, labels, memory limits, and the gate that lets a resource run only after a one-shot
 * succeeded. Plain functions over provider config objects, so the policy rules and tests can use
 * them too.
 */
import { createHash } from "crypto";
import { IConstruct } from "constructs";
import { TerraformStack } from "cdktf";
import { Container, ContainerConfig, ContainerLabels } from "@cdktf/provider-docker/lib/container";
import { LabelKeys, Role } from "./labels";

/** Log rotation for every container: at most 3 files of 10 MiB (json-file is the daemon default). */
export const LOG_DRIVER = "json-file";
export const LOG_OPTS: Readonly<Record<string, string>> = { "max-size": "10m", "max-file": "3" };

/** Rotated logs, as container properties. */
export function rotatedLogs(): { logDriver: string; logOpts: Record<string, string> } {
  return { logDriver: LOG_DRIVER, logOpts: { ...LOG_OPTS } };
}

/**
 * A container that runs once, when it is created: apply waits for it to exit (`attach`), keeps its
 * output for the failure message (`logs`; no tty, so no colour codes: provider 4.x separates
 * Docker's stream headers), and
 * leaves it for `docker logs` (no `rm`: with `attach` the provider would lose it). Without
 * `must_run` an exited container is what Terraform expects, so later plans leave it alone.
 */
export function oneShot(): Pick<
  ContainerConfig,
  "mustRun" | "attach" | "logs" | "tty" | "rm" | "logDriver" | "logOpts"
> {
  return { mustRun: false, attach: true, logs: true, tty: false, rm: false, ...rotatedLogs() };
}

/** No capabilities (unless added back) and no privilege gain through setuid binaries. */
export function dropPrivileges(...add: string[]): Pick<ContainerConfig, "capabilities" | "securityOpts"> {
  return {
    capabilities: add.length > 0 ? { drop: ["ALL"], add } : { drop: ["ALL"] },
    securityOpts: ["no-new-privileges:true"],
  };
}

/** Labels on a Docker object: the stack that owns it (the stack's id), its role, and extras. */
export function labelsFor(
  scope: IConstruct,
  role: Role,
  stateful = false,
  extra: Record<string, string> = {},
): ContainerLabels[] {
  const labels: Record<string, string> = {
    [LabelKeys.stack]: TerraformStack.of(scope).node.id,
    [LabelKeys.role]: role,
    ...(stateful ? { [LabelKeys.stateful]: "true" } : {}),
    ...extra,
  };
  return Object.entries(labels).map(([label, value]) => ({ label, value }));
}

/** Docker memory limits are bytes in the engine but MiB in the provider. */
export function memoryLimits(mb: number): { memory: number; memorySwap: number } {
  // swap equal to memory means no swap; the engine stores it back unchanged (no perpetual diff)
  return { memory: mb, memorySwap: mb };
}

/**
 * A precondition for whatever runs after a one-shot container: it exited 0. The failure message
 * carries the one-shot's own output. A precondition on the next resource, not a postcondition on
 * the one-shot, because Terraform re-checks postconditions when it refreshes, and a failed run
 * would then block every later plan, `destroy` included.
 */
export function succeeded(
  oneShot: Container,
  what: string,
  fix?: string,
): { condition: string; errorMessage: string } {
  const ref = oneShot.fqn;
  return {
    condition: `\${${ref}.exit_code == 0}`,
    errorMessage: `${what} failed in container ${oneShot.name} (exit code \${coalesce(${ref}.exit_code, "none")}).${fix ? ` ${fix}` : ""} Its output:\n\${coalesce(${ref}.container_logs, "(no output)")}`,
  };
}

/**
 * The docker provider records a changed `healthcheck` or `tmpfs` in the state only: the running
 * container keeps the old one (seen on a real engine). Labels are ForceNew, so a label derived
 * from them makes such a change replace the container, and the change takes effect.
 */
export function withRuntimeConfigLabel(config: ContainerConfig): ContainerConfig {
  const digest = createHash("sha256")
    .update(JSON.stringify({ healthcheck: config.healthcheck ?? null, tmpfs: config.tmpfs ?? null }))
    .digest("hex")
    .slice(0, 12);
  const labels = Array.isArray(config.labels) ? config.labels : [];
  return { ...config, labels: [...labels, { label: LabelKeys.runtimeConfig, value: digest }] };
}

/**
 * A CPU limit (in CPUs, e.g. 1.5). The provider has `cpus` since 3.7 (earlier versions mishandled
 * nano CPUs); the 3.6.2 bindings predate it, hence the override.
 */
export function limitCpus(container: Container, cpus: number): void {
  container.addOverride("cpus", canonicalCpus(cpus));
}

/**
 * The text the provider reads `cpus` back as (its nanoInt64ToDecimalString): anything else would
 * differ on every plan and replace the container. 1 -> "1.0", 0.5 -> "0.5", 10 -> "10.".
 */
export function canonicalCpus(cpus: number): string {
  const nine = cpus.toFixed(9);
  if ((nine.match(/0/g) ?? []).length === 9) return cpus.toFixed(1);
  return nine.replace(/0+$/, "");
}

export function cpusProblem(cpus: number): string | undefined {
  return Number.isFinite(cpus) && cpus >= 0.01 && cpus <= 256 && Math.round(cpus * 100) === cpus * 100
    ? undefined
    : "must be a number of CPUs from 0.01 to 256, at most two decimals";
}
