import { errors, ok } from "../support/config";

describe("per-environment values in one process environment (CI)", () => {
  it("takes NAME__<ENV> for that environment only, before NAME", () => {
    const { config, warnings } = ok({
      env: {
        DATABASE_PASSWORD__PROD: "prod-password-from-ci",
        DATABASE_PASSWORD: "shared-password",
        APP_PORT__PROD: "9100",
      },
    });
    const [dev, prod] = config.stacks;
    expect(dev.secrets.databasePassword).toEqual({
      kind: "value",
      value: "shared-password",
      source: "environment",
    });
    expect(prod.secrets.databasePassword).toEqual({
      kind: "value",
      value: "prod-password-from-ci",
      source: "environment (DATABASE_PASSWORD__PROD)",
    });
    expect(prod.app.port).toBe(9100);
    expect(warnings).toEqual([]);
  });

  it("warns about a suffix that names no environment, or a global setting", () => {
    const { warnings } = ok({ env: { DATABASE_PASSWORD__STAGING: "x", TF_BACKEND__PROD: "s3" } });
    expect(warnings).toEqual([
      "DATABASE_PASSWORD__STAGING (in environment) names no environment in ENVIRONMENTS (dev,prod); it is ignored",
      "TF_BACKEND__PROD is ignored: TF_BACKEND applies to every environment; set TF_BACKEND instead",
    ]);
  });

  it("names the qualified variable in errors", () => {
    expect(errors({ env: { DATABASE_PORT__PROD: "x" } })).toEqual([
      'DATABASE_PORT must be a whole number from 1 to 65535, got "x" (set in environment (DATABASE_PORT__PROD) for environment "prod")',
    ]);
  });
});
