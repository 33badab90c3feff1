import { ok } from "../support/config";

describe("warnings", () => {
  it("suggests the intended name for a misspelled DJANGO_* or DATABASE_* variable", () => {
    const { warnings } = ok({
      dotenv: { name: ".env", vars: { DATABSE_NAME: "x", DJANGO_ALLOWED_HOST: "a" } },
      env: { DJANGO_SETTINGS_MODULE: "config.settings", HOME: "/root" },
    });
    expect(warnings).toEqual([
      "DATABSE_NAME (in .env) is not a known setting; did you mean DATABASE_NAME?",
      "DJANGO_ALLOWED_HOST (in .env) is not a known setting; did you mean DJANGO_ALLOWED_HOSTS?",
    ]);
  });

  it("points compose's POSTGRES_* names at the ones this stack reads", () => {
    const { warnings } = ok({ dotenv: { name: ".env", vars: { POSTGRES_PASSWORD: "x" } } });
    expect(warnings).toEqual([
      "POSTGRES_PASSWORD (in .env) is not read by this stack; set DATABASE_PASSWORD instead",
    ]);
  });

  it("says when a global setting sits in an environment file, where it has no effect", () => {
    const { warnings } = ok({
      environmentFiles: { prod: { name: ".env.prod", vars: { TF_BACKEND: "local" } } },
    });
    expect(warnings).toContain(
      "TF_BACKEND in .env.prod is ignored: it applies to every environment, so set it in .env or the process environment",
    );
  });
});
