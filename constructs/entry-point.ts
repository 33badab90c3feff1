import { Construct } from "constructs";
import { Network } from "@cdktf/provider-docker/lib/network";
import { CaddyProxy } from "./caddy-proxy";
import { TlsConfig } from "./caddyfile";
import { labelsFor } from "./container-options";
import { ProxyRoute } from "./proxy-route";
import { checkPropShapes, dockerNameProblem, validateProps } from "./validation";

/** One host name the entry point serves, and the proxy it hands the requests to. */
export interface EntryPointSite {
  /** Served over HTTPS (HTTP redirects to it). */
  readonly domain: string;
  /** Certificates for `domain`. @default { mode: "acme" } */
  readonly tls?: TlsConfig;
  /** `host:port` of the app's own proxy on the entry point's network, e.g. `django-dev-proxy:80`. */
  readonly upstream: string;
}

export interface EntryPointProps {
  /** Docker name of the container and of its network (its volumes are `<name>-admin`, ...). */
  readonly name: string;
  /** Caddy 2 image. @default "caddy:2.10" */
  readonly image?: string;
  /** Host address the ports are published on. @default "127.0.0.1" */
  readonly bindAddress?: string;
  /** Host port of HTTP. @default 80 */
  readonly httpPort?: number;
  /** Host port of HTTPS. @default 443 */
  readonly httpsPort?: number;
  /** The host names it routes, each to its own upstream. @default none: it answers no host yet */
  readonly sites?: readonly EntryPointSite[];
}

/**
 * One Caddy in front of several apps' proxies on a Docker host: it publishes 80 and 443, ends TLS
 * for every host name (certificates on its own volume), and hands each request to the proxy of
 * the app whose host name it asked for, over a network of its own. Each app's proxy joins that
 * network by name and trusts the entry point's `X-Forwarded-*` headers, so the app sees https;
 * an app's own releases never touch the entry point. A change of sites reloads it through its
 * admin socket (a `ProxyRoute`): requests in flight to the other hosts finish and none is refused.
 */
export class EntryPoint extends Construct {
  readonly network: Network;
  readonly proxy: CaddyProxy;
  readonly route: ProxyRoute;
  /** The network's name: an app's proxy joins it (`CaddyProxyProps.networks`) to be routed to. */
  readonly networkName: string;

  constructor(scope: Construct, id: string, props: EntryPointProps) {
    super(scope, id);
    checkPropShapes(this, "EntryPoint", props, { name: "string" }, { sites: "array" });
    const sites = props.sites ?? [];
    validateProps(this, () => [
      {
        prop: "name",
        value: props.name,
        problem: dockerNameProblem(props.name),
        fix: "use a Docker object name, e.g. django-entry",
      },
      ...sites.map((s, i) => ({
        prop: `sites[${i}].domain`,
        value: s.domain,
        problem:
          sites.findIndex((o) => o.domain === s.domain) !== i
            ? "is served twice: the entry point routes by host name"
            : /^[a-z0-9.-]+$/.test(s.domain)
              ? undefined
              : "must be a host name like app.example.com",
        fix: "give each site a host name of its own",
      })),
    ]);
    this.networkName = props.name;
    this.network = new Network(this, "Network", {
      name: this.networkName,
      driver: "bridge",
      labels: labelsFor(this, "network"),
    });
    this.proxy = new CaddyProxy(this, "Proxy", {
      name: props.name,
      network: this.network,
      image: props.image,
      bindAddress: props.bindAddress,
      httpPort: props.httpPort ?? 80,
      httpsPort: props.httpsPort ?? 443,
    });
    this.route = new ProxyRoute(this, "Route", {
      namePrefix: props.name,
      proxy: this.proxy.ref,
      // no active probe: each app's proxy checks its own releases; a request the entry point cannot
      // hand over at once (an app's proxy being replaced) is retried for a while, not refused
      sites: sites.map((s) => ({ domain: s.domain, tls: s.tls, upstream: s.upstream })),
      revision: "sites",
      after: [this.proxy.container],
    });
  }
}
