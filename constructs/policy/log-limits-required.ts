import { IAspect } from "cdktf";
import { IConstruct } from "constructs";
import { Container } from "@cdktf/provider-docker/lib/container";
import { Service } from "@cdktf/provider-docker/lib/service";
import { isLongRunning, report } from "./rule";

export const RULE = "log-limits-required";

/** Drivers that write to the Docker host's disk and need a size limit. */
const LOCAL_DRIVERS = ["json-file", "local"];

/** Every long-running container's logs are rotated, so they cannot fill the host's disk. */
export class LogLimitsRequired implements IAspect {
  visit(node: IConstruct): void {
    if (node instanceof Service) {
      // every service, one-shots included: a task's log stays on its node
      const driver = node.taskSpecInput?.logDriver;
      if (driver && !LOCAL_DRIVERS.includes(driver.name)) return; // shipped elsewhere
      if (!driver || !driver.options?.["max-size"]) {
        report(
          node,
          RULE,
          `${node.node.path} has no log rotation; set task_spec.log_driver name = "json-file" and options max-size / max-file`,
        );
      }
      return;
    }
    if (!(node instanceof Container) || !isLongRunning(node)) return;
    const driver = node.logDriverInput;
    if (driver !== undefined && !LOCAL_DRIVERS.includes(driver)) return; // shipped elsewhere
    const opts = node.logOptsInput as Record<string, string> | undefined;
    if (!driver || !opts?.["max-size"]) {
      report(
        node,
        RULE,
        `${node.node.path} has no log rotation; set log_driver = "json-file" and log_opts max-size / max-file`,
      );
    }
  }
}
