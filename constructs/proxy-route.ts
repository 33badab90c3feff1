import { createHash } from "crypto";
import { Construct } from "constructs";
import { ITerraformDependable, TerraformResource } from "cdktf";
import { Container } from "@cdktf/provider-docker/lib/container";
import { CaddyConfig, renderCaddyfile } from "./caddyfile";
import { ProxyRef } from "./caddy-proxy";
import { dropPrivileges, labelsFor, oneShot } from "./container-options";
import { CaddyImageContract } from "./contracts";
import { literal } from "./terraform-text";
import { checkPropShapes, dockerNameProblem, validateProps } from "./validation";

export interface ProxyRouteProps {
  /** Prefix of the one-shot's Docker name: `<namePrefix>-route-<digest of the configuration>`. */
  readonly namePrefix: string;
  /** The proxy to reconfigure. */
  readonly proxy: ProxyRef;
  /** The configuration to load (the admin socket is the proxy's). */
  readonly sites: CaddyConfig["sites"];
  /**
   * Changes whenever a value Terraform fills in changes (e.g. the release in the upstream's name);
   * with a digest of the rest, it names the one-shot, so every new configuration is loaded anew.
   */
  readonly revision: string;
  /** What must be in place before traffic moves (the new app containers, healthy). */
  readonly after: readonly Container[];
  /** Conditions checked before traffic moves (e.g. the migrations succeeded). @default [] */
  readonly preconditions?: readonly { readonly condition: string; readonly errorMessage: string }[];
}

/**
 * Moves traffic: a one-shot loads the configuration into the running proxy through its admin
 * socket (Caddy reloads gracefully: requests in flight finish, none is refused), then a gate
 * checks it succeeded. Both are created before the previous release's objects are destroyed
 * (`create_before_destroy`, names that change with the configuration), so the previous app
 * container is stopped only after traffic has left it; a failed load fails the deploy and the
 * previous release keeps serving.
 */
export class ProxyRoute extends Construct {
  readonly caddyfile: string;
  readonly route: Container;
  /** Fails the apply (and so keeps the previous release) when the configuration did not load. */
  readonly gate: TerraformResource;

  constructor(scope: Construct, id: string, props: ProxyRouteProps) {
    super(scope, id);
    checkPropShapes(this, "ProxyRoute", props, {
      namePrefix: "string",
      proxy: "object",
      sites: "array",
      revision: "string",
      after: "array",
    });
    validateProps(this, () => [
      {
        prop: "namePrefix",
        value: props.namePrefix,
        problem: dockerNameProblem(`${props.namePrefix}-route`),
        fix: "use a Docker object name, e.g. django-dev",
      },
    ]);
    const config = { adminSocket: CaddyImageContract.adminSocket, sites: props.sites };
    this.caddyfile = renderCaddyfile(config);
    // a digest of the configuration with Terraform's values left out (they are in `revision`)
    const shape = createHash("sha256")
      .update(renderCaddyfile(config).replace(/\$\{[^}]*\}/g, "${}"))
      .digest("hex")
      .slice(0, 8);
    this.route = new Container(this, "Route", {
      name: `${props.namePrefix}-route-${props.revision}-${shape}`,
      image: props.proxy.image,
      entrypoint: ["/bin/sh", "-c"],
      command: [
        `printf %s "$CADDYFILE" | caddy reload --adapter caddyfile --config /dev/stdin --address unix/${CaddyImageContract.adminSocket}`,
      ],
      env: [`CADDYFILE=${literal(this.caddyfile)}`, "XDG_DATA_HOME=/tmp", "XDG_CONFIG_HOME=/tmp"],
      networkMode: "none",
      // root: the admin socket belongs to the proxy's root user; no capability is needed to use it
      user: "0:0",
      readOnly: true,
      tmpfs: { "/tmp": "rw,nosuid,nodev,noexec,size=16m" },
      volumes: [
        {
          volumeName: props.proxy.adminVolume,
          containerPath: CaddyImageContract.adminDirectory,
          readOnly: false,
        },
      ],
      ...dropPrivileges(),
      ...oneShot(),
      labels: labelsFor(this, "route"),
      dependsOn: [...props.after],
      lifecycle: { createBeforeDestroy: true, precondition: [...(props.preconditions ?? [])] },
    });
    const ref = this.route.fqn;
    this.gate = new TerraformResource(this, "Gate", {
      terraformResourceType: "terraform_data",
      dependsOn: [this.route, ...props.after] as ITerraformDependable[],
      lifecycle: {
        createBeforeDestroy: true,
        precondition: [
          {
            condition: `\${${ref}.exit_code == 0}`,
            errorMessage: `Switching traffic failed: the proxy ${props.proxy.name} refused the new configuration in container \${${ref}.name} (exit code \${coalesce(${ref}.exit_code, "none")}); the previous release keeps serving. Its output:\n\${coalesce(${ref}.container_logs, "(no output)")}`,
          },
        ],
      },
    });
    this.gate.addOverride("input", { route: this.route.id, apps: props.after.map((c) => c.id) });
  }
}
