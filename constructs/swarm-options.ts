/**
 * Service settings the swarm constructs share: log rotation, restart, limits, durations as the
 * provider reads them back, network attachments by id, convergence. Plain functions over the
 * provider's config objects, like `container-options.ts` for containers.
 *
 * Written so a plan after a deploy is empty (provider 4.5.0 on Docker 20.10): durations in Go's
 * canonical form, `window` and `max_failure_ratio` as the provider reads them back, networks by id.
 */
import { IConstruct } from "constructs";
import {
  Service,
  ServiceConvergeConfig,
  ServiceLabels,
  ServiceTaskSpecLogDriver,
  ServiceTaskSpecResources,
  ServiceTaskSpecRestartPolicy,
  ServiceUpdateConfig,
} from "@cdktf/provider-docker/lib/service";
import { LOG_DRIVER, LOG_OPTS, labelsFor } from "./container-options";
import { Role } from "./labels";

/**
 * Seconds as the provider reads a service's durations back (Go's `Duration.String()` with a trailing
 * zero unit dropped, its `shortDur`): 60 -> "1m", 90 -> "1m30s", 5 -> "5s". Anything else differs
 * on every plan.
 */
export function goDuration(totalSeconds: number): string {
  const s = Math.round(totalSeconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  let text = h > 0 ? `${h}h${m}m${sec}s` : m > 0 ? `${m}m${sec}s` : `${sec}s`;
  if (text.endsWith("m0s")) text = text.slice(0, -2);
  if (text.endsWith("h0m")) text = text.slice(0, -2);
  return text;
}

/** A tmpfs mount of a service: its size and mode as the provider reads them back (no sticky bit). */
export function serviceTmpfs(target: string, mb: number) {
  return {
    target,
    type: "tmpfs",
    readOnly: false,
    tmpfsOptions: { sizeBytes: mb * 1024 * 1024, mode: 0o777 },
  };
}

/** A named volume mounted writable (Docker creates it on the node where the task runs). */
export function serviceVolume(target: string, source: string) {
  return { target, type: "volume", source, readOnly: false };
}

/** Rotated local logs, as a service's log driver (the same limits as every container's). */
export function serviceLogDriver(): ServiceTaskSpecLogDriver {
  return { name: LOG_DRIVER, options: { ...LOG_OPTS } };
}

/** Restarted whenever a task stops (a crash, a node reboot), after a short delay. */
export function alwaysRestart(): ServiceTaskSpecRestartPolicy {
  return { condition: "any", delay: "5s", maxAttempts: 0, window: "0s" };
}

/** Run once per spec: a task that ends is not started again (the swarm's one-shot). */
export function runOnce(): ServiceTaskSpecRestartPolicy {
  return { condition: "none", delay: "5s", maxAttempts: 0, window: "0s" };
}

/**
 * A memory limit (MiB) and a CPU limit (CPUs) as the swarm takes them: bytes and nano CPUs. A
 * service has no swap setting: the node's swap applies.
 */
export function serviceLimits(memoryMb: number, cpus: number): ServiceTaskSpecResources {
  return {
    limits: { memoryBytes: memoryMb * 1024 * 1024, nanoCpus: Math.round(cpus * 100) * 10_000_000 },
  };
}

/** Labels on a service (and on its tasks' containers): the same keys as on every object. */
export function serviceLabels(
  scope: IConstruct,
  role: Role,
  stateful = false,
  extra: Record<string, string> = {},
): ServiceLabels[] {
  return labelsFor(scope, role, stateful, extra);
}

/**
 * A rolling update (or rollback) one task at a time: `order` start-first keeps the old task serving
 * until the new one is healthy; stop-first never runs two (a database on one volume, a proxy on
 * one host port). `monitor`: how long a new task must keep running to count as a success.
 */
export function rolling(
  order: "start-first" | "stop-first",
  failureAction: "rollback" | "pause" | "continue",
  monitorSeconds: number,
): ServiceUpdateConfig {
  return {
    parallelism: 1,
    delay: "0s",
    order,
    failureAction,
    monitor: goDuration(monitorSeconds),
    // read back as "0.0" (provider 4.5.0): "0" would differ on every plan
    maxFailureRatio: "0.0",
  };
}

/** Apply waits until every task runs (healthy, where there is a health check), at most `timeoutSeconds`. */
export function converge(timeoutSeconds: number): ServiceConvergeConfig {
  return { delay: "1s", timeout: goDuration(timeoutSeconds) };
}

/** A network a service joins: its id (a name would replace the service on every plan) and aliases. */
export interface ServiceNetwork {
  readonly id: string;
  readonly aliases?: readonly string[];
}

/**
 * Joins the service to networks by id. Provider 4.x reads networks back as ids and deprecated
 * `name` (the only field the 3.6.2 bindings know), hence the override.
 */
export function attachNetworks(service: Service, networks: readonly ServiceNetwork[]): void {
  service.addOverride(
    "task_spec.networks_advanced",
    networks.map((n) =>
      n.aliases && n.aliases.length > 0 ? { id: n.id, aliases: [...n.aliases] } : { id: n.id },
    ),
  );
}
