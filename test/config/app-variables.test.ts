import { appVariableNameProblem, readAppVariables } from "../../config/app-variables";

describe("the project's own variables", () => {
  it("passes APP_ENV_<NAME> as NAME, and APP_SECRET_<NAME> as a secret, by the usual precedence", () => {
    const { variables, errors } = readAppVariables(
      {
        env: {
          APP_ENV_SENTRY_DSN: "https://dsn.example/1",
          APP_SECRET_STRIPE_KEY__PROD: "from-ci",
          PATH: "/bin",
        },
        dotenv: {
          name: ".env",
          vars: { APP_ENV_SENTRY_DSN: "ignored", APP_ENV_FEATURE: "on", APP_SECRET_STRIPE_KEY: "dev-key" },
        },
        environmentFiles: {
          prod: { name: ".env.prod", vars: { APP_SECRET_MAIL_PASSWORD_FILE: "mail.txt" } },
        },
      },
      "prod",
    );
    expect(errors).toEqual([]);
    expect(variables.plain).toEqual({ SENTRY_DSN: "https://dsn.example/1", FEATURE: "on" });
    expect(variables.secret).toEqual({
      STRIPE_KEY: { kind: "value", value: "from-ci", source: "environment (APP_SECRET_STRIPE_KEY__PROD)" },
      MAIL_PASSWORD: { kind: "file", path: "mail.txt", source: ".env.prod" },
    });
  });

  it("keeps another environment's values out", () => {
    const { variables } = readAppVariables({ env: { APP_ENV_X__PROD: "p", APP_ENV_Y: "y" } }, "dev");
    expect(variables.plain).toEqual({ Y: "y" });
  });

  it("refuses the stack's own names, bad names, a secret given twice and a name given both ways", () => {
    const { errors } = readAppVariables(
      {
        env: {
          APP_ENV_DEBUG: "1",
          APP_ENV_DATABASE_URL: "postgres://x",
          APP_ENV_1BAD: "x",
          APP_SECRET_TOKEN: "a",
          APP_SECRET_TOKEN_FILE: "t.txt",
          APP_ENV_SHARED: "plain",
          APP_SECRET_SHARED: "secret",
          APP_SECRET_MULTI: "a\nb",
        },
      },
      "dev",
    );
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^APP_ENV_DEBUG: DEBUG is a variable the stack sets itself \(set in environment for environment "dev"\)/,
        ),
        expect.stringMatching(/^APP_ENV_DATABASE_URL: DATABASE_URL is a variable the stack sets itself/),
        expect.stringMatching(/^APP_ENV_1BAD: 1BAD must be a variable name/),
        expect.stringMatching(/^APP_SECRET_TOKEN \(value hidden\) and APP_SECRET_TOKEN_FILE are both set/),
        expect.stringMatching(/^APP_ENV_SHARED and APP_SECRET_SHARED both give the app SHARED/),
        expect.stringMatching(/^APP_SECRET_MULTI must be a single line, got \(value hidden\)/),
      ]),
    );
    expect(errors.join("\n")).not.toContain("secret");
    expect(appVariableNameProblem("DJANGO_CDKTF_X")).toMatch(/starts with DJANGO_CDKTF_/);
    expect(appVariableNameProblem("DJANGO_ADMIN_URL")).toBeUndefined();
  });
});
