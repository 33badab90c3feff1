import { IAspect } from "cdktf";
import { IConstruct } from "constructs";
import { Container } from "@cdktf/provider-docker/lib/container";
import { Service } from "@cdktf/provider-docker/lib/service";
import { report, roleOf, serviceRoleOf } from "./rule";

export const RULE = "no-published-db-port";

/**
 * The database is reachable from the app's private network only: a published port puts it on the
 * host's interfaces (the seed's compose file publishes 5432). Use `docker exec ... psql` instead.
 */
export class NoPublishedDbPort implements IAspect {
  visit(node: IConstruct): void {
    if (node instanceof Service && serviceRoleOf(node) === "database") {
      const ports = node.endpointSpecInput?.ports;
      if (Array.isArray(ports) ? ports.length > 0 : ports !== undefined) {
        report(
          node,
          RULE,
          `${node.node.path} publishes the database on the swarm's nodes; remove its endpoint_spec ports and reach it with docker exec`,
        );
      }
      return;
    }
    if (!(node instanceof Container) || roleOf(node) !== "database") return;
    const ports = node.portsInput;
    const published = Array.isArray(ports) ? ports.length > 0 : ports !== undefined;
    if (published || node.publishAllPortsInput === true) {
      report(
        node,
        RULE,
        `${node.node.path} publishes the database on the host; remove its ports and reach it with docker exec`,
      );
    }
  }
}
