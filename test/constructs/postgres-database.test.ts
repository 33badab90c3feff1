import { Testing } from "cdktf";
import { Container } from "@cdktf/provider-docker/lib/container";
import { AppNetwork, PostgresDatabase, Secrets } from "../../constructs";
import { PASSWORD, SECRET_KEY, bareStack, basics } from "../support/constructs";
import { Json, resource, synthJson, validationErrors } from "../support/stack";

describe("PostgresDatabase", () => {
  it("defaults: postgres:17, 512 MiB, database and role django, reachable by its container name", () => {
    const stack = bareStack();
    const { database } = basics(stack);
    const json = synthJson(stack);
    const db = resource(json, "docker_container", "Database/Container");
    expect(db).toMatchObject({
      name: "t-db",
      memory: 512,
      memory_swap: 512,
      restart: "unless-stopped",
      wait: true,
    });
    expect(db.env).toEqual([
      // initdb's superuser is the administrator; the owner is made by the roles one-shot
      "POSTGRES_USER=django_cdktf_admin",
      "POSTGRES_DB=django",
      "POSTGRES_PASSWORD_FILE=/run/secrets/db/database_password",
    ]);
    expect(db.volumes).toContainEqual({
      volume_name: "t-db-data",
      container_path: "/var/lib/postgresql/data",
      read_only: false,
    });
    expect(db.networks_advanced).toEqual([{ name: "${docker_network.Network_Backend_05D38468.id}" }]);
    expect(resource(json, "docker_image", "Database/Image")).toMatchObject({
      name: "postgres:17",
      keep_locally: true,
    });
    expect(database.connection).toMatchObject({
      host: "t-db",
      port: 5432,
      databaseName: "django",
      username: "django",
      password: PASSWORD,
    });
    expect(database.ready).toBe(database.passwordSync);
  });

  it("two databases in one stack get two volumes and distinct names for every Docker object", () => {
    const stack = bareStack();
    const { network, secrets } = basics(stack, "shop");
    const second = new PostgresDatabase(stack, "Analytics", {
      name: "shop-analytics",
      network: network.backend,
      secrets,
      password: PASSWORD,
      alias: "analytics",
      deleteDataOnDestroy: true,
    });
    const json = synthJson(stack, true);
    const containers = Object.values(json.resource.docker_container as Record<string, Json>).map(
      (c) => c.name,
    );
    expect(new Set(containers).size).toBe(containers.length);
    const volumes = Object.values(json.resource.docker_volume as Record<string, Json>).map((v) => v.name);
    const mounted = (path: string) =>
      Object.values(json.resource.docker_container as Record<string, Json>)
        .flatMap((c) => c.volumes ?? [])
        .filter((v: Json) => v.container_path === path)
        .map((v: Json) => v.volume_name);
    expect(mounted("/var/lib/postgresql/data").sort()).toEqual([
      "${docker_volume.Analytics_data_volume.name}",
      "shop-db-data",
    ]);
    expect(volumes).toEqual(
      expect.arrayContaining(["shop-db-socket", "shop-analytics-socket", "shop-analytics-data"]),
    );
    expect(second.connection.host).toBe("analytics");
    // the unmanaged volume of the first is forgotten by its own address, never the second's
    expect(json.removed).toEqual([
      { from: "docker_volume.Database_data_volume", lifecycle: { destroy: false } },
    ]);
  });

  it("manages its volume only when asked to delete it on destroy, labelled stateful", () => {
    const stack = bareStack();
    const network = new AppNetwork(stack, "Network", { namePrefix: "t" });
    const secrets = new Secrets(stack, "Secrets", {
      name: "t-secrets",
      toolImage: "postgres:17",
      appFiles: [SECRET_KEY, PASSWORD],
      databaseFiles: [PASSWORD],
    });
    const database = new PostgresDatabase(stack, "Database", {
      name: "t-db",
      network: network.backend,
      secrets,
      password: PASSWORD,
      deleteDataOnDestroy: true,
    });
    expect(database.dataVolume).toBeDefined();
    const volume = synthJson(stack).resource.docker_volume.Database_data_volume;
    expect(volume).toMatchObject({ name: "t-db-data" });
    expect(volume.labels).toContainEqual({ label: "django-cdktf.stateful", value: "true" });
  });

  it("lets a non-default port, database and role through to the server, the probe and the connection", () => {
    const stack = bareStack();
    const network = new AppNetwork(stack, "Network", { namePrefix: "t" });
    const secrets = new Secrets(stack, "Secrets", {
      name: "t-secrets",
      toolImage: "postgres:17",
      databaseFiles: [PASSWORD],
    });
    new PostgresDatabase(stack, "Database", {
      name: "t-db",
      network: network.backend,
      secrets,
      password: PASSWORD,
      port: 5433,
      databaseName: "shop",
      username: "shopper",
    });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(Container, {
      name: "t-db",
      command: ["postgres", "-c", "port=5433"],
      healthcheck: expect.objectContaining({
        test: ["CMD", "pg_isready", "-h", "127.0.0.1", "-p", "5433", "-U", "shopper", "-d", "shop"],
      }),
    });
  });

  it("fails on bad props, each naming the construct path, the prop, the value and the fix", () => {
    const stack = bareStack();
    const network = new AppNetwork(stack, "Network", { namePrefix: "t" });
    const secrets = new Secrets(stack, "Secrets", {
      name: "t-secrets",
      toolImage: "postgres:17",
      databaseFiles: [],
    });
    new PostgresDatabase(stack, "Database", {
      name: "t db",
      network: network.backend,
      secrets,
      password: PASSWORD,
      image: "postgres:latest",
      alias: "DB_1",
      port: 70000,
      databaseName: "1shop",
      username: "shop-user",
      memoryMb: 8,
    });
    const errors = validationErrors(stack).join("\n");
    for (const expected of [
      /t\/Database: name must be a Docker object name .*got "t db"/,
      /t\/Database: image must carry a tag other than latest, or a digest, got "postgres:latest"; pin a version/,
      /t\/Database: alias must be a DNS label: .*got "DB_1"/,
      /t\/Database: port must be a whole number from 1 to 65535, got 70000/,
      /t\/Database: databaseName must be letters, .*got "1shop"/,
      /t\/Database: username must be letters, .*got "shop-user"/,
      /t\/Database: memoryMb must be a whole number from 64 to 65536, got 8; give MiB/,
      /t\/Database: password is not one of the secrets' databaseFiles, got "database_password"; add it to the Secrets construct's databaseFiles/,
    ]) {
      expect(errors).toMatch(expected);
    }
  });
});
