import { Construct } from "constructs";
import { Network } from "@cdktf/provider-docker/lib/network";
import { labelsFor } from "./container-options";
import { checkPropShapes, dockerNameProblem, validateProps } from "./validation";

export interface AppNetworkProps {
  /** Prefix of the network names: `<namePrefix>-backend` and `<namePrefix>-frontend`. */
  readonly namePrefix: string;
  /**
   * `bridge`: on one engine. `overlay`: on a swarm, spanning its nodes, and attachable, so one-shot
   * containers (migrations, `manage`) join the networks beside the services. @default "bridge"
   */
  readonly driver?: "bridge" | "overlay";
}

/**
 * Two networks (bridges on one engine, overlays on a swarm): `backend` is internal (no route out, nothing published), where the database lives;
 * `frontend` carries the app's published port. The app joins both, the database only `backend`,
 * so the database is reachable from the app and from nothing else. Containers join them by id, so
 * a replaced network replaces its containers instead of failing on active endpoints.
 */
export class AppNetwork extends Construct {
  readonly backend: Network;
  readonly frontend: Network;
  /** The networks' names, for containers in another stack (which join by name). */
  readonly names: { readonly backend: string; readonly frontend: string };

  constructor(scope: Construct, id: string, props: AppNetworkProps) {
    super(scope, id);
    checkPropShapes(this, "AppNetwork", props, { namePrefix: "string" });
    const driver = props.driver ?? "bridge";
    validateProps(this, () => [
      {
        prop: "namePrefix",
        value: props.namePrefix,
        problem: dockerNameProblem(`${props.namePrefix}-frontend`),
        fix: "use lower case letters, digits and '-', e.g. django-dev",
      },
      {
        prop: "driver",
        value: driver,
        problem: driver === "bridge" || driver === "overlay" ? undefined : "must be bridge or overlay",
        fix: "use overlay on a swarm, bridge otherwise",
      },
    ]);
    const attachable = driver === "overlay" ? true : undefined;
    this.names = { backend: `${props.namePrefix}-backend`, frontend: `${props.namePrefix}-frontend` };
    this.backend = new Network(this, "Backend", {
      name: this.names.backend,
      driver,
      attachable,
      internal: true,
      labels: labelsFor(this, "network"),
    });
    this.frontend = new Network(this, "Frontend", {
      name: this.names.frontend,
      driver,
      attachable,
      labels: labelsFor(this, "network"),
    });
  }
}
