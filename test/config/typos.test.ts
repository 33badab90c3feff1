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

describe("names in the wrong case", () => {
  it("suggests the setting whose name matches but for the case, in files and the process environment", () => {
    const { warnings } = ok({
      dotenv: { name: ".env", vars: { debug: "true", Database_Name: "x" } },
      env: { ENVIRONMENTS: "dev", domain: "app.example.com", debug__dev: "1" },
    });
    expect(warnings).toEqual(
      expect.arrayContaining([
        "debug (in .env) is not a known setting (names are case-sensitive); did you mean DEBUG?",
        "Database_Name (in .env) is not a known setting (names are case-sensitive); did you mean DATABASE_NAME?",
        "domain (in environment) is not a known setting (names are case-sensitive); did you mean DOMAIN?",
        "debug__dev (in environment) is not a known setting (names are case-sensitive); did you mean DEBUG__DEV?",
      ]),
    );
  });

  it("leaves unrelated lower-case variables of the process environment alone", () => {
    expect(ok({ env: { home: "/root", path: "/bin", http_proxy: "http://p:3128" } }).warnings).toEqual([]);
  });
});
