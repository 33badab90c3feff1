import { Testing } from "cdktf";
import { EntryStack } from "../../stacks/entry-stack";
import { ENTRY_STACK, entryNames } from "../../stacks/entry-names";
import { PROJECT_ROOT, appConfigFor, makeStacks, resource, synthJson } from "../support/stack";

/** Two environments behind the shared entry point, on the default ports. */
const SHARED = {
  ENVIRONMENTS: "dev,prod",
  ENTRY_POINT: "shared",
  TLS_MODE: "internal",
  DOMAIN__DEV: "dev.example.com",
  DOMAIN__PROD: "shop.example.com",
  DJANGO_ALLOWED_HOSTS: "shop.example.com",
};

function entryStack(env: Record<string, string> = SHARED): EntryStack {
  const config = appConfigFor(env);
  return new EntryStack(Testing.app(), ENTRY_STACK, {
    entry: config.entry,
    backend: config.backend,
    projectRoot: PROJECT_ROOT,
  });
}

describe("EntryStack", () => {
  const stack = entryStack();
  const json = synthJson(stack);

  it("passes its own policy checks and provider validations", () => {
    expect(() => Testing.synth(entryStack(), true)).not.toThrow();
  });

  it("keeps its own state, beside the environments'", () => {
    expect(json.terraform.backend.local.path).toBe("../../../terraform.entry.tfstate");
  });

  it("routes each shared environment's host name to that environment's proxy, by the name DjangoStack gives it", () => {
    const { environment } = makeStacks(SHARED, {}, "prod");
    const proxyName = resource(synthJson(environment), "docker_container", "Proxy/Container").name;
    expect(stack.entryPoint.route.caddyfile).toContain(
      `shop.example.com {\n\ttls internal\n\thandle {\n\t\treverse_proxy ${proxyName}:80 {`,
    );
    expect(stack.entryPoint.route.caddyfile).toContain("reverse_proxy django-dev-proxy:80 {");
    expect(resource(json, "docker_container", "Entry/Proxy/Container")).toMatchObject({
      name: entryNames("django").container,
      ports: [
        { internal: 80, external: 80, ip: "127.0.0.1" },
        { internal: 443, external: 443, ip: "127.0.0.1" },
      ],
    });
  });

  it("says which environments it routes (the CLI reads it back) and how to trust its local CA", () => {
    expect(json.output.environments.value).toBe("dev,prod");
    expect(json.output.urls.value).toBe("https://dev.example.com/ https://shop.example.com/");
    expect(json.output.entry_root_ca.value).toBe(
      "docker cp django-entry:/data/caddy/pki/authorities/local/root.crt ./root.crt",
    );
  });

  it("publishes the SHARED_* ports on SHARED_BIND_ADDRESS, and asks ACME for the others' certificates", () => {
    const custom = entryStack({
      ...SHARED,
      TLS_MODE: "acme",
      ACME_EMAIL: "ops@example.com",
      SHARED_BIND_ADDRESS: "0.0.0.0",
      SHARED_HTTP_PORT: "8080",
      SHARED_HTTPS_PORT: "8443",
    });
    expect(resource(synthJson(custom), "docker_container", "Entry/Proxy/Container").ports).toEqual([
      { internal: 80, external: 8080, ip: "0.0.0.0" },
      { internal: 443, external: 8443, ip: "0.0.0.0" },
    ]);
    expect(custom.entryPoint.route.caddyfile).toContain("\temail ops@example.com\n");
    expect(custom.entryPoint.route.caddyfile).not.toContain("tls internal");
    expect(synthJson(custom).output.entry_root_ca).toBeUndefined();
  });
});

describe("an environment behind the shared entry point", () => {
  const { environment, release } = makeStacks(SHARED, {}, "prod");
  const infra = synthJson(environment);
  const proxy = resource(infra, "docker_container", "Proxy/Container");

  it("publishes nothing, and its proxy joins the entry point's network by name", () => {
    expect(proxy.ports).toBeUndefined();
    expect(proxy.networks_advanced).toEqual([
      { name: expect.stringMatching(/^\$\{docker_network\.Network_Frontend_[0-9A-F]{8}\.id\}$/) },
      { name: entryNames("django").network },
    ]);
    expect(infra.output.proxy_root_ca.value).toBe(
      "docker cp django-entry:/data/caddy/pki/authorities/local/root.crt ./root.crt",
    );
  });

  it("serves plain HTTP to the entry point and keeps its X-Forwarded-Proto, so Django sees https", () => {
    const caddyfile = release.service.route!.caddyfile;
    expect(caddyfile).toContain(":80 {");
    expect(caddyfile).not.toContain("shop.example.com");
    expect(caddyfile).not.toContain("tls");
    expect(caddyfile).toContain("\t\t\ttrusted_proxies private_ranges\n");
    const web = resource(synthJson(release), "docker_container", "App/Web");
    expect(web.env).toEqual(
      expect.arrayContaining([
        "DJANGO_SECURE_PROXY_SSL_HEADER=true",
        "DJANGO_SECURE_SSL_REDIRECT=true",
        "DJANGO_CSRF_TRUSTED_ORIGINS=https://shop.example.com",
      ]),
    );
    expect(synthJson(release).output.app_url.value).toBe("https://shop.example.com/");
  });
});

describe("an environment with PROXY=false", () => {
  it("prints the app's address on its frontend network, which a proxy of your own reaches", () => {
    const { release } = makeStacks({ ENVIRONMENTS: "dev", PROXY: "false" });
    const out = synthJson(release).output;
    expect(out.app_url.value).toBe("http://django-dev-app:8000/");
    expect(out.app_url.description).toMatch(/on the django-dev-frontend network \(PROXY=false\)/);
    const web = resource(synthJson(release), "docker_container", "App/Web");
    expect(web.networks_advanced[0]).toEqual({ name: "django-dev-frontend", aliases: ["django-dev-app"] });
  });
});
