import { buildConfig, readEnvironments, secretKeyProblem } from "../../config/build-config";
import { errors, ok, STRONG_KEY } from "../support/config";

describe("defaults (no .env at all)", () => {
  const { config, warnings } = ok({});

  it("deploys two environments side by side on distinct ports, on loopback", () => {
    expect(config.stacks.map((s) => s.environment)).toEqual(["dev", "prod"]);
    expect(config.stacks.map((s) => s.app.port)).toEqual([8000, 8001]);
    expect(config.stacks.every((s) => s.app.bindAddress === "127.0.0.1")).toBe(true);
    expect(config.stacks.map((s) => s.namePrefix)).toEqual(["django-dev", "django-prod"]);
  });

  it("is secure: debug off, secrets generated, state local, data kept on destroy", () => {
    const dev = config.stacks[0];
    expect(dev.app.debug).toBe(false);
    expect(dev.secrets.djangoSecretKey).toEqual({ kind: "generate" });
    expect(dev.secrets.databasePassword).toEqual({ kind: "generate" });
    expect(dev.database.deleteDataOnDestroy).toBe(false);
    expect(config.backend).toEqual({ type: "local" });
    expect(dev.database.image).toBe("postgres:17");
    expect(dev.app.baseImage).toBe("python:3.13-slim");
    expect(warnings).toEqual([]);
  });
});

describe("the seed's .env vocabulary", () => {
  const seed = {
    name: ".env",
    vars: {
      DJANGO_SECRET_KEY: STRONG_KEY,
      DEBUG: "False",
      DJANGO_LOGLEVEL: "info",
      DJANGO_ALLOWED_HOSTS: "localhost, 127.0.0.1 ,example.com",
      DATABASE_ENGINE: "postgresql_psycopg2",
      DATABASE_NAME: "dockerdjango",
      DATABASE_USERNAME: "dbuser",
      DATABASE_PASSWORD: "a-long-enough-password",
      DATABASE_HOST: "db",
      DATABASE_PORT: "5432",
    },
  };

  it("is accepted unchanged, with DEBUG=False meaning off and lists trimmed", () => {
    const dev = ok({ dotenv: seed }).config.stacks[0];
    expect(dev.app.debug).toBe(false);
    expect(dev.app.logLevel).toBe("INFO");
    expect(dev.app.allowedHosts).toEqual(["localhost", "127.0.0.1", "example.com"]);
    expect(dev.database).toMatchObject({ name: "dockerdjango", username: "dbuser", host: "db", port: 5432 });
    expect(dev.secrets.djangoSecretKey).toEqual({ kind: "value", value: STRONG_KEY, source: ".env" });
  });

  it("lets the process environment win over .env.<environment>, and that over .env", () => {
    const input = {
      env: { DATABASE_NAME: "from_env" },
      dotenv: { name: ".env", vars: { DATABASE_NAME: "from_dotenv", APP_PORT: "9000" } },
      environmentFiles: { prod: { name: ".env.prod", vars: { APP_PORT: "9001" } } },
    };
    const [dev, prod] = ok(input).config.stacks;
    expect(dev.database.name).toBe("from_env");
    expect(dev.app.port).toBe(9000);
    expect(prod.app.port).toBe(9001);
  });
});

describe("bad input", () => {
  it("reports every bad value at once, each naming the variable, the value, where it was set and the fix", () => {
    const found = errors({
      dotenv: {
        name: ".env",
        vars: { DATABASE_PORT: "54x2", DEBUG: "maybe", APP_BIND_ADDRESS: "my-laptop" },
      },
      env: { ENVIRONMENTS: "dev", APP_MEMORY_MB: "lots", POSTGRES_IMAGE: "postgres:latest" },
    });
    expect(found).toEqual(
      expect.arrayContaining([
        'DATABASE_PORT must be a whole number from 1 to 65535, got "54x2" (set in .env for environment "dev")',
        'DEBUG must be one of true/false, 1/0, yes/no, on/off, got "maybe" (set in .env for environment "dev")',
        expect.stringMatching(/^APP_BIND_ADDRESS must be an IP address .* got "my-laptop" \(set in \.env/),
        expect.stringMatching(
          /^APP_MEMORY_MB must be a whole number from 64 to 65536, got "lots" \(set in environment/,
        ),
        expect.stringMatching(/^POSTGRES_IMAGE must carry a tag other than latest.*got "postgres:latest"/),
      ]),
    );
    expect(found).toHaveLength(5);
  });

  it("fails when DATABASE_PORT is not a port", () => {
    expect(errors({ env: { DATABASE_PORT: "70000" } })[0]).toMatch(
      /^DATABASE_PORT must be a whole number from 1 to 65535, got "70000"/,
    );
  });

  it("fails when DATABASE_ENGINE is not PostgreSQL", () => {
    expect(errors({ env: { DATABASE_ENGINE: "mysql" } })[0]).toMatch(
      /^DATABASE_ENGINE must be postgresql .*got "mysql"/,
    );
  });

  it("maps the removed postgresql_psycopg2 engine instead of failing", () => {
    expect(() => ok({ env: { DATABASE_ENGINE: "django.db.backends.postgresql_psycopg2" } })).not.toThrow();
  });

  it("fails when DATABASE_HOST points at the app's own loopback", () => {
    expect(errors({ env: { DATABASE_HOST: "localhost" } })[0]).toMatch(
      /^DATABASE_HOST must name the database container/,
    );
  });

  it("fails when two environments want the same host port", () => {
    expect(errors({ env: { APP_PORT: "8080" } })).toEqual([
      'APP_PORT 8080 is used by both environments "dev" and "prod"; give each its own port in .env.prod',
    ]);
  });

  it("fails when an environment name cannot name Docker objects", () => {
    expect(errors({ env: { ENVIRONMENTS: "dev,Prod!" } })[0]).toMatch(
      /^ENVIRONMENTS must list environment names .*bad item "Prod!"/,
    );
  });

  it("fails when a secret is given both as a value and as a file", () => {
    expect(
      errors({
        env: { DATABASE_PASSWORD: "x".repeat(20) },
        dotenv: { name: ".env", vars: { DATABASE_PASSWORD_FILE: "pw.txt" } },
      }),
    ).toContain(
      'DATABASE_PASSWORD (value hidden) and DATABASE_PASSWORD_FILE="pw.txt" are both set (in environment and .env); keep one of them',
    );
  });

  it("rejects a weak DJANGO_SECRET_KEY in production without ever printing it", () => {
    const found = errors({ dotenv: { name: ".env", vars: { DJANGO_SECRET_KEY: "your_secret_key" } } });
    expect(found[0]).toMatch(/^DJANGO_SECRET_KEY is a publicly known example value, got \(value hidden\)/);
    const short = errors({ dotenv: { name: ".env", vars: { DJANGO_SECRET_KEY: "short-but-not-public" } } });
    expect(short[0]).toMatch(/^DJANGO_SECRET_KEY must be at least 50 characters .*got \(value hidden\)/);
    expect(found.join("\n")).not.toContain("your_secret_key");
  });

  it("only warns about a weak key when DEBUG is on", () => {
    const result = ok({
      env: { ENVIRONMENTS: "dev", DEBUG: "true", DJANGO_SECRET_KEY: "django-insecure-abc" },
    });
    expect(result.warnings.join("\n")).toMatch(/DJANGO_SECRET_KEY starts with django-insecure-/);
    expect(result.warnings.join("\n")).not.toContain("django-insecure-abc");
  });

  it("fails when a remote backend lacks what it needs", () => {
    expect(errors({ env: { TF_BACKEND: "s3" } })).toContain("TF_S3_BUCKET must be set when TF_BACKEND=s3");
    expect(errors({ env: { TF_BACKEND: "consul" } })[0]).toMatch(
      /^TF_BACKEND must be one of local, s3, pg, http, got "consul"/,
    );
    expect(errors({ env: { TF_BACKEND: "http", TF_HTTP_BASE_URL: "https://u:p@state.example" } })[0]).toMatch(
      /^TF_HTTP_BASE_URL must not carry credentials/,
    );
  });

  it("keeps SECRETS_DIR out of cdktf.out", () => {
    expect(errors({ env: { SECRETS_DIR: "cdktf.out/secrets" } })[0]).toMatch(
      /^SECRETS_DIR must not be inside cdktf.out/,
    );
  });
});

describe("remote state backends", () => {
  it("gives each backend a per-stack location without credentials", () => {
    expect(
      ok({ env: { TF_BACKEND: "s3", TF_S3_BUCKET: "tfstate", TF_S3_ENDPOINT: "http://minio:9000" } }).config
        .backend,
    ).toEqual({
      type: "s3",
      bucket: "tfstate",
      region: "us-east-1",
      endpoint: "http://minio:9000",
      prefix: "django",
    });
    expect(ok({ env: { TF_BACKEND: "pg", PROJECT_NAME: "shop-app" } }).config.backend).toEqual({
      type: "pg",
      schemaPrefix: "shop_app",
    });
  });
});

describe("helpers", () => {
  it("applies Django's own rule for weak secret keys", () => {
    expect(secretKeyProblem(STRONG_KEY)).toBeUndefined();
    expect(secretKeyProblem("a".repeat(60))).toMatch(/5 different characters/);
  });
});

describe("ENVIRONMENTS alone, for the command line", () => {
  it("is read as buildConfig reads it: the default, or the list, trimmed", () => {
    expect(readEnvironments({ env: {} })).toEqual({ ok: true, environments: ["dev", "prod"] });
    expect(
      readEnvironments({ env: {}, dotenv: { name: ".env", vars: { ENVIRONMENTS: " dev , stage " } } }),
    ).toEqual({ ok: true, environments: ["dev", "stage"] });
  });

  it.each([" ", "dev prod", "Dev,prod", "dev,dev", "dev,prod-app"])(
    "refuses %j with buildConfig's own errors for it",
    (value) => {
      const alone = readEnvironments({ env: { ENVIRONMENTS: value } });
      const whole = buildConfig({ env: { ENVIRONMENTS: value } });
      expect(alone.ok).toBe(false);
      expect(whole.ok).toBe(false);
      if (!alone.ok && !whole.ok) {
        expect(alone.errors.length).toBeGreaterThan(0);
        for (const e of alone.errors) expect(whole.errors).toContain(e);
      }
    },
  );

  it("says to separate names with commas when they are separated by spaces", () => {
    expect(readEnvironments({ env: { ENVIRONMENTS: "dev prod" } })).toEqual({
      ok: false,
      errors: [
        'ENVIRONMENTS must separate environment names with commas, e.g. "dev,prod" (bad item "dev prod"), got "dev prod" (set in environment)',
      ],
    });
  });
});

describe("settings of another backend", () => {
  it("warns that TF_S3_* and TF_HTTP_* have no effect with the local backend, naming them and the fix", () => {
    const { warnings, config } = ok({
      env: { TF_S3_BUCKET: "tfstate", TF_S3_REGION: "eu-west-1", TF_HTTP_BASE_URL: "https://state.example" },
    });
    expect(config.backend).toEqual({ type: "local" });
    expect(warnings).toEqual(
      expect.arrayContaining([
        "TF_S3_BUCKET, TF_S3_REGION have no effect with TF_BACKEND=local (the default); set TF_BACKEND=s3 to keep the state there, or remove them",
        "TF_HTTP_BASE_URL has no effect with TF_BACKEND=local (the default); set TF_BACKEND=http to keep the state there, or remove it",
      ]),
    );
  });

  it("warns about the other backends' settings when one is chosen, and not when TF_BACKEND is refused", () => {
    expect(
      ok({ env: { TF_BACKEND: "s3", TF_S3_BUCKET: "tfstate", TF_PG_SCHEMA_PREFIX: "x" } }).warnings,
    ).toContain(
      "TF_PG_SCHEMA_PREFIX has no effect with TF_BACKEND=s3; set TF_BACKEND=pg to keep the state there, or remove it",
    );
    expect(ok({ env: { TF_BACKEND: "s3", TF_S3_BUCKET: "tfstate" } }).warnings).toEqual([]);
    const refused = buildConfig({ env: { TF_BACKEND: "S3", TF_S3_BUCKET: "tfstate" } });
    expect(refused.warnings.filter((w) => /no effect with TF_BACKEND/.test(w))).toEqual([]);
  });
});
