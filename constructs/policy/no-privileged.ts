import { IAspect } from "cdktf";
import { IConstruct } from "constructs";
import { Container } from "@cdktf/provider-docker/lib/container";
import { Service } from "@cdktf/provider-docker/lib/service";
import { report } from "./rule";

export const RULE = "no-privileged";

const HOST_NAMESPACES = [
  ["networkModeInput", "network_mode"],
  ["pidModeInput", "pid_mode"],
  ["ipcModeInput", "ipc_mode"],
  ["usernsModeInput", "userns_mode"],
] as const;

/** Nothing privileged: no `privileged`, no added ALL or SYS_ADMIN capability, no host namespaces. */
export class NoPrivileged implements IAspect {
  visit(node: IConstruct): void {
    if (node instanceof Service) {
      // a service has no privileged mode or host namespaces; capabilities are its way in
      const added = (node.taskSpecInput?.containerSpec.capAdd ?? []).map((c) =>
        c.toUpperCase().replace(/^CAP_/, ""),
      );
      for (const cap of added.filter((c) => c === "ALL" || c === "SYS_ADMIN")) {
        report(
          node,
          RULE,
          `${node.node.path} adds capability ${cap}; add only the specific capabilities it needs`,
        );
      }
      return;
    }
    if (!(node instanceof Container)) return;
    const where = node.node.path;
    if (node.privilegedInput === true) {
      report(node, RULE, `${where} is privileged; remove privileged and add only the capabilities it needs`);
    }
    const added = (node.capabilitiesInput?.add ?? []).map((c) => c.toUpperCase().replace(/^CAP_/, ""));
    for (const cap of added.filter((c) => c === "ALL" || c === "SYS_ADMIN")) {
      report(node, RULE, `${where} adds capability ${cap}; add only the specific capabilities it needs`);
    }
    for (const [getter, attribute] of HOST_NAMESPACES) {
      if (node[getter] === "host") {
        report(
          node,
          RULE,
          `${where} shares the host's namespace (${attribute} = "host"); remove ${attribute}`,
        );
      }
    }
  }
}
