import { Construct } from "constructs";
import { Network } from "@cdktf/provider-docker/lib/network";
import { labelsFor } from "./common";

export interface AppNetworkProps {
  /** Prefix of the network names, e.g. "django-dev". */
  readonly namePrefix: string;
  /** Stack name written into the labels. */
  readonly stackName: string;
}

/**
 * Two bridges: `backend` is internal (no route out, nothing published), where the database lives;
 * `frontend` carries the app's published port. The app joins both, the database only `backend`,
 * so the database is reachable from the app and from nothing else.
 */
export class AppNetwork extends Construct {
  readonly backend: Network;
  readonly frontend: Network;

  constructor(scope: Construct, id: string, props: AppNetworkProps) {
    super(scope, id);
    this.backend = new Network(this, "Backend", {
      name: `${props.namePrefix}-backend`,
      driver: "bridge",
      internal: true,
      labels: labelsFor(props.stackName, "network"),
    });
    this.frontend = new Network(this, "Frontend", {
      name: `${props.namePrefix}-frontend`,
      driver: "bridge",
      labels: labelsFor(props.stackName, "network"),
    });
  }
}
