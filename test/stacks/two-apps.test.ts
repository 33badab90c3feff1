/**
 * The library reused: a different stack than DjangoStack, built from the public API alone
 * (`constructs/index.ts`): two Django apps on one Docker host, each with its own PostgreSQL and
 * secrets, sharing one network pair. Nothing here imports the configuration layer or the stacks.
 */
import { Aspects, Testing, TerraformStack } from "cdktf";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import {
  AppNetwork,
  DjangoImage,
  DjangoService,
  PostgresDatabase,
  SecretFile,
  Secrets,
  addPolicyChecks,
} from "../../constructs";
import { Json, synthJson } from "../support/stack";

function twoApps(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), "apps");
  new DockerProvider(stack, "docker", {});
  const network = new AppNetwork(stack, "Network", { namePrefix: "apps" });
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
    new DjangoService(stack, `${name}App`, {
      namePrefix: `apps-${name}`,
      image,
      database,
      network,
      secrets,
      secretKey,
      port: 8000 + i,
    });
  });
  addPolicyChecks(Aspects.of(stack));
  return stack;
}

describe("two apps from the public API", () => {
  const json = synthJson(twoApps(), true);
  const containers = Object.values(json.resource.docker_container as Record<string, Json>);
  const named = (n: string) => containers.find((c) => c.name === n);

  it("passes validation and every policy rule", () => {
    expect(() => Testing.synth(twoApps(), true)).not.toThrow();
  });

  it("gives each app its own database, reachable by name, with its own role", () => {
    expect(named("apps-shop-web").env).toEqual(
      expect.arrayContaining(["DATABASE_HOST=apps-shop-db", "DATABASE_NAME=shop", "DATABASE_USERNAME=shop"]),
    );
    expect(named("apps-blog-web").env).toEqual(
      expect.arrayContaining(["DATABASE_HOST=apps-blog-db", "DATABASE_NAME=blog", "DATABASE_USERNAME=blog"]),
    );
  });

  it("keeps every Docker object distinct: names, data volumes, ports", () => {
    const names = containers.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    expect(named("apps-shop-db").volumes[0].volume_name).toBe("apps-shop-db-data");
    expect(named("apps-blog-db").volumes[0].volume_name).toBe("apps-blog-db-data");
    expect(named("apps-shop-web").ports[0].external).toBe(8000);
    expect(named("apps-blog-web").ports[0].external).toBe(8001);
  });
});
