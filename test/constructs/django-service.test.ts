import { DjangoServiceProps, SecretFile, httpProbe, probeHost } from "../../constructs";
import { bareStack, composeApp } from "../support/constructs";
import { resource, synthJson, validationErrors } from "../support/stack";

function make(extra: Partial<DjangoServiceProps> = {}) {
  const stack = bareStack();
  const { service, network } = composeApp(stack, extra);
  return { stack, service, network };
}

describe("DjangoService", () => {
  it("wires the database connection and the secret files into the app's environment", () => {
    const { stack } = make();
    const web = resource(synthJson(stack), "docker_container", "App/Web");
    expect(web.env).toEqual(
      expect.arrayContaining([
        "DATABASE_HOST=t-db",
        "DATABASE_PORT=5432",
        "DATABASE_NAME=django",
        "DATABASE_USERNAME=django",
        "DJANGO_SECRET_KEY_FILE=/run/secrets/app/django_secret_key",
        "DATABASE_PASSWORD_FILE=/run/secrets/app/database_password",
      ]),
    );
    expect(web.env.some((e: string) => /^(DJANGO_SECRET_KEY|DATABASE_PASSWORD)=/.test(e))).toBe(false);
  });

  it("defaults: debug off, INFO, localhost only, 2 workers x 4 threads, 512 MiB, nothing published", () => {
    const { stack } = make();
    const web = resource(synthJson(stack), "docker_container", "App/Web");
    expect(web.env).toEqual(
      expect.arrayContaining([
        "DEBUG=false",
        "DJANGO_LOGLEVEL=INFO",
        "DJANGO_ALLOWED_HOSTS=localhost,127.0.0.1",
        "DJANGO_SECURE_PROXY_SSL_HEADER=false",
        "GUNICORN_WORKERS=2",
        "GUNICORN_THREADS=4",
      ]),
    );
    expect(web).toMatchObject({ memory: 512, user: "10001:10001", read_only: true, wait_timeout: 90 });
    expect(web.ports).toBeUndefined();
  });

  it("names every object of a release after a digest Terraform computes of all it runs, and creates before destroying", () => {
    const { stack, service } = make();
    const json = synthJson(stack);
    const [local] = Object.entries(json.locals as Record<string, string>);
    // the image id (known after the build) with a digest of everything else (known now)
    expect(local[1]).toMatch(
      /^\$\{substr\(sha1\(jsonencode\(\{"image" = docker_image\.[A-Za-z0-9_]+\.image_id, "settings" = "[0-9a-f]{64}"\}\)\), 0, 12\)\}$/,
    );
    const digest = (extra: Partial<DjangoServiceProps>) =>
      Object.values(synthJson(make(extra).stack).locals as Record<string, string>)[0];
    expect(digest({})).toBe(local[1]);
    for (const change of [
      { settings: { debug: true } },
      { settings: { workers: 3 } },
      { migrateTimeoutSeconds: 60 },
      { environment: { SENTRY_DSN: 'say "hi"' } },
    ]) {
      expect(digest(change)).not.toBe(local[1]);
    }
    for (const p of ["App/Web", "App/Migrate"]) {
      const c = resource(json, "docker_container", p);
      expect(c.name).toBe(`t-${p === "App/Web" ? "web" : "migrate"}-\${local.${local[0]}}`);
      expect(c.lifecycle.create_before_destroy).toBe(true);
      expect(c.labels).toContainEqual({ label: "django-cdktf.release", value: `\${local.${local[0]}}` });
    }
    expect(service.upstream).toMatch(/^t-web-\$\{.*\}:8000$/);
  });

  it("migrates while the new release starts, and routes to it only when migrations succeeded", () => {
    const { stack } = make({
      proxy: {
        ref: {
          name: "t-proxy",
          image: "caddy:2.10",
          adminVolume: "t-proxy-admin",
          networkName: "t-frontend",
        },
      },
    });
    const json = synthJson(stack);
    const migrate = resource(json, "docker_container", "App/Migrate");
    const web = resource(json, "docker_container", "App/Web");
    const route = resource(json, "docker_container", "App/Proxy/Route");
    expect(migrate).toMatchObject({ command: ["migrate"], must_run: false, attach: true, tty: false });
    // the new release turns ready only once migrations are applied (its readiness check says so)
    expect(web.depends_on).toBeUndefined();
    expect(web.healthcheck.test).toEqual(["CMD", "docker-entrypoint", "healthcheck", "ready"]);
    const migrateAddress = route.depends_on.find((d: string) => /App_Migrate_/.test(d));
    expect(route.lifecycle.precondition[0].condition).toBe(`\${${migrateAddress}.exit_code == 0}`);
    expect(route.lifecycle.precondition[0].error_message).toMatch(/the previous release keeps serving/);
  });

  it("without a proxy, answers on the frontend network under a stable alias", () => {
    const { stack } = make();
    const web = resource(synthJson(stack), "docker_container", "App/Web");
    expect(web.networks_advanced).toEqual([
      { name: "t-frontend", aliases: ["t-app"] },
      { name: "t-backend" },
    ]);
  });

  it("with a proxy, trusts its scheme header and routes it to the new release once healthy", () => {
    const { stack } = make({
      proxy: {
        ref: {
          name: "t-proxy",
          image: "caddy:2.10",
          adminVolume: "t-proxy-admin",
          networkName: "t-frontend",
        },
      },
    });
    const json = synthJson(stack);
    const web = resource(json, "docker_container", "App/Web");
    expect(web.env).toContain("DJANGO_SECURE_PROXY_SSL_HEADER=true");
    expect(web.networks_advanced).toEqual([{ name: "t-frontend" }, { name: "t-backend" }]);
    const route = resource(json, "docker_container", "App/Proxy/Route");
    expect(route.depends_on).toEqual([
      expect.stringMatching(/^docker_container\.App_Web_/),
      expect.stringMatching(/^docker_container\.App_Migrate_/),
    ]);
    expect(route.env.find((e: string) => e.startsWith("CADDYFILE="))).toMatch(
      /reverse_proxy t-web-\$\{local\.[^}]+\}:8000 \{/,
    );
  });

  it("fails on bad props, each naming the construct path, the prop, the value and the fix", () => {
    const { stack } = make({
      memoryMb: 100000,
      healthTimeoutSeconds: 5,
      settings: { workers: 0, logLevel: "LOUD" },
      secretKey: { name: "other_key", source: "x", revision: "c".repeat(32) },
    });
    const errors = validationErrors(stack).join("\n");
    for (const expected of [
      /t\/App: memoryMb must be a whole number from 64 to 65536, got 100000/,
      /t\/App: healthTimeoutSeconds must be a whole number from 10 to 1800, got 5/,
      /t\/App: settings.workers must be a whole number from 1 to 64, got 0/,
      /t\/App: settings.logLevel must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL, got "LOUD"/,
      /t\/App: secretKey is not one of the secrets' app files, got "other_key"; add it to the Secrets construct's appFiles/,
    ]) {
      expect(errors).toMatch(expected);
    }
  });
});

describe("DjangoService with a project's own image (a custom runtime)", () => {
  const proxy = {
    ref: { name: "t-proxy", image: "caddy:2.10", adminVolume: "t-proxy-admin", networkName: "t-frontend" },
  };

  it("adds only the environment, the secret files and the commands given; probes HTTP below 500", () => {
    const { stack, service } = make({
      runtime: { port: 5000, healthPath: "/up/" },
      settings: { allowedHosts: [".example.com", "app.example.com"] },
      settingsModule: "mysite.settings.production",
      proxy,
    });
    const json = synthJson(stack, true);
    const web = resource(json, "docker_container", "App/Web");
    // the image's own command, user of the secret files, its own writable paths
    expect(web.command).toBeUndefined();
    expect(web.user).toBe("10001:10001");
    expect(web.read_only).toBeUndefined();
    expect(web.tmpfs).toBeUndefined();
    expect(web.env).toEqual(
      expect.arrayContaining([
        "DJANGO_SETTINGS_MODULE=mysite.settings.production",
        "DJANGO_SECRET_KEY_FILE=/run/secrets/app/django_secret_key",
      ]),
    );
    const [kind, probe] = web.healthcheck.test;
    expect(kind).toBe("CMD-SHELL");
    expect(probe).toContain('url = "http://127.0.0.1:5000/up/"');
    expect(probe).toContain('headers={"Host": "app.example.com"}');
    expect(probe).toContain("sys.exit(0 if status < 500 else 1)");
    // no migrate command: no migration run, and the route waits for the app alone
    expect(service.migrate).toBeUndefined();
    expect(Object.keys(json.resource.docker_container).filter((k) => /Migrate/.test(k))).toEqual([]);
    expect(service.upstream).toMatch(/:5000$/);
    const caddyfile = resource(json, "docker_container", "App/Proxy/Route").env[0];
    expect(caddyfile).toMatch(/reverse_proxy t-web-\$\{local\.[^}]+\}:5000 \{/);
    expect(caddyfile).not.toContain("health_uri");
  });

  it("runs the given commands, the migrations under a timeout", () => {
    const { stack } = make({
      runtime: {
        serveCommand: ["gunicorn", "mysite.wsgi"],
        migrateCommand: ["python", "manage.py", "migrate"],
      },
      migrateTimeoutSeconds: 120,
    });
    const json = synthJson(stack);
    expect(resource(json, "docker_container", "App/Web").command).toEqual(["gunicorn", "mysite.wsgi"]);
    expect(resource(json, "docker_container", "App/Migrate").command).toEqual([
      "timeout",
      "-k",
      "10",
      "120",
      "python",
      "manage.py",
      "migrate",
    ]);
  });

  it("passes commands and variables to the containers as written, never as Terraform expressions", () => {
    const { stack } = make({
      runtime: {
        serveCommand: ["gunicorn", "--name=${path.cwd}", "mysite.wsgi"],
        migrateCommand: ["python", "manage.py", "migrate", "%{ if true }"],
      },
      environment: { READS_A_FILE: '${file("/etc/hostname")}' },
    });
    const json = synthJson(stack);
    const web = resource(json, "docker_container", "App/Web");
    expect(web.command).toEqual(["gunicorn", "--name=$${path.cwd}", "mysite.wsgi"]);
    expect(web.env).toContain('READS_A_FILE=$${file("/etc/hostname")}');
    expect(resource(json, "docker_container", "App/Migrate").command).toContain("%%{ if true }");
  });

  it("probes with a Host the allowed hosts accept", () => {
    expect(probeHost(["*"])).toBe("localhost");
    expect(probeHost([".example.com"])).toBe("example.com");
    expect(probeHost(["*", "shop.example", ".example.com"])).toBe("shop.example");
    expect(probeHost()).toBe("localhost");
    expect(httpProbe(8000, "/", "localhost")).toMatch(/^if command -v python3 .* elif command -v python /s);
  });
});

describe("DjangoService with the stack's image", () => {
  it("gives the migrations their timeout, and passes no settings module to an overlay image", () => {
    const { stack } = make({ migrateTimeoutSeconds: 900, settingsModule: "mysite.settings" });
    const json = synthJson(stack);
    expect(resource(json, "docker_container", "App/Migrate").env).toContain("MIGRATE_TIMEOUT_SECONDS=900");
    // composeApp's image is built as it is: DJANGO_SETTINGS_MODULE is passed
    expect(resource(json, "docker_container", "App/Web").env).toContain(
      "DJANGO_SETTINGS_MODULE=mysite.settings",
    );
  });

  it("mounts the media volume writable, says where, and has the proxy serve it with safe headers", () => {
    const { stack } = make({
      media: { volumeName: "t-media", url: "/uploads/" },
      proxy: {
        ref: {
          name: "t-proxy",
          image: "caddy:2.10",
          adminVolume: "t-proxy-admin",
          networkName: "t-frontend",
        },
      },
    });
    const json = synthJson(stack);
    for (const p of ["App/Web", "App/Migrate"]) {
      const c = resource(json, "docker_container", p);
      expect(c.volumes).toContainEqual({
        volume_name: "t-media",
        container_path: "/srv/media",
        read_only: false,
      });
      expect(c.env).toEqual(
        expect.arrayContaining(["DJANGO_MEDIA_URL=/uploads/", "DJANGO_MEDIA_ROOT=/srv/media"]),
      );
    }
    const caddyfile = resource(json, "docker_container", "App/Proxy/Route").env[0];
    expect(caddyfile).toContain("\thandle_path /uploads/* {\n\t\troot * /srv/media\n");
    expect(caddyfile).toContain("header X-Content-Type-Options nosniff");
  });

  it("passes the project's variables, and its secrets as files only", () => {
    const stripe: SecretFile = { name: "env.STRIPE_KEY", source: "s", revision: "e".repeat(32) };
    const stack = bareStack();
    const { service } = composeApp(
      stack,
      {
        environment: { SENTRY_DSN: "https://dsn.example/1" },
        secretEnvironment: { STRIPE_KEY: stripe },
      },
      { appFiles: [stripe] },
    );
    const json = synthJson(stack, true);
    const web = resource(json, "docker_container", "App/Web");
    expect(web.env).toEqual(
      expect.arrayContaining([
        "SENTRY_DSN=https://dsn.example/1",
        "STRIPE_KEY_FILE=/run/secrets/app/env.STRIPE_KEY",
      ]),
    );
    expect(web.env.some((e: string) => e.startsWith("STRIPE_KEY="))).toBe(false);
    expect(service.web).toBeDefined();
  });

  it("refuses a project variable that is the stack's own, or a secret the secrets volume lacks", () => {
    const errors = validationErrors(
      make({
        environment: { DEBUG: "1", "bad name": "x" },
        secretEnvironment: { STRIPE_KEY: { name: "env.STRIPE_KEY", source: "s", revision: "e".repeat(32) } },
        media: { volumeName: "t-media", url: "media" },
        migrateTimeoutSeconds: 5,
      }).stack,
    ).join("\n");
    expect(errors).toMatch(/t\/App: environment is one of the stack's own variables, got "DEBUG"/);
    expect(errors).toMatch(/t\/App: environment must be a variable name, got "bad name"/);
    expect(errors).toMatch(
      /t\/App: secretEnvironment.STRIPE_KEY is not one of the secrets' app and migration files/,
    );
    expect(errors).toMatch(
      /t\/App: media.url must be a URL path with a leading and a trailing \/, got "media"/,
    );
    expect(errors).toMatch(/t\/App: migrateTimeoutSeconds must be a whole number from 10 to 86400, got 5/);
  });
});
