import { DjangoServiceProps } from "../../constructs";
import { bareStack, composeApp } from "../support/constructs";
import { resource, synthJson, validationErrors } from "../support/stack";

function make(extra: Partial<DjangoServiceProps> = {}) {
  const stack = bareStack();
  const { service } = composeApp(stack, extra);
  return { stack, service };
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

  it("defaults: debug off, INFO, localhost only, 2 workers x 4 threads, 512 MiB, published on 127.0.0.1:8000", () => {
    const { stack, service } = make();
    const web = resource(synthJson(stack), "docker_container", "App/Web");
    expect(web.env).toEqual(
      expect.arrayContaining([
        "DEBUG=false",
        "DJANGO_LOGLEVEL=INFO",
        "DJANGO_ALLOWED_HOSTS=localhost,127.0.0.1",
        "GUNICORN_WORKERS=2",
        "GUNICORN_THREADS=4",
      ]),
    );
    expect(web).toMatchObject({
      memory: 512,
      ports: [{ internal: 8000, external: 8000, ip: "127.0.0.1" }],
      user: "10001:10001",
      read_only: true,
    });
    expect(service.url).toBe("http://127.0.0.1:8000/");
  });

  it("migrates first, after the database is ready, and starts the app only when migrations succeeded", () => {
    const { stack } = make();
    const json = synthJson(stack);
    const migrate = resource(json, "docker_container", "App/Migrate");
    const web = resource(json, "docker_container", "App/Web");
    expect(migrate.depends_on).toEqual([
      expect.stringMatching(/^docker_container\.Database_PasswordSync_[0-9A-F]{8}$/),
    ]);
    expect(web.depends_on).toEqual([expect.stringMatching(/^docker_container\.App_Migrate_[0-9A-F]{8}$/)]);
    expect(web.lifecycle.precondition[0].condition).toBe(`\${${web.depends_on[0]}.exit_code == 0}`);
  });

  it("gives an IPv6 or every-interface bind address a URL that works", () => {
    expect(make({ bindAddress: "0.0.0.0", port: 9000 }).service.url).toBe("http://localhost:9000/");
    expect(make({ bindAddress: "::1" }).service.url).toBe("http://[::1]:8000/");
  });

  it("fails on bad props, each naming the construct path, the prop, the value and the fix", () => {
    const { stack } = make({
      bindAddress: "localhost",
      port: 0,
      memoryMb: 100000,
      settings: { workers: 0, logLevel: "LOUD" },
      secretKey: { name: "other_key", source: "x", revision: "c".repeat(32) },
    });
    const errors = validationErrors(stack).join("\n");
    for (const expected of [
      /t\/App: bindAddress must be an IP address, got "localhost"/,
      /t\/App: port must be a whole number from 1 to 65535, got 0/,
      /t\/App: memoryMb must be a whole number from 64 to 65536, got 100000/,
      /t\/App: settings.workers must be a whole number from 1 to 64, got 0/,
      /t\/App: settings.logLevel must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL, got "LOUD"/,
      /t\/App: secretKey is not one of the secrets' appFiles, got "other_key"; add it to the Secrets construct's appFiles/,
    ]) {
      expect(errors).toMatch(expected);
    }
  });
});
