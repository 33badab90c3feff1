import { IAspect } from "cdktf";
import { IConstruct } from "constructs";
import { Container } from "@cdktf/provider-docker/lib/container";
import { Service } from "@cdktf/provider-docker/lib/service";
import { known, report, roleOf, serviceRoleOf } from "./rule";

export const RULE = "app-not-root";

const APP_ROLES = ["web", "migrate"];

/** The app's containers (and swarm services) run as an explicit non-root user, whatever the image says. */
export class AppNotRoot implements IAspect {
  visit(node: IConstruct): void {
    let user: string | undefined;
    if (node instanceof Container && APP_ROLES.includes(roleOf(node) ?? "")) user = node.userInput;
    else if (node instanceof Service && APP_ROLES.includes(serviceRoleOf(node) ?? ""))
      user = node.taskSpecInput?.containerSpec.user;
    else return;
    if (!known(user)) {
      report(node, RULE, `${node.node.path} sets no user; set user to the image's non-root uid:gid`);
      return;
    }
    const name = user.split(":")[0];
    if (name === "" || name === "0" || name === "root") {
      report(node, RULE, `${node.node.path} runs as root (user "${user}"); run it as a non-root uid:gid`);
    }
  }
}
