import { bootConfigJson, renderCaddyfile } from "../../constructs";

const socket = "/run/caddy-admin/admin.sock";

describe("the Caddyfile", () => {
  it("serves plain HTTP on :80 for any host, with retries, an active health check and a short keepalive", () => {
    const text = renderCaddyfile({
      adminSocket: socket,
      sites: [{ upstream: "app-web-1:8000", healthPath: "/healthz" }],
    });
    expect(text).toContain("\tadmin unix//run/caddy-admin/admin.sock\n");
    expect(text).toContain("\tskip_install_trust\n");
    expect(text).toContain(":80 {");
    expect(text).toContain("reverse_proxy app-web-1:8000 {");
    expect(text).toContain("lb_try_duration 10s");
    expect(text).toContain("health_uri /healthz");
    expect(text).toContain("keepalive 3s");
    expect(text).not.toContain("tls");
  });

  it("serves a domain over HTTPS with the chosen certificates", () => {
    const site = (tls: Parameters<typeof renderCaddyfile>[0]["sites"][0]["tls"]) =>
      renderCaddyfile({
        adminSocket: socket,
        sites: [{ domain: "app.example.com", tls, upstream: "w:8000", healthPath: "/healthz" }],
      });
    expect(site({ mode: "internal" })).toContain("app.example.com {\n\ttls internal\n");
    expect(
      site({ mode: "files", certFile: "/run/secrets/proxy/c.pem", keyFile: "/run/secrets/proxy/k.pem" }),
    ).toContain("\ttls /run/secrets/proxy/c.pem /run/secrets/proxy/k.pem\n");
    const acme = site({ mode: "acme", email: "ops@example.com" });
    expect(acme).toContain("\temail ops@example.com\n");
    expect(acme).not.toMatch(/\ttls /);
  });

  it("serves files from a directory under a prefix, before the app", () => {
    const text = renderCaddyfile({
      adminSocket: socket,
      sites: [
        { upstream: "w:8000", healthPath: "/healthz", files: { urlPrefix: "/media/", root: "/srv/media" } },
      ],
    });
    expect(text.indexOf("handle_path /media/* {")).toBeLessThan(text.indexOf("reverse_proxy"));
    expect(text).toContain("root * /srv/media");
    // uploads are never sniffed into another type, and an uploaded page runs sandboxed
    expect(text).toContain("\t\theader X-Content-Type-Options nosniff\n");
    expect(text).toMatch(/\t\theader Content-Security-Policy "sandbox; default-src 'none';[^"]*"\n/);
    expect(text).not.toContain("browse");
  });

  it("probes the upstream only when a health path is given", () => {
    const without = renderCaddyfile({ adminSocket: socket, sites: [{ upstream: "w:5000" }] });
    expect(without).not.toContain("health_uri");
    expect(without).toContain("reverse_proxy w:5000 {");
    const withPath = renderCaddyfile({
      adminSocket: socket,
      sites: [{ upstream: "w:8000", healthPath: "/healthz" }],
    });
    expect(withPath).toContain("\t\t\thealth_uri /healthz\n");
  });

  it("quotes a value that is not a plain word, so it cannot break the syntax", () => {
    const text = renderCaddyfile({
      adminSocket: socket,
      sites: [{ upstream: "w:8000 }\nevil {", healthPath: "/healthz" }],
    });
    expect(text).toContain('reverse_proxy "w:8000 }\\nevil {" {');
  });

  it("keeps Terraform's interpolations unquoted, for container names known at apply time", () => {
    const text = renderCaddyfile({
      adminSocket: socket,
      sites: [{ upstream: "app-web-${local.release}:8000", healthPath: "/healthz" }],
    });
    expect(text).toContain("reverse_proxy app-web-${local.release}:8000 {");
  });

  it("keeps the X-Forwarded-* headers of trusted clients only (a proxy in front, e.g. a shared entry point)", () => {
    const text = renderCaddyfile({
      adminSocket: socket,
      sites: [{ upstream: "w:8000", trustedProxies: ["private_ranges", "10.1.0.0/16"] }],
    });
    expect(text).toContain("\t\t\ttrusted_proxies private_ranges 10.1.0.0/16\n");
    expect(renderCaddyfile({ adminSocket: socket, sites: [{ upstream: "w:8000" }] })).not.toContain(
      "trusted_proxies",
    );
  });

  it("boots with the admin socket and a 503 page until a release is routed", () => {
    const boot = JSON.parse(bootConfigJson(socket));
    expect(boot.admin.listen).toBe("unix//run/caddy-admin/admin.sock");
    expect(boot.apps.http.servers.boot.routes[0].handle[0]).toMatchObject({
      handler: "static_response",
      status_code: 503,
    });
  });
});
