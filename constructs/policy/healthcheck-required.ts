import { IAspect } from "cdktf";
import { IConstruct } from "constructs";
import { Container } from "@cdktf/provider-docker/lib/container";
import { isLongRunning, report } from "./rule";

export const RULE = "healthcheck-required";

/**
 * Every long-running container has a healthcheck, and apply waits for it (`wait`), so a deploy
 * that reports success has a healthy service.
 */
export class HealthcheckRequired implements IAspect {
  visit(node: IConstruct): void {
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
