import { isIP } from "net";
import { Construct } from "constructs";
import { Container } from "@cdktf/provider-docker/lib/container";
import { Image } from "@cdktf/provider-docker/lib/image";
import { Network } from "@cdktf/provider-docker/lib/network";
import { Volume } from "@cdktf/provider-docker/lib/volume";
import { bootConfigJson } from "./caddyfile";
import {
  dropPrivileges,
  limitCpus,
  labelsFor,
  memoryLimits,
  rotatedLogs,
  withRuntimeConfigLabel,
} from "./container-options";
import { CaddyImageContract, MediaContract } from "./contracts";
import { Secrets } from "./secrets";
import {
  checkPropShapes,
  dockerNameProblem,
  pinnedImageProblem,
  validateProps,
  wholeNumberProblem,
} from "./validation";

export interface CaddyProxyProps {
  /** Docker name of the container; its volumes are `<name>-admin`, `<name>-data` and `<name>-config`. */
  readonly name: string;
  /** The network the proxy publishes on and reaches the app on. */
  readonly network: Network;
  /**
   * More networks to join, by name or id: e.g. a shared entry point's, which another stack owns
   * (the proxy is then reached there by its name). @default none
   */
  readonly networks?: readonly string[];
  /** Caddy 2 image. @default "caddy:2.10" */
  readonly image?: string;
  /** Host address the ports are published on. @default "127.0.0.1" */
  readonly bindAddress?: string;
  /**
   * Host port for HTTP (the proxy's port 80). @default none: nothing is published, and the proxy
   * is reached over its networks only (behind a shared entry point)
   */
  readonly httpPort?: number;
  /** Host port for HTTPS (the proxy's port 443), when a site serves a domain. @default none: HTTP only */
  readonly httpsPort?: number;
  /** Secret files the proxy reads (TLS certificate and key): mounted read-only when given. */
  readonly secrets?: Secrets;
  /** Memory limit in MiB. @default 128 */
  readonly memoryMb?: number;
  /**
   * A volume of files to serve (the app's uploads), mounted read-only at `MediaContract.root`; a
   * route's site serves it with `files`. @default none
   */
  readonly mediaVolume?: string;
}

/** What a route needs to reconfigure the proxy: plain names, usable from another stack. */
export interface ProxyRef {
  /** The proxy container's name. */
  readonly name: string;
  /** Image with the `caddy` binary (the proxy's own), for the route one-shots. */
  readonly image: string;
  /** Volume holding the admin socket. */
  readonly adminVolume: string;
  /** The network the proxy reaches apps on. */
  readonly networkName: string;
}

/**
 * Caddy 2 as the only published port: it starts from the last configuration pushed to it (kept on
 * a volume, `caddy run --resume`), or a 503 page before the first one, and is reconfigured only
 * through its admin API on a unix socket that no network can reach. Certificates and the local CA
 * live on a volume, so a replaced proxy keeps them.
 */
export class CaddyProxy extends Construct {
  readonly image: Image;
  readonly container: Container;
  readonly adminVolume: Volume;
  readonly dataVolume: Volume;
  readonly configVolume: Volume;
  readonly ref: ProxyRef;

  constructor(scope: Construct, id: string, props: CaddyProxyProps) {
    super(scope, id);
    checkPropShapes(this, "CaddyProxy", props, { name: "string", network: "object" });
    const image = props.image ?? "caddy:2.10";
    const bindAddress = props.bindAddress ?? "127.0.0.1";
    const memoryMb = props.memoryMb ?? 128;
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
        prop: "bindAddress",
        value: bindAddress,
        problem: isIP(bindAddress) ? undefined : "must be an IP address",
        fix: "e.g. 127.0.0.1, or 0.0.0.0 for every interface",
      },
      props.httpPort === undefined
        ? undefined
        : {
            prop: "httpPort",
            value: props.httpPort,
            problem: wholeNumberProblem(props.httpPort, 1, 65535),
            fix: "use a free TCP port of the Docker host, e.g. 80",
          },
      props.httpsPort === undefined
        ? undefined
        : {
            prop: "httpsPort",
            value: props.httpsPort,
            problem:
              props.httpPort === undefined
                ? "needs httpPort too (HTTP redirects to HTTPS, and ACME's challenges arrive over HTTP)"
                : props.httpsPort === props.httpPort
                  ? "must differ from httpPort"
                  : wholeNumberProblem(props.httpsPort, 1, 65535),
            fix: "use a free TCP port of the Docker host, e.g. 443",
          },
      ...(props.networks ?? []).map((n, i) => ({
        prop: `networks[${i}]`,
        value: n,
        problem: dockerNameProblem(n),
        fix: "give a network's name, e.g. django-entry",
      })),
      {
        prop: "memoryMb",
        value: memoryMb,
        problem: wholeNumberProblem(memoryMb, 32, 65536),
        fix: "give MiB, e.g. 128",
      },
    ]);

    // keepLocally: the route one-shots of every release run this image too
    this.image = new Image(this, "Image", { name: image, keepLocally: true });
    const volume = (vid: string, suffix: string) =>
      new Volume(this, vid, {
        name: `${props.name}-${suffix}`,
        labels: labelsFor(this, "volume", suffix === "data"),
      });
    this.adminVolume = volume("AdminVolume", "admin");
    this.dataVolume = volume("DataVolume", "data");
    this.configVolume = volume("ConfigVolume", "config");

    const ports: { internal: number; external: number; ip: string }[] = [];
    if (props.httpPort !== undefined) {
      ports.push({ internal: CaddyImageContract.httpPort, external: props.httpPort, ip: bindAddress });
    }
    if (props.httpsPort !== undefined && props.httpPort !== undefined) {
      ports.push({ internal: CaddyImageContract.httpsPort, external: props.httpsPort, ip: bindAddress });
    }
    const secretsVolume = props.secrets ? [props.secrets.mount("proxy")] : [];
    this.container = new Container(
      this,
      "Container",
      withRuntimeConfigLabel({
        name: props.name,
        image: this.image.imageId,
        entrypoint: ["/bin/sh", "-c"],
        // the boot configuration only matters until a route was pushed; --resume prefers the last one
        command: [
          'printf %s "$CADDY_BOOT" > /tmp/boot.json && exec caddy run --resume --config /tmp/boot.json',
        ],
        env: [
          `CADDY_BOOT=${bootConfigJson(CaddyImageContract.adminSocket)}`,
          `XDG_DATA_HOME=${CaddyImageContract.dataDirectory}`,
          `XDG_CONFIG_HOME=${CaddyImageContract.configDirectory}`,
        ],
        volumes: [
          {
            volumeName: this.adminVolume.name,
            containerPath: CaddyImageContract.adminDirectory,
            readOnly: false,
          },
          {
            volumeName: this.dataVolume.name,
            containerPath: CaddyImageContract.dataDirectory,
            readOnly: false,
          },
          {
            volumeName: this.configVolume.name,
            containerPath: CaddyImageContract.configDirectory,
            readOnly: false,
          },
          ...secretsVolume,
          ...(props.mediaVolume
            ? [{ volumeName: props.mediaVolume, containerPath: MediaContract.root, readOnly: true }]
            : []),
        ],
        networksAdvanced: [{ name: props.network.id }, ...(props.networks ?? []).map((name) => ({ name }))],
        ports: ports.length > 0 ? ports : undefined,
        // the admin socket appears once Caddy has loaded a configuration; the image has no HTTP client
        healthcheck: {
          test: ["CMD-SHELL", `test -S ${CaddyImageContract.adminSocket}`],
          interval: "1s",
          timeout: "3s",
          retries: 30,
          startPeriod: "0s",
        },
        wait: true,
        waitTimeout: 60,
        restart: "unless-stopped",
        stopSignal: "SIGTERM",
        stopTimeout: 10,
        destroyGraceSeconds: 10,
        ...rotatedLogs(),
        ...memoryLimits(memoryMb),
        readOnly: true,
        tmpfs: { "/tmp": "rw,nosuid,nodev,noexec,size=16m" },
        // root in the official image: it owns the admin socket; binding 80/443 needs no more than this
        ...dropPrivileges("CAP_NET_BIND_SERVICE"),
        labels: labelsFor(this, "proxy"),
      }),
    );
    limitCpus(this.container, 0.5);
    // literal names, not references: a route in another stack must not depend on this one's resources
    this.ref = {
      name: props.name,
      image,
      adminVolume: `${props.name}-admin`,
      networkName: props.network.nameInput ?? props.network.name,
    };
  }
}
