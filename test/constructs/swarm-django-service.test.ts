import { DjangoImage, DjangoSettings, SwarmDjangoService, SwarmDjangoServiceProps } from "../../constructs";
import { SECRET_KEY, SOURCE_HASH, bareStack, composeApp } from "../support/constructs";
import { Json, resource, synthJson, validationErrors } from "../support/stack";
import { swarmBasics } from "../support/swarm";

const SETTINGS: DjangoSettings = {
  debug: false,
  logLevel: "WARNING",
  allowedHosts: ["app.example.com"],
  csrfTrustedOrigins: ["https://app.example.com"],
  secureSslRedirect: true,
  hstsSeconds: 3600,
  workers: 3,
  threads: 2,
};

function make(extra: Partial<SwarmDjangoServiceProps> = {}) {
  const stack = bareStack();
  const { network, secrets, database } = swarmBasics(stack);
  const image = new DjangoImage(stack, "AppImage", {
    repository: "t-web",
    contextDir: "/unused",
    contextPath: "x",
    sourceHash: SOURCE_HASH,
  });
  const service = new SwarmDjangoService(stack, "App", {
    namePrefix: "t",
    image,
    database: database.connection,
    networks: {
      frontend: { name: network.names.frontend, id: network.frontend.id },
      backend: { name: network.names.backend, id: network.backend.id },
    },
    secrets,
    secretKey: SECRET_KEY,
    migrateVolume: "t-secrets-migrate",
    ...extra,
  });
  return { stack, service };
}

describe("SwarmDjangoService", () => {
  const { stack, service } = make({ settings: SETTINGS, replicas: 3 });
  const json = synthJson(stack, true);
  const svc = resource(json, "docker_service", "App/Service");
  const migrate = resource(json, "docker_container", "App/Migrate");

  it("replicates the app and rolls new releases out start-first, rolling back by itself on a failure", () => {
    expect(svc.name).toBe("t-web");
    expect(svc.mode).toEqual({ replicated: { replicas: 3 } });
    expect(svc.update_config).toEqual({
      parallelism: 1,
      delay: "0s",
      order: "start-first",
      failure_action: "rollback",
      monitor: "5s",
      max_failure_ratio: "0.0",
    });
    expect(svc.rollback_config).toMatchObject({
      order: "start-first",
      failure_action: "pause",
      monitor: "5s",
    });
    // 3 x (90 s to become ready + 5 s monitor + 15 s) + 60 s
    expect(svc.converge_config).toEqual({ delay: "1s", timeout: "6m30s" });
    expect(svc.endpoint_spec).toEqual({ mode: "dnsrr" });
    expect(service.upstream).toBe("t-web:8000");
  });

  it("a new task joins the service only once ready; a running one is replaced after 15 failed checks", () => {
    expect(svc.task_spec.container_spec.healthcheck).toEqual({
      test: ["CMD", "docker-entrypoint", "healthcheck", "ready"],
      interval: "1s",
      timeout: "5s",
      retries: 15,
      start_period: "1m30s",
    });
  });

  it("runs hardened like the engine's app container, the image's CMD as args (command would replace its entrypoint)", () => {
    const c = svc.task_spec.container_spec;
    expect(c).toMatchObject({
      image: "${docker_image.AppImage_472A398A.name}",
      args: ["serve"],
      user: "10001:10001",
      read_only: true,
      cap_drop: ["ALL"],
      stop_signal: "SIGTERM",
      stop_grace_period: "30s",
    });
    expect(c.command).toBeUndefined();
    expect(c.mounts).toEqual([
      {
        target: "/tmp",
        type: "tmpfs",
        read_only: false,
        tmpfs_options: { size_bytes: 67108864, mode: 0o777 },
      },
    ]);
    expect(svc.task_spec.log_driver).toEqual({
      name: "json-file",
      options: { "max-size": "10m", "max-file": "3" },
    });
  });

  it("reads its secrets as Swarm secrets at the engine's paths, as the data-only role", () => {
    const c = svc.task_spec.container_spec;
    expect(c.secrets.map((s: { file_name: string }) => s.file_name)).toEqual([
      "app/django_secret_key",
      "app/database_app_password",
    ]);
    expect(c.secrets[0]).toEqual({
      secret_id: '${trimspace(file("../../swarm-secrets/t-django_secret_key-aaaaaaaaaaaa.id"))}',
      secret_name: "t-django_secret_key-aaaaaaaaaaaa",
      file_name: "app/django_secret_key",
      file_uid: "10001",
      file_gid: "10001",
      file_mode: 0o400,
    });
    expect(c.env).toMatchObject({
      DJANGO_SECRET_KEY_FILE: "/run/secrets/app/django_secret_key",
      DATABASE_USERNAME: "django_app",
      DATABASE_PASSWORD_FILE: "/run/secrets/app/database_app_password",
    });
  });

  it("joins the networks by id; container labels stay fixed (a change would replace the service)", () => {
    expect(svc.task_spec.networks_advanced).toEqual([
      { id: "${docker_network.Network_Frontend_BC4FA150.id}" },
      { id: "${docker_network.Network_Backend_05D38468.id}" },
    ]);
    expect(svc.task_spec.container_spec.labels).toEqual([
      { label: "django-cdktf.stack", value: "t" },
      { label: "django-cdktf.role", value: "web" },
    ]);
    expect(svc.labels).toContainEqual({
      label: "django-cdktf.release",
      value: "${local.App_release_E1E4707A}",
    });
  });

  it("migrates once per release, before the update, on the attachable network: a failure stops the rollout with its output", () => {
    expect(migrate).toMatchObject({
      name: "t-migrate-${local.App_release_E1E4707A}",
      command: ["migrate"],
      networks_advanced: [{ name: "t-backend" }],
      volumes: [{ volume_name: "t-secrets-migrate", container_path: "/run/secrets/app", read_only: true }],
      must_run: false,
      attach: true,
      lifecycle: { create_before_destroy: true },
    });
    expect(migrate.env).toContain("DATABASE_USERNAME=django");
    expect(svc.depends_on).toEqual(["docker_container.App_Migrate_C879708B"]);
    expect(svc.lifecycle.precondition[0]).toMatchObject({
      condition: "${docker_container.App_Migrate_C879708B.exit_code == 0}",
    });
    expect(svc.lifecycle.precondition[0].error_message).toMatch(
      /Django migrations failed .*the service was not updated/,
    );
    // the replica count is not part of the release: scaling runs no migration
    const local = (json.locals as Record<string, string>)["App_release_E1E4707A"];
    expect(local).not.toMatch(/replicas/);
  });

  it("gives the app exactly the environment the engine's app container gets (the same settings)", () => {
    const engineStack = bareStack();
    const { database } = composeApp(engineStack, { settings: SETTINGS });
    const web: Json = resource(synthJson(engineStack), "docker_container", "App/Web");
    const s2 = bareStack();
    const { network, secrets } = swarmBasics(s2);
    const image = new DjangoImage(s2, "AppImage", {
      repository: "t-web",
      contextDir: "/unused",
      contextPath: "x",
      sourceHash: SOURCE_HASH,
    });
    new SwarmDjangoService(s2, "App", {
      namePrefix: "t",
      image,
      database: database.connection,
      networks: {
        frontend: { name: "t-frontend", id: network.frontend.id },
        backend: { name: "t-backend", id: network.backend.id },
      },
      secrets,
      secretKey: SECRET_KEY,
      migrateVolume: "v",
      settings: SETTINGS,
      proxied: false,
    });
    const swarmEnv = resource(synthJson(s2), "docker_service", "App/Service").task_spec.container_spec.env;
    expect(
      Object.entries(swarmEnv)
        .map(([k, v]) => `${k}=${v}`)
        .sort(),
    ).toEqual([...web.env].sort());
  });

  it("refuses replicas out of range and migrations without their secrets' volume", () => {
    const { stack: bad } = make({ replicas: 0, migrateVolume: undefined });
    const errors = validationErrors(bad).join("\n");
    expect(errors).toMatch(/t\/App: replicas must be a whole number from 1 to 100, got 0; e\.g\. 2/);
    expect(errors).toMatch(/t\/App: migrateVolume must be given when migrations run/);
  });
});
