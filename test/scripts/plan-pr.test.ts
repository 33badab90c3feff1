import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs, secretValues } from "../../scripts/plan-pr";

describe("plan:pr arguments", () => {
  it("takes environments and the kind this job may plan", () => {
    expect(parseArgs(["dev", "stage", "dev", "--only-kind", "development"])).toEqual({
      ok: true,
      args: { environments: ["dev", "stage"], onlyKind: "development", help: false },
    });
    expect(parseArgs(["--only-kind=production"])).toMatchObject({
      ok: true,
      args: { onlyKind: "production" },
    });
  });

  it.each([
    [["--only-kind", "prod"], '--only-kind must be development or production, got "prod"'],
    [["--only-kind"], '--only-kind must be development or production, got ""'],
    [["--lock"], 'unknown option "--lock"; see --help'],
  ])("rejects %j", (argv, message) => {
    expect(parseArgs(argv)).toEqual({ ok: false, errors: [message] });
  });
});

describe("what plan:pr redacts", () => {
  it("the secret settings in every NAME__ENV form, the backend credentials, extra names and the secret files", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-pr-secrets-"));
    try {
      fs.mkdirSync(path.join(dir, "dev"));
      fs.writeFileSync(path.join(dir, "dev", "database_password"), "generated-password-1234\n");
      fs.writeFileSync(path.join(dir, ".hash-key"), "hash-key-0123456789abcdef");
      const values = secretValues(
        {
          DATABASE_PASSWORD__PROD: "prod-password",
          DJANGO_SECRET_KEY: "django-key",
          SECRETS_HASH_KEY: "ci-hash-key",
          AWS_SECRET_ACCESS_KEY: "aws-secret",
          PG_CONN_STR: "postgres://u:p@h/db",
          MY_TOKEN: "extra-token",
          PLAN_REDACT_ENV: "MY_TOKEN",
          DATABASE_NAME: "django",
          PATH: "/usr/bin",
        },
        dir,
      );
      expect(values.sort()).toEqual(
        [
          "aws-secret",
          "ci-hash-key",
          "django-key",
          "extra-token",
          "generated-password-1234",
          "hash-key-0123456789abcdef",
          "postgres://u:p@h/db",
          "prod-password",
        ].sort(),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
