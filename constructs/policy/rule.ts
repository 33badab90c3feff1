import { IConstruct } from "constructs";
import { Annotations, Token } from "cdktf";
import { Container } from "@cdktf/provider-docker/lib/container";
import { Service } from "@cdktf/provider-docker/lib/service";
import { LabelKeys } from "../labels";

/** Reports a policy finding with its stable rule id, as a synth error. */
export function report(node: IConstruct, ruleId: string, message: string): void {
  Annotations.of(node).addError(`[${ruleId}] ${message}`);
}

/** The value of one of a container's labels, when it is known at synth. */
export function labelOf(container: Container, key: string): string | undefined {
  const labels = container.labelsInput;
  if (!Array.isArray(labels)) return undefined;
  return labels.find((l) => l.label === key)?.value;
}

export function roleOf(container: Container): string | undefined {
  return labelOf(container, LabelKeys.role);
}

/** The role label of a swarm service (DEPLOY_TARGET=swarm), when it is known at synth. */
export function serviceRoleOf(service: Service): string | undefined {
  const labels = service.labelsInput;
  if (!Array.isArray(labels)) return undefined;
  return labels.find((l) => l.label === LabelKeys.role)?.value;
}

/** Roles of services that run once per spec (restart condition `none`), like one-shot containers. */
const ONE_SHOT_SERVICE_ROLES = ["secrets", "migrate"];

/** Long-running: a service expected to keep its tasks running (every service but the one-shots). */
export function isLongRunningService(service: Service): boolean {
  return !ONE_SHOT_SERVICE_ROLES.includes(serviceRoleOf(service) ?? "");
}

/** Long-running: started and expected to keep running (`must_run`, the provider's default). */
export function isLongRunning(container: Container): boolean {
  const mustRun = container.mustRunInput;
  const start = container.startInput;
  return mustRun !== false && start !== false;
}

export function known<T>(value: T | undefined): value is T {
  return value !== undefined && !Token.isUnresolved(value);
}
