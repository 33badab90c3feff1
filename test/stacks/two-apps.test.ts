/**
 * The library reused: a different stack than DjangoStack, built from the public API alone
 * (`constructs/index.ts`): two Django apps on one Docker host, each with its own PostgreSQL and
 * secrets, behind one proxy and one network pair, all in one stack. Nothing here imports the
 * configuration layer or the stacks.
 */
import { Aspects, Testing, TerraformStack } from "cdktf";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import {
  AppNetwork,
  CaddyProxy,
  DjangoImage,
  DjangoService,
  PostgresDatabase,
  ProxyRoute,
  SecretFile,
  Secrets,
  addPolicyChecks,
} from "../../constructs";
import { Json, synthJson } from "../support/stack";

function twoApps(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), "apps");
  new DockerProvider(stack, "docker", {});
  const network = new AppNetwork(stack, "Network", { namePrefix: "apps" });
  // one proxy in front of both apps, each app its own domain
  const proxy = new CaddyProxy(stack, "Proxy", {
    name: "apps-proxy",
    network: network.frontend,
    httpPort: 8080,
    httpsPort: 8443,
  });
  const services: { name: string; service: DjangoService }[] = [];
  ["shop", "blog"].forEach((name, i) => {
    const file = (what: string): SecretFile => ({
      name: what,
      source: `../../../.secrets/${name}/${what}`,
      revision: `${i}${"a".repeat(31)}`,
    });
    const secretKey = file("django_secret_key");
    const password = file("database_password");
    const secrets = new Secrets(stack, `${name}Secrets`, {
      name: `apps-${name}-secrets`,
      toolImage: "postgres:17",
      appFiles: [secretKey, password],
      databaseFiles: [password],
    });
    const database = new PostgresDatabase(stack, `${name}Database`, {
      name: `apps-${name}-db`,
      network: network.backend,
      secrets,
      password,
      databaseName: name,
      username: name,
    });
    const image = new DjangoImage(stack, `${name}Image`, {
      repository: `apps-${name}-web`,
      contextDir: "/unused",
      contextPath: `../../../${name}`,
      sourceHash: `${i}`.repeat(64),
    });
    const service = new DjangoService(stack, `${name}App`, {
      namePrefix: `apps-${name}`,
      image,
      database: database.connection,
      networks: network.names,
      secrets: secrets.ref,
      secretKey,
      after: [database.ready, secrets.writer],
    });
    services.push({ name, service });
  });
  // one route for both: the proxy's configuration is whole, so it names every site
  new ProxyRoute(stack, "Route", {
    namePrefix: "apps",
    proxy: proxy.ref,
    sites: services.map(({ name, service }) => ({
      domain: `${name}.example.com`,
      tls: { mode: "internal" as const },
      upstream: service.upstream,
      healthPath: "/healthz",
    })),
    revision: services.map((s) => s.service.release).join("-"),
    after: services.map((s) => s.service.web),
  });
  addPolicyChecks(Aspects.of(stack));
  return stack;
}

describe("two apps from the public API", () => {
  const json = synthJson(twoApps(), true);
  const containers = Object.values(json.resource.docker_container as Record<string, Json>);
  const named = (n: string) => containers.find((c) => c.name === n);
  const webOf = (app: string) => containers.find((c) => c.name.startsWith(`apps-${app}-web-`))?.name;

  it("passes validation and every policy rule", () => {
    expect(() => Testing.synth(twoApps(), true)).not.toThrow();
  });

  it("gives each app its own database, reachable by name, with its own role", () => {
    expect(named(webOf("shop")).env).toEqual(
      expect.arrayContaining(["DATABASE_HOST=apps-shop-db", "DATABASE_NAME=shop", "DATABASE_USERNAME=shop"]),
    );
    expect(named(webOf("blog")).env).toEqual(
      expect.arrayContaining(["DATABASE_HOST=apps-blog-db", "DATABASE_NAME=blog", "DATABASE_USERNAME=blog"]),
    );
  });

  it("keeps every Docker object distinct: names and data volumes", () => {
    const names = containers.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    expect(named("apps-shop-db").volumes[0].volume_name).toBe("apps-shop-db-data");
    expect(named("apps-blog-db").volumes[0].volume_name).toBe("apps-blog-db-data");
  });

  it("routes each domain to its app through the one proxy, in one configuration", () => {
    const routes = containers.filter((c) => /-route-/.test(c.name));
    expect(routes).toHaveLength(1);
    const caddyfile = routes[0].env.find((e: string) => e.startsWith("CADDYFILE="));
    expect(caddyfile).toContain("shop.example.com {");
    expect(caddyfile).toContain("blog.example.com {");
  });
});
