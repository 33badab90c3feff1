/**
 * Caddy's configuration for one app, as a Caddyfile. Pure: the proxy route pushes the text to the
 * running proxy through its admin socket, so a change here reloads Caddy without a restart.
 */

import { DjangoImageContract } from "./contracts";

/** How the proxy gets certificates when it serves a domain. */
export type TlsConfig =
  /** Automatic certificates from an ACME CA (Let's Encrypt by default); needs ports 80/443 reachable. */
  | { readonly mode: "acme"; readonly email?: string }
  /** Certificates from Caddy's own local CA (tests, intranets); clients must trust its root. */
  | { readonly mode: "internal" }
  /** Certificate and key files the user supplies, at these paths inside the proxy. */
  | { readonly mode: "files"; readonly certFile: string; readonly keyFile: string };

export interface CaddySite {
  /** Serve this host name over HTTPS (HTTP redirects to it). @default plain HTTP for any host */
  readonly domain?: string;
  /** Certificates for `domain`. @default { mode: "acme" } */
  readonly tls?: TlsConfig;
  /** Where requests go, `host:port` on a network the proxy shares with the app. */
  readonly upstream: string;
  /**
   * A path the proxy probes on the upstream (it must answer 2xx); a failing upstream gets no
   * traffic. @default none: no active probe (the release's own health check gated the switch)
   */
  readonly healthPath?: string;
  /**
   * Clients whose `X-Forwarded-*` headers are kept and passed on (a proxy in front of this one, e.g.
   * a shared entry point that terminates TLS): CIDR ranges, or `private_ranges`. @default none: the
   * headers are set from the connection, whatever the client sent
   */
  readonly trustedProxies?: readonly string[];
  /**
   * Files served by the proxy itself from a directory it mounts, e.g. user uploads: never listed,
   * never sniffed as another type, and sandboxed (an uploaded HTML or SVG file runs no script in
   * the site's origin).
   */
  readonly files?: { readonly urlPrefix: string; readonly root: string };
}

export interface CaddyConfig {
  /** Unix socket of the admin API (the only way to reconfigure the proxy). */
  readonly adminSocket: string;
  readonly sites: readonly CaddySite[];
}

/**
 * A Caddyfile token: quoted unless it is a plain word, so no value can break the syntax. A value
 * Terraform fills in (`${...}`, e.g. a release's container name) is a plain name once resolved.
 */
function token(value: string): string {
  return /^[A-Za-z0-9_./:@*-]+$/.test(value.replace(/\$\{[^}]*\}/g, "x")) ? value : JSON.stringify(value);
}

function tlsLines(tls: TlsConfig | undefined): string[] {
  if (!tls || tls.mode === "acme") return [];
  if (tls.mode === "internal") return ["\ttls internal"];
  return [`\ttls ${token(tls.certFile)} ${token(tls.keyFile)}`];
}

function siteBlock(site: CaddySite): string[] {
  const lines = [`${site.domain ? token(site.domain) : ":80"} {`, ...tlsLines(site.tls)];
  if (site.files) {
    lines.push(
      `\thandle_path ${token(`${site.files.urlPrefix.replace(/\/+$/, "")}/*`)} {`,
      `\t\troot * ${token(site.files.root)}`,
      `\t\theader X-Content-Type-Options nosniff`,
      `\t\theader Content-Security-Policy "sandbox; default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'"`,
      `\t\tfile_server`,
      `\t}`,
    );
  }
  lines.push(
    `\thandle {`,
    `\t\treverse_proxy ${token(site.upstream)} {`,
    // a request that finds the app briefly unreachable waits and retries instead of failing
    `\t\t\tlb_try_duration 10s`,
    `\t\t\tlb_try_interval 250ms`,
    // the reverse_proxy subdirective: read alike by Caddy 2.6.2 (the stand-in) and 2.10; the global
    // `servers { trusted_proxies }` option needs 2.6.3 or later
    ...(site.trustedProxies?.length
      ? [`\t\t\ttrusted_proxies ${site.trustedProxies.map(token).join(" ")}`]
      : []),
    ...(site.healthPath
      ? [`\t\t\thealth_uri ${token(site.healthPath)}`, `\t\t\thealth_interval 5s`, `\t\t\thealth_timeout 3s`]
      : []),
    `\t\t\ttransport http {`,
    `\t\t\t\tdial_timeout 3s`,
    // idle connections close soon (a replaced release drains and stops quickly), and before the
    // app's own keep-alive ends, so no request is sent on a connection the app is closing
    `\t\t\t\tkeepalive ${DjangoImageContract.proxyKeepaliveSeconds}s`,
    `\t\t\t}`,
    `\t\t}`,
    `\t}`,
    `}`,
  );
  return lines;
}

export function renderCaddyfile(config: CaddyConfig): string {
  const emails = config.sites.flatMap((s) => (s.tls?.mode === "acme" && s.tls.email ? [s.tls.email] : []));
  const global = [
    "{",
    `\tadmin ${token(`unix/${config.adminSocket}`)}`,
    // the proxy's root filesystem is read-only: never try to install the local CA into it
    "\tskip_install_trust",
    ...(emails.length > 0 ? [`\temail ${token(emails[0])}`] : []),
    "}",
  ];
  return [...global, ...config.sites.flatMap((s) => ["", ...siteBlock(s)])].join("\n") + "\n";
}

/**
 * The configuration the proxy starts with before any route was pushed (and after none was kept):
 * the admin socket, and 503 with a short text on port 80.
 */
export function bootConfigJson(adminSocket: string): string {
  return JSON.stringify({
    admin: { listen: `unix/${adminSocket}` },
    apps: {
      http: {
        servers: {
          boot: {
            listen: [":80"],
            routes: [
              {
                handle: [
                  {
                    handler: "static_response",
                    status_code: 503,
                    headers: { "Retry-After": ["5"] },
                    body: "No release is routed here yet.\n",
                  },
                ],
              },
            ],
          },
        },
      },
    },
  });
}
