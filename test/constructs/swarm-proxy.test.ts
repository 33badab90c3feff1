import { Buffer } from "buffer";
import { AppNetwork, SwarmProxy, SwarmSecrets } from "../../constructs";
import { PASSWORD, SECRET_KEY, bareStack } from "../support/constructs";
import { resource, synthJson, validationErrors } from "../support/stack";

describe("SwarmProxy", () => {
  const make = (extra: Partial<ConstructorParameters<typeof SwarmProxy>[2]> = {}) => {
    const stack = bareStack();
    const network = new AppNetwork(stack, "Network", { namePrefix: "t", driver: "overlay" });
    const proxy = new SwarmProxy(stack, "Proxy", {
      name: "t-proxy",
      network: network.frontend,
      httpPort: 8000,
      site: { upstream: "t-web:8000" },
      ...extra,
    });
    return { stack, proxy, json: synthJson(stack, true) };
  };

  it("runs on every node, publishing the node's own port (no routing mesh needed), updated stop-first", () => {
    const { json } = make();
    const svc = resource(json, "docker_service", "Proxy/Service");
    expect(svc.mode).toEqual({ global: true });
    expect(svc.endpoint_spec).toEqual({
      mode: "dnsrr",
      ports: [{ target_port: 80, published_port: 8000, publish_mode: "host", protocol: "tcp" }],
    });
    expect(svc.update_config).toMatchObject({ order: "stop-first", failure_action: "rollback" });
    // the provider converges replicated services only: the deploy waits for a global one
    expect(svc.converge_config).toBeUndefined();
  });

  it("publishes through the routing mesh as one replica when asked, updated start-first", () => {
    const svc = resource(
      make({ publishMode: "ingress", httpsPort: 8443 }).json,
      "docker_service",
      "Proxy/Service",
    );
    expect(svc.mode).toEqual({ replicated: { replicas: 1 } });
    expect(svc.endpoint_spec.mode).toBe("vip");
    expect(svc.endpoint_spec.ports.map((p: { publish_mode: string }) => p.publish_mode)).toEqual([
      "ingress",
      "ingress",
    ]);
    expect(svc.update_config.order).toBe("start-first");
    expect(svc.converge_config).toBeDefined();
  });

  it("serves a Caddyfile from a Swarm config named after its content, upstream the app service by name", () => {
    const { json, proxy } = make();
    const config = resource(json, "docker_config", "Proxy/Caddyfile");
    expect(Buffer.from(config.data, "base64").toString("utf8")).toBe(proxy.caddyfile);
    expect(proxy.caddyfile).toContain("reverse_proxy t-web:8000 {");
    expect(proxy.caddyfile).toContain("lb_try_duration 10s");
    // no active health check: one failing task would take the whole name out
    expect(proxy.caddyfile).not.toContain("health_uri");
    expect(config.name).toMatch(/^t-proxy-caddyfile-[0-9a-f]{12}$/);
    expect(config.lifecycle).toEqual({ create_before_destroy: true });
    const c = resource(json, "docker_service", "Proxy/Service").task_spec.container_spec;
    expect(c.configs).toEqual([
      {
        config_id: "${docker_config.Proxy_Caddyfile_2AA7AFD9.id}",
        config_name: "${docker_config.Proxy_Caddyfile_2AA7AFD9.name}",
        file_name: "/etc/caddy/Caddyfile",
        file_uid: "0",
        file_gid: "0",
        file_mode: 0o444,
      },
    ]);
    expect(c).toMatchObject({ read_only: true, cap_drop: ["ALL"], cap_add: ["CAP_NET_BIND_SERVICE"] });
    expect(c.healthcheck.test).toEqual(["CMD-SHELL", "test -S /run/caddy-admin/admin.sock"]);
  });

  it("mounts TLS files as the proxy's own secrets", () => {
    const stack = bareStack();
    const network = new AppNetwork(stack, "Network", { namePrefix: "t", driver: "overlay" });
    const secrets = new SwarmSecrets(stack, "S", {
      namePrefix: "t",
      files: [SECRET_KEY, PASSWORD],
      idDir: "x",
    });
    new SwarmProxy(stack, "Proxy", {
      name: "t-proxy",
      network: network.frontend,
      httpPort: 80,
      httpsPort: 443,
      site: {
        upstream: "t-web:8000",
        domain: "app.example.com",
        tls: {
          mode: "files",
          certFile: secrets.path(SECRET_KEY, "proxy"),
          keyFile: secrets.path(PASSWORD, "proxy"),
        },
      },
      secrets,
      tlsFiles: [SECRET_KEY, PASSWORD],
    });
    const c = resource(synthJson(stack), "docker_service", "Proxy/Service").task_spec.container_spec;
    expect(c.secrets.map((s: { file_name: string; file_uid: string }) => [s.file_name, s.file_uid])).toEqual([
      ["proxy/django_secret_key", "0"],
      ["proxy/database_password", "0"],
    ]);
  });

  it("refuses HTTPS on the HTTP port", () => {
    const stack = bareStack();
    const network = new AppNetwork(stack, "Network", { namePrefix: "t", driver: "overlay" });
    new SwarmProxy(stack, "Proxy", {
      name: "t-proxy",
      network: network.frontend,
      httpPort: 80,
      httpsPort: 80,
      site: { upstream: "x:1" },
    });
    expect(validationErrors(stack).join("\n")).toMatch(
      /t\/Proxy: httpsPort must differ from httpPort, got 80/,
    );
  });
});
