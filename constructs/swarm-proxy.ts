import { createHash } from "crypto";
import { Construct } from "constructs";
// eslint-disable-next-line no-restricted-imports -- the provider's docker_config resource, not this project's configuration
import { Config } from "@cdktf/provider-docker/lib/config";
import { Network } from "@cdktf/provider-docker/lib/network";
import { Service, ServiceEndpointSpecPorts } from "@cdktf/provider-docker/lib/service";
import { CaddySite, renderCaddyfile } from "./caddyfile";
import { CaddyImageContract } from "./contracts";
import { SecretFile } from "./secrets";
import {
  alwaysRestart,
  attachNetworks,
  converge,
  goDuration,
  rolling,
  serviceLabels,
  serviceLimits,
  serviceLogDriver,
  serviceTmpfs,
  serviceVolume,
} from "./swarm-options";
import { SwarmSecrets } from "./swarm-secrets";
import {
  checkPropShapes,
  dockerNameProblem,
  pinnedImageProblem,
  validateProps,
  wholeNumberProblem,
} from "./validation";

export interface SwarmProxyProps {
  /** Name of the service; its configuration is `<name>-caddyfile-<digest>`, its volume `<name>-data`. */
  readonly name: string;
  /** The overlay network the proxy reaches the app on. */
  readonly network: Network;
  /** The one site it serves; `upstream` is the app service's name and port (resolved per connection). */
  readonly site: CaddySite;
  /** Caddy 2 image. @default "caddy:2.10" */
  readonly image?: string;
  /** Port published for HTTP (the proxy's port 80). */
  readonly httpPort: number;
  /** Port published for HTTPS, when the site serves a domain. @default none */
  readonly httpsPort?: number;
  /**
   * `host`: a proxy on every node, publishing on that node's ports (stop-first updates: the port is
   * the node's). `ingress`: one proxy behind the routing mesh (start-first; needs IPVS).
   * @default "host"
   */
  readonly publishMode?: "host" | "ingress";
  /** The secrets the site's TLS files are among. @default none */
  readonly secrets?: SwarmSecrets;
  /** TLS certificate and key files (mounted for the proxy only). @default none */
  readonly tlsFiles?: readonly SecretFile[];
  /** Memory limit in MiB. @default 128 */
  readonly memoryMb?: number;
  /** Seconds apply waits for the proxy to run healthy (ingress mode; host mode is waited for by the deploy). @default 120 */
  readonly convergeTimeoutSeconds?: number;
}

/**
 * `CaddyProxy` on a swarm. The app's tasks come and go behind one stable name (its service, with
 * DNS round robin), so the configuration no longer changes per release: it is a Swarm config made
 * from the Caddyfile, and a new one (another site, other certificates) rolls the proxy. Caddy
 * resolves the name on every new connection, retries a refused one for 10 s, and a task leaves the
 * name two seconds before it is stopped, so a rolling update of the app drops no request.
 */
export class SwarmProxy extends Construct {
  readonly caddyfile: string;
  readonly config: Config;
  readonly service: Service;
  readonly dataVolumeName: string;

  constructor(scope: Construct, id: string, props: SwarmProxyProps) {
    super(scope, id);
    checkPropShapes(this, "SwarmProxy", props, {
      name: "string",
      network: "object",
      site: "object",
      httpPort: "number",
    });
    const image = props.image ?? "caddy:2.10";
    const mode = props.publishMode ?? "host";
    const memoryMb = props.memoryMb ?? 128;
    const timeout = props.convergeTimeoutSeconds ?? 120;
    validateProps(this, () => [
      {
        prop: "name",
        value: props.name,
        problem: dockerNameProblem(props.name),
        fix: "use a Docker object name, e.g. django-dev-proxy",
      },
      {
        prop: "image",
        value: image,
        problem: pinnedImageProblem(image),
        fix: "pin a Caddy 2 version, e.g. caddy:2.10",
      },
      {
        prop: "httpPort",
        value: props.httpPort,
        problem: wholeNumberProblem(props.httpPort, 1, 65535),
        fix: "use a free TCP port of the nodes, e.g. 80",
      },
      props.httpsPort === undefined
        ? undefined
        : {
            prop: "httpsPort",
            value: props.httpsPort,
            problem:
              props.httpsPort === props.httpPort
                ? "must differ from httpPort"
                : wholeNumberProblem(props.httpsPort, 1, 65535),
            fix: "use a free TCP port of the nodes, e.g. 443",
          },
      {
        prop: "tlsFiles",
        value: (props.tlsFiles ?? []).map((f) => f.name).join(","),
        problem: props.tlsFiles?.length && !props.secrets ? "needs secrets to mount them from" : undefined,
        fix: "give the SwarmSecrets that hold them",
      },
      {
        prop: "memoryMb",
        value: memoryMb,
        problem: wholeNumberProblem(memoryMb, 32, 65536),
        fix: "give MiB, e.g. 128",
      },
    ]);

    this.caddyfile = renderCaddyfile({ adminSocket: CaddyImageContract.adminSocket, sites: [props.site] });
    const digest = createHash("sha256").update(this.caddyfile).digest("hex").slice(0, 12);
    // a Swarm config cannot change: a new text is a new config, created before the old one goes
    this.config = new Config(this, "Caddyfile", {
      name: `${props.name}-caddyfile-${digest}`,
      data: Buffer.from(this.caddyfile, "utf8").toString("base64"),
      lifecycle: { createBeforeDestroy: true },
    });
    this.dataVolumeName = `${props.name}-data`;

    const ports: ServiceEndpointSpecPorts[] = [
      {
        targetPort: CaddyImageContract.httpPort,
        publishedPort: props.httpPort,
        publishMode: mode,
        protocol: "tcp",
      },
    ];
    if (props.httpsPort !== undefined)
      ports.push({
        targetPort: CaddyImageContract.httpsPort,
        publishedPort: props.httpsPort,
        publishMode: mode,
        protocol: "tcp",
      });
    const caddyfilePath = "/etc/caddy/Caddyfile";
    this.service = new Service(this, "Service", {
      name: props.name,
      labels: serviceLabels(this, "proxy"),
      taskSpec: {
        containerSpec: {
          image,
          command: ["caddy", "run", "--config", caddyfilePath, "--adapter", "caddyfile"],
          env: {
            XDG_DATA_HOME: CaddyImageContract.dataDirectory,
            XDG_CONFIG_HOME: CaddyImageContract.configDirectory,
          },
          configs: [
            {
              configId: this.config.id,
              configName: this.config.name,
              fileName: caddyfilePath,
              fileUid: "0",
              fileGid: "0",
              fileMode: 0o444,
            },
          ],
          mounts: [
            // certificates and the local CA, on the node (a proxy on another node has its own)
            serviceVolume(CaddyImageContract.dataDirectory, this.dataVolumeName),
            serviceTmpfs(CaddyImageContract.configDirectory, 16),
            serviceTmpfs(CaddyImageContract.adminDirectory, 1),
            serviceTmpfs("/tmp", 16),
          ],
          secrets: props.secrets
            ? (props.tlsFiles ?? []).map((f) => props.secrets!.ref(f, "proxy"))
            : undefined,
          readOnly: true,
          // root in the official image: it owns the admin socket; binding 80/443 needs no more than this
          capDrop: ["ALL"],
          capAdd: ["CAP_NET_BIND_SERVICE"],
          // the admin socket appears once Caddy has loaded its configuration
          healthcheck: {
            test: ["CMD-SHELL", `test -S ${CaddyImageContract.adminSocket}`],
            interval: "1s",
            timeout: "3s",
            retries: 30,
            startPeriod: "0s",
          },
          stopSignal: "SIGTERM",
          stopGracePeriod: goDuration(10),
          labels: serviceLabels(this, "proxy"),
        },
        resources: serviceLimits(memoryMb, 0.5),
        restartPolicy: alwaysRestart(),
        logDriver: serviceLogDriver(),
      },
      // host: one per node, so any node answers (what the routing mesh would do)
      mode: mode === "host" ? { global: true } : { replicated: { replicas: 1 } },
      // a host port is the node's: the old proxy must let go of it before the new one binds it
      updateConfig: rolling(mode === "host" ? "stop-first" : "start-first", "rollback", 5),
      rollbackConfig: rolling(mode === "host" ? "stop-first" : "start-first", "pause", 5),
      // a virtual IP needs IPVS; the routing mesh needs one
      endpointSpec: { mode: mode === "host" ? "dnsrr" : "vip", ports },
      // the provider converges replicated services only ("no replica count" otherwise): a global
      // one is waited for by the deploy
      convergeConfig: mode === "host" ? undefined : converge(timeout),
    });
    attachNetworks(this.service, [{ id: props.network.id }]);
  }
}
