import { DjangoServiceProps } from "../../constructs";
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
    expect(local[1]).toMatch(
      /^\$\{substr\(sha1\(jsonencode\(\{"image" = docker_image\.[A-Za-z0-9_]+\.image_id, .*"web" = \{"env" = \[/,
    );
    expect(local[1]).toContain('"secretsRevision" = "aaaaaaaaaaaa-bbbbbbbbbbbb"');
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
