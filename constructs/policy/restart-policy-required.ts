import { IAspect } from "cdktf";
import { IConstruct } from "constructs";
import { Container } from "@cdktf/provider-docker/lib/container";
import { Service } from "@cdktf/provider-docker/lib/service";
import { isLongRunning, isLongRunningService, report } from "./rule";

export const RULE = "restart-policy-required";

const RESTARTING = ["always", "unless-stopped", "on-failure"];

/** Every long-running container comes back after a crash or a host reboot. */
export class RestartPolicyRequired implements IAspect {
  visit(node: IConstruct): void {
    if (node instanceof Service) {
      if (!isLongRunningService(node)) return;
      const condition = node.taskSpecInput?.restartPolicy?.condition;
      if (condition !== "any" && condition !== "on-failure") {
        report(
          node,
          RULE,
          `${node.node.path} has restart condition "${condition ?? "unset"}"; set task_spec.restart_policy condition = "any"`,
        );
      }
      return;
    }
    if (!(node instanceof Container) || !isLongRunning(node)) return;
    const restart = node.restartInput;
    if (!restart || !RESTARTING.includes(restart)) {
      report(
        node,
        RULE,
        `${node.node.path} has restart policy "${restart ?? "no"}"; set restart = "unless-stopped"`,
      );
    }
  }
}
