import { Construct } from "constructs";
import { Network } from "@cdktf/provider-docker/lib/network";
import { labelsFor } from "./container-options";
import { dockerNameProblem, validateProps } from "./validation";

export interface SwarmNetworkProps {
  /** Prefix of the network names: `<namePrefix>-backend` and `<namePrefix>-frontend`. */
  readonly namePrefix: string;
}

/**
 * `AppNetwork` on a swarm: two overlay networks spanning the nodes. `backend` is internal (no route
 * out), where the database lives; `frontend` is where the proxy reaches the app. Both are
 * attachable, so one-shot containers (migrations, `manage`) join them beside the services.
 */
export class SwarmNetwork extends Construct {
  readonly backend: Network;
  readonly frontend: Network;
  /** The networks' names, for containers and services in another stack. */
  readonly names: { readonly backend: string; readonly frontend: string };

  constructor(scope: Construct, id: string, props: SwarmNetworkProps) {
    super(scope, id);
    validateProps(this, () => [
      {
        prop: "namePrefix",
        value: props.namePrefix,
        problem: dockerNameProblem(`${props.namePrefix}-frontend`),
        fix: "use lower case letters, digits and '-', e.g. django-dev",
      },
    ]);
    this.names = { backend: `${props.namePrefix}-backend`, frontend: `${props.namePrefix}-frontend` };
    this.backend = new Network(this, "Backend", {
      name: this.names.backend,
      driver: "overlay",
      attachable: true,
      internal: true,
      labels: labelsFor(this, "network"),
    });
    this.frontend = new Network(this, "Frontend", {
      name: this.names.frontend,
      driver: "overlay",
      attachable: true,
      labels: labelsFor(this, "network"),
    });
  }
}
