import { IAspect } from "cdktf";
import { IConstruct } from "constructs";
import { Container } from "@cdktf/provider-docker/lib/container";
import { Service } from "@cdktf/provider-docker/lib/service";
import { isLongRunning, isLongRunningService, report } from "./rule";

export const RULE = "healthcheck-required";

/**
 * Every long-running container has a healthcheck, and apply waits for it (`wait`), so a deploy
 * that reports success has a healthy service.
 */
export class HealthcheckRequired implements IAspect {
  visit(node: IConstruct): void {
    if (node instanceof Service && isLongRunningService(node)) {
      visitService(node);
      return;
    }
    if (!(node instanceof Container) || !isLongRunning(node)) return;
    const where = node.node.path;
    const test = node.healthcheckInput?.test;
    if (!test || test.length === 0 || test[0] === "NONE") {
      report(node, RULE, `${where} has no healthcheck; add one so apply and Docker know when it is healthy`);
    } else if (node.waitInput !== true) {
      report(node, RULE, `${where} has a healthcheck but apply does not wait for it; set wait = true`);
    }
  }
}

/**
 * A long-running swarm service: a health check (its tasks count as running, and join the service's
 * name, only once healthy) and `converge_config`, so apply waits for it. The provider converges
 * replicated services only; a global one is waited for by the deploy.
 */
function visitService(node: Service): void {
  const where = node.node.path;
  const test = node.taskSpecInput?.containerSpec.healthcheck?.test;
  if (!test || test.length === 0 || test[0] === "NONE") {
    report(node, RULE, `${where} has no healthcheck; add one so the swarm knows when a task is ready`);
    return;
  }
  const global = node.modeInput?.global;
  if (node.convergeConfigInput === undefined && global !== true) {
    report(node, RULE, `${where} has a healthcheck but apply does not wait for it; set converge_config`);
  }
}
