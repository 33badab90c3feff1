import { EntryPoint } from "../../constructs";
import { bareStack } from "../support/constructs";
import { resource, synthJson, validationErrors } from "../support/stack";

describe("EntryPoint", () => {
  const make = (extra: Partial<ConstructorParameters<typeof EntryPoint>[2]> = {}) => {
    const stack = bareStack();
    const entry = new EntryPoint(stack, "Entry", {
      name: "t-entry",
      sites: [
        { domain: "a.example.com", tls: { mode: "internal" }, upstream: "t-a-proxy:80" },
        { domain: "b.example.com", upstream: "t-b-proxy:80" },
      ],
      ...extra,
    });
    return { stack, entry };
  };

  it("publishes 80 and 443 on its own network, which the apps' proxies join by name", () => {
    const { stack, entry } = make();
    const json = synthJson(stack);
    const c = resource(json, "docker_container", "Entry/Proxy/Container");
    expect(c.ports).toEqual([
      { internal: 80, external: 80, ip: "127.0.0.1" },
      { internal: 443, external: 443, ip: "127.0.0.1" },
    ]);
    expect(resource(json, "docker_network", "Entry/Network")).toMatchObject({
      name: "t-entry",
      driver: "bridge",
    });
    expect(c.networks_advanced).toEqual([
      { name: expect.stringMatching(/^\$\{docker_network\.Entry_Network_[0-9A-F]{8}\.id\}$/) },
    ]);
    expect(entry.networkName).toBe("t-entry");
    expect(entry.proxy.ref.name).toBe("t-entry");
  });

  it("routes each host name to its app's proxy, ending TLS with each site's certificates", () => {
    const { entry } = make();
    const text = entry.route.caddyfile;
    expect(text).toContain("a.example.com {\n\ttls internal\n\thandle {\n\t\treverse_proxy t-a-proxy:80 {");
    expect(text).toContain("b.example.com {\n\thandle {\n\t\treverse_proxy t-b-proxy:80 {");
    // the edge: what clients send in X-Forwarded-* is never trusted; no active probe of the apps' proxies
    expect(text).not.toContain("trusted_proxies");
    expect(text).not.toContain("health_uri");
    expect(text).toContain("lb_try_duration 10s");
  });

  it("reloads through the admin socket, named after its configuration, so a change of sites is a new one-shot", () => {
    const { stack, entry } = make();
    const route = resource(synthJson(stack), "docker_container", "Entry/Route");
    expect(route.name).toMatch(/^t-entry-route-sites-[0-9a-f]{8}$/);
    expect(route.volumes).toEqual([
      { volume_name: "t-entry-admin", container_path: "/run/caddy-admin", read_only: false },
    ]);
    const other = make({ sites: [{ domain: "a.example.com", upstream: "t-a-proxy:80" }] });
    expect(other.entry.route.route.name).not.toBe(entry.route.route.name);
  });

  it("takes other ports and a host address", () => {
    const { stack } = make({ httpPort: 18100, httpsPort: 18101, bindAddress: "0.0.0.0" });
    expect(resource(synthJson(stack), "docker_container", "Entry/Proxy/Container").ports).toEqual([
      { internal: 80, external: 18100, ip: "0.0.0.0" },
      { internal: 443, external: 18101, ip: "0.0.0.0" },
    ]);
  });

  it("serves no host until it is given sites", () => {
    const { entry } = make({ sites: undefined });
    expect(entry.route.caddyfile).not.toContain("reverse_proxy");
  });

  it("fails when a host name is served twice, naming the construct, the prop and the fix", () => {
    const { stack } = make({
      sites: [
        { domain: "a.example.com", upstream: "t-a-proxy:80" },
        { domain: "a.example.com", upstream: "t-b-proxy:80" },
      ],
    });
    expect(validationErrors(stack).join("\n")).toMatch(
      /t\/Entry: sites\[1\]\.domain is served twice: the entry point routes by host name, got "a\.example\.com"; give each site a host name of its own/,
    );
  });
});
