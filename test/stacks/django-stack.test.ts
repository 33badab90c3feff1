import "cdktf/lib/testing/adapters/jest";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Testing } from "cdktf";
import { Container, ContainerConfig } from "@cdktf/provider-docker/lib/container";
import { Image } from "@cdktf/provider-docker/lib/image";
import { Network } from "@cdktf/provider-docker/lib/network";
import { Volume } from "@cdktf/provider-docker/lib/volume";
import { withRuntimeConfigLabel } from "../../constructs/container-options";
import { DjangoStack } from "../../stacks/django-stack";
import {
  Json,
  PROJECT_ROOT,
  configFor,
  fakeSecrets,
  makeRelease,
  makeStack,
  makeStacks,
  resource,
  synthJson,
} from "../support/stack";
import { ReleaseStack } from "../../stacks/release-stack";

/** The stacks with the real build context's hash, as main.ts builds them. */
function realRelease(): ReleaseStack {
  const app = Testing.app();
  const environment = new DjangoStack(app, "dev", {
    config: configFor(),
    secrets: fakeSecrets(),
    projectRoot: PROJECT_ROOT,
  });
  return new ReleaseStack(app, "dev-app", { environment, projectRoot: PROJECT_ROOT });
}

describe("DjangoStack", () => {
  const stack = makeStack();
  const synthesized = Testing.synth(stack);
  const json = synthJson(stack);
  const releaseJson = synthJson(makeRelease());
  const db = resource(json, "docker_container", "Database/Container");
  const web = resource(releaseJson, "docker_container", "App/Web");
  const migrate = resource(releaseJson, "docker_container", "App/Migrate");
  const writer = resource(json, "docker_container", "Secrets/Writer");
  const proxy = resource(json, "docker_container", "Proxy/Container");

  it("passes its own policy checks and provider validations", () => {
    expect(() => Testing.synth(makeStack(), true)).not.toThrow();
  });

  describe("network", () => {
    it("keeps the database on an internal network and publishes nothing of it", () => {
      expect(synthesized).toHaveResourceWithProperties(Network, {
        name: "django-dev-backend",
        internal: true,
      });
      expect(db.networks_advanced).toEqual([
        { name: "${docker_network.Network_Backend_05D38468.id}", aliases: ["db"] },
      ]);
      expect(db.ports).toBeUndefined();
      expect(db.publish_all_ports).toBeUndefined();
    });

    it("publishes only the proxy, on the configured host address and port; the app joins both networks by name", () => {
      expect(proxy.ports).toEqual([{ internal: 80, external: 8000, ip: "127.0.0.1" }]);
      expect(proxy.networks_advanced).toEqual([{ name: "${docker_network.Network_Frontend_BC4FA150.id}" }]);
      expect(web.ports).toBeUndefined();
      expect(web.networks_advanced.map((n: { name: string }) => n.name)).toEqual([
        "django-dev-frontend",
        "django-dev-backend",
      ]);
      const custom = synthJson(
        makeStack({ APP_BIND_ADDRESS: "0.0.0.0", APP_PORT: "9000", ENVIRONMENTS: "dev" }),
      );
      expect(resource(custom, "docker_container", "Proxy/Container").ports).toEqual([
        { internal: 80, external: 9000, ip: "0.0.0.0" },
      ]);
    });

    it("publishes HTTPS too when DOMAIN is set", () => {
      const https = synthJson(
        makeStack({ ENVIRONMENTS: "dev", DOMAIN: "app.example.com", APP_HTTPS_PORT: "9443" }),
      );
      expect(resource(https, "docker_container", "Proxy/Container").ports).toEqual([
        { internal: 80, external: 8000, ip: "127.0.0.1" },
        { internal: 443, external: 9443, ip: "127.0.0.1" },
      ]);
    });
  });

  describe("PostgreSQL", () => {
    it("keeps its data on a named volume at the image's data directory, never deleted by Terraform", () => {
      expect(db.volumes).toContainEqual({
        volume_name: "django-dev-pgdata",
        container_path: "/var/lib/postgresql/data",
        read_only: false,
      });
      expect(json.resource.docker_volume.Database_data_volume).toBeUndefined();
      // if the volume was managed before, it is forgotten, not destroyed
      // (at its address since the construct library, and at the first release's fixed address)
      expect(json.removed).toEqual([
        { from: "docker_volume.Database_data_volume", lifecycle: { destroy: false } },
        // (and the single secrets volume of earlier releases: a running app may still mount it)
        { from: "docker_volume.Secrets_Volume_5F7960EB", lifecycle: { destroy: false } },
        { from: "docker_volume.data_volume", lifecycle: { destroy: false } },
        // (and the media volume, should it have been managed: it is never destroyed by Terraform)
        { from: "docker_volume.Media_volume", lifecycle: { destroy: false } },
      ]);
    });

    it("manages the volume only when the user opts in to deleting it on destroy", () => {
      const optIn = synthJson(makeStack({ DELETE_DATA_ON_DESTROY: "true" }));
      expect(optIn.resource.docker_volume.Database_data_volume).toMatchObject({ name: "django-dev-pgdata" });
      // a stack deployed by the first release had it at a fixed address: moved, not replaced
      expect(optIn.moved).toEqual([
        { from: "docker_volume.data_volume", to: "docker_volume.Database_data_volume" },
      ]);
      expect(optIn.removed).toEqual([
        { from: "docker_volume.Secrets_Volume_5F7960EB", lifecycle: { destroy: false } },
        { from: "docker_volume.Media_volume", lifecycle: { destroy: false } },
      ]);
      expect(resource(optIn, "docker_container", "Database/Container").volumes).toContainEqual(
        expect.objectContaining({ volume_name: "${docker_volume.Database_data_volume.name}" }),
      );
    });

    it("is healthy only when the real server answers on TCP, and apply waits for it", () => {
      expect(db.healthcheck.test).toEqual([
        "CMD",
        "pg_isready",
        "-h",
        "127.0.0.1",
        "-p",
        "5432",
        "-U",
        "django",
        "-d",
        "django",
      ]);
      expect(db.wait).toBe(true);
      // canonical Go durations: anything else diffs on every plan
      for (const d of [db.healthcheck.interval, db.healthcheck.timeout, db.healthcheck.start_period]) {
        expect(d).toMatch(/^(\d+h)?(\d+m)?\d+s$/);
      }
    });

    it("shuts down cleanly: SIGINT and 60 s before SIGKILL, on destroy and on docker stop", () => {
      expect(db).toMatchObject({ stop_signal: "SIGINT", destroy_grace_seconds: 60, stop_timeout: 60 });
    });

    it("restarts, rotates logs, has a memory limit without swap, and runs with few privileges", () => {
      expect(db).toMatchObject({
        restart: "unless-stopped",
        log_driver: "json-file",
        log_opts: { "max-size": "10m", "max-file": "3" },
        memory: 512,
        memory_swap: 512,
        read_only: true,
        security_opts: ["no-new-privileges:true"],
      });
      expect(db.capabilities.drop).toEqual(["ALL"]);
      expect(db.capabilities.add.every((c: string) => c.startsWith("CAP_"))).toBe(true);
    });

    it("applies a changed password to the running database before the app connects", () => {
      const sync = resource(json, "docker_container", "Database/PasswordSync");
      expect(sync).toMatchObject({
        must_run: false,
        attach: true,
        network_mode: "none",
        user: "999:999",
        read_only: true,
      });
      expect(sync.labels).toContainEqual({
        label: "django-cdktf.password-revision",
        value: "bbbbbbbbbbbb-cccccccccccc",
      });
      // over the shared socket, reading the file itself: the value is in no argument or variable
      expect(sync.command[0]).toContain("-h /var/run/postgresql");
      expect(sync.command[0]).toContain("\\set owner_pw `cat /run/secrets/db/database_password`");
      expect(sync.command[0]).toContain("\\set app_pw `cat /run/secrets/db/database_app_password`");
      expect(sync.env).toBeUndefined();
      expect(db.volumes).toContainEqual({
        volume_name: "${docker_volume.Database_SocketVolume_38826C3C.name}",
        container_path: "/var/run/postgresql",
        read_only: false,
      });
      // the release stack is deployed after this one, so its migrations find the password set
      expect(migrate.depends_on).toBeUndefined();
    });

    it("starts only after the secret files were written", () => {
      expect(db.depends_on).toEqual(["docker_container.Secrets_Writer_1B3FE3BD"]);
      expect(db.lifecycle.precondition[0].condition).toBe(
        "${docker_container.Secrets_Writer_1B3FE3BD.exit_code == 0}",
      );
    });

    it("reads its password from a file, never from a value", () => {
      expect(db.env).toContain("POSTGRES_PASSWORD_FILE=/run/secrets/db/database_password");
      expect(db.env.some((e: string) => e.startsWith("POSTGRES_PASSWORD="))).toBe(false);
    });

    it("runs a non-default port when DATABASE_PORT asks for one", () => {
      const custom = resource(
        synthJson(makeStack({ DATABASE_PORT: "5433" })),
        "docker_container",
        "Database/Container",
      );
      expect(custom.command).toEqual(["postgres", "-c", "port=5433"]);
      expect(custom.healthcheck.test).toContain("5433");
    });
  });

  describe("the Django image", () => {
    it("builds django-app/ from the stack's working directory, tagged and triggered by content", () => {
      expect(Testing.synth(makeRelease())).toHaveResourceWithProperties(Image, {
        name: "django-dev-web:src-0123456789ab",
        build: expect.objectContaining({
          context: "../../../django-app",
          build_args: { PYTHON_IMAGE: "python:3.13-slim" },
        }),
        triggers: { source_hash: "0123456789abcdef".repeat(4) },
      });
    });

    it("passes the base image override as a build argument", () => {
      const custom = synthJson(makeRelease({ PYTHON_IMAGE: "mirror.example:5000/python:3.13-slim" }));
      expect(resource(custom, "docker_image", "AppImage").build.build_args).toEqual({
        PYTHON_IMAGE: "mirror.example:5000/python:3.13-slim",
      });
    });

    it("hashes the real build context when no hash is given", () => {
      const real = realRelease();
      expect(real.image.sourceHash).toMatch(/^[0-9a-f]{64}$/);
      expect(real.image.name).toBe(`django-dev-web:src-${real.image.sourceHash.slice(0, 12)}`);
    });

    it("replaces the containers when the image changes, through image_id", () => {
      for (const c of [web, migrate]) expect(c.image).toBe("${docker_image.AppImage_472A398A.image_id}");
    });
  });

  describe("the app", () => {
    it("runs hardened: non-root, read-only root with a tmpfs, no capabilities, no new privileges", () => {
      for (const c of [web, migrate]) {
        expect(c).toMatchObject({
          user: "10001:10001",
          read_only: true,
          tmpfs: { "/tmp": expect.stringContaining("noexec") },
          capabilities: { drop: ["ALL"] },
          security_opts: ["no-new-privileges:true"],
          memory: 512,
          memory_swap: 512,
        });
      }
    });

    it("is healthy only when readiness answers, and apply waits for it", () => {
      expect(web.healthcheck.test).toEqual(["CMD", "docker-entrypoint", "healthcheck", "ready"]);
      expect(web).toMatchObject({
        wait: true,
        restart: "unless-stopped",
        log_opts: { "max-size": "10m", "max-file": "3" },
      });
      expect(web.destroy_grace_seconds).toBeGreaterThan(20);
    });

    it("speaks the seed's env contract, with secrets as *_FILE paths only", () => {
      expect(web.env).toEqual(
        expect.arrayContaining([
          "DEBUG=false",
          "DATABASE_ENGINE=postgresql",
          "DATABASE_HOST=db",
          "DATABASE_PORT=5432",
          "DJANGO_SECRET_KEY_FILE=/run/secrets/app/django_secret_key",
          // the serving app connects as the data-access role, the migrations as the owner
          "DATABASE_USERNAME=django_app",
          "DATABASE_PASSWORD_FILE=/run/secrets/app/database_app_password",
        ]),
      );
      expect(migrate.env).toEqual(
        expect.arrayContaining([
          "DATABASE_USERNAME=django",
          "DATABASE_PASSWORD_FILE=/run/secrets/app/database_password",
        ]),
      );
      expect(web.env.some((e: string) => /^(DJANGO_SECRET_KEY|DATABASE_PASSWORD)=/.test(e))).toBe(false);
    });

    it("migrates first, as a one-shot whose failure fails the apply with its own output", () => {
      expect(migrate).toMatchObject({
        command: ["migrate"],
        must_run: false,
        attach: true,
        logs: true,
        tty: false,
        rm: false,
      });
      expect(migrate.ports).toBeUndefined();
      // in order: secrets written, database healthy, password set (this stack), then migrate (the next)
      const sync = resource(json, "docker_container", "Database/PasswordSync");
      expect(db.depends_on).toEqual(["docker_container.Secrets_Writer_1B3FE3BD"]);
      expect(sync.depends_on).toEqual(["docker_container.Database_Container_2EDFF63D"]);
      // a failed password sync fails the deploy with its output (initdb's administrator would keep
      // the owner's password until it runs), and each new sync is checked again
      const syncGate = resource(json, "terraform_data", "Database/PasswordSyncGate");
      expect(syncGate.depends_on).toEqual(["docker_container.Database_PasswordSync_D963FCC3"]);
      expect(syncGate.triggers_replace).toEqual({
        sync: "${docker_container.Database_PasswordSync_D963FCC3.id}",
      });
      const [syncCheck] = syncGate.lifecycle.precondition;
      expect(syncCheck.condition).toBe("${docker_container.Database_PasswordSync_D963FCC3.exit_code == 0}");
      expect(syncCheck.error_message).toMatch(
        /^Setting the database roles' passwords .*failed in container .*Its output:\n\$\{coalesce\(docker_container\.Database_PasswordSync_D963FCC3\.container_logs/s,
      );
      expect(sync.lifecycle?.postcondition).toBeUndefined();
      const route = resource(releaseJson, "docker_container", "App/Proxy/Route");
      expect(route.depends_on).toContain("docker_container.App_Migrate_C879708B");
      // a precondition on what comes next, not a postcondition: a failed run must not block destroy
      expect(migrate.lifecycle?.postcondition).toBeUndefined();
      const [pre] = route.lifecycle.precondition;
      expect(pre.condition).toBe("${docker_container.App_Migrate_C879708B.exit_code == 0}");
      expect(pre.error_message).toMatch(
        /^Django migrations failed in container .*Their output:\n\$\{coalesce\(docker_container\.App_Migrate_C879708B\.container_logs/,
      );
    });
  });

  describe("secrets", () => {
    it("reach the containers through a volume filled from files Terraform reads, paths only", () => {
      expect(writer.upload).toEqual(
        expect.arrayContaining([
          {
            file: "/run/secrets/app/django_secret_key",
            source: "../../../.secrets/dev/django_secret_key",
            source_hash: "a".repeat(32),
            permissions: "0400",
          },
          {
            file: "/run/secrets/db/database_password",
            source: "../../../.secrets/dev/database_password",
            source_hash: "b".repeat(32),
            permissions: "0400",
          },
        ]),
      );
      // one volume per reader: each container mounts only its own files
      for (const name of ["django-dev-secrets-app", "django-dev-secrets-migrate", "django-dev-secrets-db"]) {
        expect(synthesized).toHaveResourceWithProperties(Volume, { name });
      }
      expect(web.volumes).toEqual([
        { volume_name: "django-dev-secrets-app", container_path: "/run/secrets/app", read_only: true },
      ]);
      expect(migrate.volumes).toEqual([
        { volume_name: "django-dev-secrets-migrate", container_path: "/run/secrets/app", read_only: true },
      ]);
      expect(db.volumes).toContainEqual(
        expect.objectContaining({ container_path: "/run/secrets/db", read_only: true }),
      );
    });

    it("never appear in the synthesized configuration", () => {
      const secret = "sup3r-s3cret-value-that-must-not-leak-anywhere-0123456789";
      const s = makeStack({ DJANGO_SECRET_KEY: secret, DATABASE_PASSWORD: `${secret}-db` });
      expect(Testing.synth(s)).not.toContain("sup3r-s3cret");
    });

    it("restart the app when an app secret changes, through a label", () => {
      expect(web.labels).toContainEqual({
        label: "django-cdktf.secrets-revision",
        value: "aaaaaaaaaaaa-cccccccccccc-aaaaaaaaaaaa-bbbbbbbbbbbb",
      });
    });
  });

  describe("environments", () => {
    it("give every Docker object and the state file its own name", () => {
      const names = (s: DjangoStack) => {
        const j = synthJson(s);
        return [
          ...Object.values(j.resource.docker_container).map((r: Json) => r.name),
          ...Object.values(j.resource.docker_network).map((r: Json) => r.name),
          ...Object.values(j.resource.docker_volume).map((r: Json) => r.name),
          resource(j, "docker_container", "Database/Container").volumes[0].volume_name,
          j.terraform.backend.local.path,
        ];
      };
      const dev = names(makeStack({}, {}, "dev"));
      const prod = names(makeStack({}, {}, "prod"));
      const appState = (e: string) => synthJson(makeRelease({}, {}, e)).terraform.backend.local.path;
      expect(appState("dev")).toBe("../../../terraform.dev-app.tfstate");
      expect(appState("dev")).not.toBe(appState("prod"));
      expect(dev.filter((n) => prod.includes(n))).toEqual([]);
      expect(dev).toContain("../../../terraform.dev.tfstate");
    });
  });

  describe("outputs", () => {
    it("tell the user where the app is and what to do next", () => {
      expect(releaseJson.output.app_url.value).toBe("http://127.0.0.1:8000/");
      expect(json.output.data_volume.value).toBe("django-dev-pgdata");
      expect(releaseJson.output.create_superuser.value).toMatch(
        /docker exec -it .* docker-entrypoint manage createsuperuser/,
      );
    });
  });

  it("matches the snapshots, the same on every machine and whatever the Django sources hold", () => {
    // the content hash is the only input from django-app/; replace it so only stack changes show
    const real = realRelease();
    for (const s of [real.node.scope!.node.findChild("dev") as DjangoStack, real]) {
      const text = Testing.synth(s as DjangoStack)
        .split(real.image.sourceHash)
        .join("<source-hash>")
        .split(real.image.sourceHash.slice(0, 12))
        .join("<hash12>");
      expect(text).not.toMatch(new RegExp(PROJECT_ROOT.replace(/[/\\^$*+?.()|[\]{}]/g, "\\$&")));
      expect(text).not.toContain(os.homedir());
      expect(text).toMatchSnapshot();
    }
  });
});

describe("DjangoStack wiring", () => {
  it("keeps the stable construct ids that are Terraform addresses", () => {
    const { environment, release } = makeStacks();
    const ids = [...environment.node.findAll(), ...release.node.findAll()]
      .filter((c) => c instanceof Container)
      .map((c) => c.node.path);
    expect(ids.sort()).toEqual([
      "dev-app/App/Migrate",
      "dev-app/App/Proxy/Route",
      "dev-app/App/Web",
      "dev/Database/Container",
      "dev/Database/PasswordSync",
      "dev/Proxy/Container",
      "dev/Secrets/Writer",
    ]);
  });

  it("works from another outdir and app directory", () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "stack-"));
    fs.mkdirSync(path.join(tmp, "web"));
    fs.writeFileSync(path.join(tmp, "web", "Dockerfile"), "FROM scratch\n");
    fs.writeFileSync(path.join(tmp, "web", ".dockerignore"), ".env\n");
    const { release } = makeStacks({}, { projectRoot: tmp, outdir: "build/out", djangoAppDir: "web" });
    const j = synthJson(release);
    expect(resource(j, "docker_image", "AppImage").build.context).toBe("../../../../web");
    // without a .dockerignore of its own, the stack assembles the context (with its deny-list)
    fs.rmSync(path.join(tmp, "web", ".dockerignore"));
    const staged = synthJson(
      makeStacks({}, { projectRoot: tmp, outdir: "build/out", djangoAppDir: "web" }).release,
    );
    expect(resource(staged, "docker_image", "AppImage").build.context).toMatch(
      /^contexts\/AppImage_Context_/,
    );
    fs.rmSync(tmp, { recursive: true, force: true });
  });
});

describe("changes the provider would only record", () => {
  it("replace the container when its healthcheck or tmpfs changes, so the change takes effect", () => {
    const base: ContainerConfig = {
      name: "c",
      image: "postgres:17",
      healthcheck: { test: ["CMD", "true"], interval: "5s" },
    };
    const label = (c: ContainerConfig) =>
      (withRuntimeConfigLabel(c).labels as { label: string; value: string }[])[0];
    expect(label(base).label).toBe("django-cdktf.runtime-config");
    expect(label(base)).toEqual(label({ ...base }));
    expect(label(base)).not.toEqual(
      label({ ...base, healthcheck: { test: ["CMD", "true"], interval: "7s" } }),
    );
    expect(label(base)).not.toEqual(label({ ...base, tmpfs: { "/tmp": "size=1m" } }));
    const both = {
      ...synthJson(makeStack()).resource.docker_container,
      ...synthJson(makeRelease()).resource.docker_container,
    };
    for (const p of ["App/Web", "Database/Container"]) {
      expect(resource({ resource: { docker_container: both } }, "docker_container", p).labels).toContainEqual(
        {
          label: "django-cdktf.runtime-config",
          value: expect.stringMatching(/^[0-9a-f]{12}$/),
        },
      );
    }
  });
});

describe("DjangoStack for a project the stack did not write (test/fixtures/projects/gallery)", () => {
  const GALLERY = "test/fixtures/projects/gallery";
  const stacks = makeStacks({ DJANGO_PROJECT_DIR: GALLERY, DELETE_DATA_ON_DESTROY: "true" });
  const env = synthJson(stacks.environment, true);
  const rel = synthJson(stacks.release, true);

  it("builds the stack's Dockerfile around it, for the settings module its manage.py names", () => {
    const image = resource(rel, "docker_image", "AppImage");
    expect(image.build.context).toMatch(/^contexts\/AppImage_Context_/);
    expect(image.build.build_args.DJANGO_CDKTF_PROJECT_SETTINGS).toBe("gallery_site.settings");
    expect(stacks.release.image.overlay).toBe(true);
    const files = stacks.release.image.staged!.entries.map((e) => e.to);
    expect(files).toEqual(expect.arrayContaining(["Dockerfile", "deps/pyproject.toml", "app/manage.py"]));
    // the project's own Dockerfile is not what builds it (DJANGO_DOCKERFILE=auto, no contract label)
    expect(image.build.dockerfile).toBeUndefined();
  });

  it("keeps uploads on a volume the proxy serves, which a destroy deletes only when opted in", () => {
    expect(env.resource.docker_volume.Media_volume).toMatchObject({ name: "django-dev-media" });
    const proxy = resource(env, "docker_container", "Proxy/Container");
    expect(proxy.volumes).toContainEqual({
      volume_name: "${docker_volume.Media_volume.name}",
      container_path: "/srv/media",
      read_only: true,
    });
    const web = resource(rel, "docker_container", "App/Web");
    // by name: the release stack never refers to the environment's resources
    expect(web.volumes).toContainEqual({
      volume_name: "django-dev-media",
      container_path: "/srv/media",
      read_only: false,
    });
    expect(resource(rel, "docker_container", "App/Proxy/Route").env[0]).toContain("handle_path /media/* {");
    expect(env.output.media_volume.value).toBe("django-dev-media");
    const kept = synthJson(makeStack({ DJANGO_PROJECT_DIR: GALLERY }));
    expect(kept.resource.docker_volume.Media_volume).toBeUndefined();
    expect(kept.removed).toContainEqual({
      from: "docker_volume.Media_volume",
      lifecycle: { destroy: false },
    });
  });

  it("passes the project's own variables, its secrets as files in the app's and the migrations' volumes", () => {
    const secrets = {
      ...fakeSecrets(),
      appVariables: {
        STRIPE_KEY: { name: "env.STRIPE_KEY", path: ".secrets/dev/env.STRIPE_KEY", revision: "d".repeat(32) },
      },
    };
    const s = makeStacks(
      { DJANGO_PROJECT_DIR: GALLERY, APP_ENV_SENTRY_DSN: "https://dsn.example/1" },
      { secrets },
    );
    const writer = resource(synthJson(s.environment, true), "docker_container", "Secrets/Writer");
    expect(writer.upload.map((u: { file: string }) => u.file)).toEqual(
      expect.arrayContaining(["/run/secrets/app/env.STRIPE_KEY", "/run/secrets/migrate/env.STRIPE_KEY"]),
    );
    const web = resource(synthJson(s.release, true), "docker_container", "App/Web");
    expect(web.env).toEqual(
      expect.arrayContaining([
        "SENTRY_DSN=https://dsn.example/1",
        "STRIPE_KEY_FILE=/run/secrets/app/env.STRIPE_KEY",
        "DJANGO_CDKTF_SECRET_ENV=STRIPE_KEY",
      ]),
    );
  });
});
