import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Testing } from "cdktf";
import { buildConfig } from "../../config/build-config";
import { materializeSecrets } from "../../config/secret-store";
import { SwarmReleaseStack } from "../../stacks/swarm-release-stack";
import { SwarmStack } from "../../stacks/swarm-stack";
import { Json, PROJECT_ROOT, makeStacks, resource, swarmStacks, synthJson } from "../support/stack";

const SWARM = { DEPLOY_TARGET: "swarm" };

describe("the swarm stacks (DEPLOY_TARGET=swarm)", () => {
  const { environment, release } = swarmStacks();
  const env: Json = synthJson(environment, true);
  const rel: Json = synthJson(release, true);

  it("pass their own policy checks and provider validations", () => {
    expect(() =>
      Testing.synth(swarmStacks({ DOMAIN: "app.example.com", TLS_MODE: "internal" }).environment, true),
    ).not.toThrow();
    expect(() => Testing.synth(swarmStacks({ PROXY: "false" }).release, true)).not.toThrow();
  });

  it("keep the engine's stack ids and data volume name, so `destroy` then a swarm deploy finds the data", () => {
    const engine = makeStacks();
    expect([environment.node.id, release.node.id]).toEqual([
      engine.environment.node.id,
      engine.release.node.id,
    ]);
    expect(env.output.data_volume.value).toBe(engine.environment.database.dataVolumeName);
    expect(
      resource(env, "docker_service", "Database/Service").task_spec.container_spec.mounts,
    ).toContainEqual(
      expect.objectContaining({ source: "django-dev-pgdata", target: "/var/lib/postgresql/data" }),
    );
  });

  it("turn the same settings into services: replicas, the proxy's port, the database's placement", () => {
    const custom = swarmStacks({
      APP_REPLICAS: "3",
      APP_PORT: "9000",
      ENVIRONMENTS: "dev",
      SWARM_DATABASE_LABEL: "pg",
    });
    const web = resource(synthJson(custom.release), "docker_service", "App/Service");
    expect(web.mode).toEqual({ replicated: { replicas: 3 } });
    const e = synthJson(custom.environment);
    expect(resource(e, "docker_service", "Proxy/Service").endpoint_spec.ports[0]).toMatchObject({
      published_port: 9000,
      publish_mode: "host",
    });
    expect(resource(e, "docker_service", "Database/Service").task_spec.placement.constraints).toEqual([
      "node.labels.pg==true",
    ]);
  });

  it("look the environment's networks up by name in the release stack (services join by id)", () => {
    expect(rel.data.docker_network).toEqual({
      FrontendNetwork: { name: "django-dev-frontend" },
      BackendNetwork: { name: "django-dev-backend" },
    });
    expect(resource(rel, "docker_service", "App/Service").task_spec.networks_advanced).toEqual([
      { id: "${data.docker_network.FrontendNetwork.id}" },
      { id: "${data.docker_network.BackendNetwork.id}" },
    ]);
  });

  it("say which Swarm secrets the deploy must create, by name and file, and where to write their ids", () => {
    const specs = JSON.parse(env.output.swarm_secrets.value).concat(
      JSON.parse(rel.output.swarm_secrets.value),
    );
    expect(specs.map((s: { name: string }) => s.name)).toEqual([
      "django-dev-database_password-bbbbbbbbbbbb",
      "django-dev-database_app_password-cccccccccccc",
      "django-dev-django_secret_key-aaaaaaaaaaaa",
      "django-dev-database_app_password-cccccccccccc",
    ]);
    expect(specs[0]).toEqual({
      name: "django-dev-database_password-bbbbbbbbbbbb",
      source: "../../../.secrets/dev/database_password",
      idFile: "../../swarm-secrets/django-dev-database_password-bbbbbbbbbbbb.id",
    });
    // the migrations, a one-shot container beside Terraform, read theirs from the engine's secrets volume
    expect(
      resource(env, "docker_container", "Secrets/Writer").upload.map((u: { file: string }) => u.file),
    ).toEqual(["/run/secrets/migrate/django_secret_key", "/run/secrets/migrate/database_password"]);
  });

  it("never hold a secret value, in any form, in the synthesized configuration", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "swarm-secrets-"));
    try {
      fs.writeFileSync(
        path.join(root, "cert.pem"),
        "-----BEGIN CERTIFICATE-----\nswarm-test-certificate\n-----END CERTIFICATE-----\n",
      );
      fs.writeFileSync(
        path.join(root, "key.pem"),
        "-----BEGIN PRIVATE KEY-----\nswarm-test-private-key\n-----END PRIVATE KEY-----\n",
      );
      const built = buildConfig({
        env: {
          ENVIRONMENTS: "dev",
          ...SWARM,
          DOMAIN: "app.example.com",
          TLS_MODE: "files",
          TLS_CERT_FILE: path.join(root, "cert.pem"),
          TLS_KEY_FILE: path.join(root, "key.pem"),
          DATABASE_PASSWORD: "swarm-test-password-0123456789",
          APP_SECRET_API_TOKEN: "swarm-test-api-token-0123456789",
        },
        rootDir: PROJECT_ROOT,
      });
      if (!built.ok) throw new Error(built.errors.join("\n"));
      const secrets = materializeSecrets(built.config, root);
      if (!secrets.ok) throw new Error(secrets.errors.join("\n"));
      const app = Testing.app();
      const e = new SwarmStack(app, "dev", {
        config: built.config.stacks[0],
        secrets: secrets.secrets.dev,
        projectRoot: root,
      });
      const r = new SwarmReleaseStack(app, "dev-app", {
        environment: e,
        projectRoot: root,
        sourceHash: "0".repeat(64),
      });
      const text = Testing.synth(e, true) + Testing.synth(r, true);
      const dir = path.join(root, ".secrets", "dev");
      const values = fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f), "utf8"));
      expect(values.length).toBeGreaterThanOrEqual(5);
      for (const v of values) {
        for (const form of [v, v.trim(), Buffer.from(v).toString("base64"), Buffer.from(v).toString("hex")]) {
          expect(text).not.toContain(form);
        }
      }
      expect(text).toContain("API_TOKEN_FILE=/run/secrets/app/env.API_TOKEN");
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it("match the snapshots, the same on every machine", () => {
    for (const s of [environment, release]) {
      const text = Testing.synth(s);
      expect(text).not.toContain(PROJECT_ROOT);
      expect(text).not.toContain(os.homedir());
      expect(text).toMatchSnapshot();
    }
  });
});
