import { AppNetwork, CaddyProxy, Secrets } from "../../constructs";
import { PASSWORD, bareStack } from "../support/constructs";
import { resource, synthJson, validationErrors } from "../support/stack";

describe("CaddyProxy", () => {
  const make = (extra: Partial<ConstructorParameters<typeof CaddyProxy>[2]> = {}) => {
    const stack = bareStack();
    const network = new AppNetwork(stack, "Network", { namePrefix: "t" });
    const proxy = new CaddyProxy(stack, "Proxy", {
      name: "t-proxy",
      network: network.frontend,
      httpPort: 8000,
      ...extra,
    });
    return { stack, proxy };
  };

  it("is the only published port, hardened, and resumes the last configuration pushed to it", () => {
    const { stack, proxy } = make();
    const c = resource(synthJson(stack), "docker_container", "Proxy/Container");
    expect(c.ports).toEqual([{ internal: 80, external: 8000, ip: "127.0.0.1" }]);
    expect(c.command[0]).toContain("caddy run --resume --config /tmp/boot.json");
    expect(c).toMatchObject({
      read_only: true,
      restart: "unless-stopped",
      wait: true,
      capabilities: { drop: ["ALL"], add: ["CAP_NET_BIND_SERVICE"] },
      security_opts: ["no-new-privileges:true"],
    });
    expect(c.volumes.map((v: { container_path: string }) => v.container_path)).toEqual([
      "/run/caddy-admin",
      "/data",
      "/config",
    ]);
    expect(proxy.ref).toEqual({
      name: "t-proxy",
      image: "caddy:2.10",
      adminVolume: "t-proxy-admin",
      networkName: "t-frontend",
    });
  });

  it("publishes HTTPS when asked, and mounts the secrets that hold its certificate", () => {
    const stack = bareStack();
    const network = new AppNetwork(stack, "Network", { namePrefix: "t" });
    const secrets = new Secrets(stack, "Secrets", {
      name: "t-secrets",
      toolImage: "postgres:17",
      proxyFiles: [PASSWORD],
    });
    new CaddyProxy(stack, "Proxy", {
      name: "t-proxy",
      network: network.frontend,
      httpPort: 80,
      httpsPort: 443,
      bindAddress: "0.0.0.0",
      secrets,
    });
    const c = resource(synthJson(stack), "docker_container", "Proxy/Container");
    expect(c.ports).toEqual([
      { internal: 80, external: 80, ip: "0.0.0.0" },
      { internal: 443, external: 443, ip: "0.0.0.0" },
    ]);
    expect(c.volumes).toContainEqual({
      volume_name: "${docker_volume.Secrets_ProxyVolume_CBD7CF4C.name}",
      container_path: "/run/secrets/proxy",
      read_only: true,
    });
  });

  it("behind a shared entry point: publishes nothing and joins the entry point's network by name", () => {
    const { stack } = make({ httpPort: undefined, networks: ["t-entry"] });
    const c = resource(synthJson(stack), "docker_container", "Proxy/Container");
    expect(c.ports).toBeUndefined();
    expect(c.networks_advanced).toEqual([
      { name: expect.stringMatching(/^\$\{docker_network\.Network_Frontend_[0-9A-F]{8}\.id\}$/) },
      { name: "t-entry" },
    ]);
    expect(validationErrors(make({ httpPort: undefined, httpsPort: 443 }).stack).join("\n")).toMatch(
      /t\/Proxy: httpsPort needs httpPort too .*, got 443; use a free TCP port of the Docker host, e\.g\. 443/,
    );
  });

  it("mounts the media volume read-only, to serve the app's uploads", () => {
    const { stack } = make({ mediaVolume: "t-media" });
    const c = resource(synthJson(stack), "docker_container", "Proxy/Container");
    expect(c.volumes).toContainEqual({
      volume_name: "t-media",
      container_path: "/srv/media",
      read_only: true,
    });
    const plain = resource(synthJson(make().stack), "docker_container", "Proxy/Container");
    expect(plain.volumes.some((v: { container_path: string }) => v.container_path === "/srv/media")).toBe(
      false,
    );
  });

  it("fails on bad props, naming the construct path, the prop, the value and the fix", () => {
    const { stack } = make({ image: "caddy", httpPort: 0, httpsPort: 0, bindAddress: "any" });
    const errors = validationErrors(stack).join("\n");
    expect(errors).toMatch(/t\/Proxy: image must carry a tag other than latest, or a digest, got "caddy"/);
    expect(errors).toMatch(/t\/Proxy: httpPort must be a whole number from 1 to 65535, got 0/);
    expect(errors).toMatch(/t\/Proxy: httpsPort must differ from httpPort, got 0/);
    expect(errors).toMatch(/t\/Proxy: bindAddress must be an IP address, got "any"/);
  });
});
