import { overridesLine, parseOverrides } from "../../../scripts/cli/overrides";

describe("what the settings overlay overrode, as a release logs it", () => {
  const log = [
    "[2026-11-30 18:36:02 +0000] [1] [INFO] Starting gunicorn 27.0.1",
    "django-cdktf: the stack's settings override the project's SECRET_KEY, DEBUG, ALLOWED_HOSTS, DATABASES['default'] and add STATIC_ROOT, health-check middleware",
    "[2026-11-30 18:36:02 +0000] [1] [INFO] Listening at: http://0.0.0.0:8000 (1)",
  ].join("\n");

  it("reads the names from the log, and the deploy says them", () => {
    const parsed = parseOverrides(log);
    expect(parsed).toEqual({
      overridden: ["SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DATABASES['default']"],
      added: ["STATIC_ROOT", "health-check middleware"],
    });
    expect(overridesLine(parsed)).toBe(
      `the stack's settings override the project's committed SECRET_KEY, DEBUG, ALLOWED_HOSTS, DATABASES['default'] (see "Deploy your own Django project" in README.md)`,
    );
  });

  it("says nothing when nothing was overridden, or the app has no overlay (django-app, a project's own image)", () => {
    expect(
      parseOverrides("django-cdktf: the stack's settings override the project's nothing and add LOGGING"),
    ).toEqual({
      overridden: [],
      added: ["LOGGING"],
    });
    expect(
      overridesLine(parseOverrides("django-cdktf: the stack's settings override the project's nothing")),
    ).toBeUndefined();
    expect(parseOverrides("Starting gunicorn")).toBeUndefined();
    expect(overridesLine(undefined)).toBeUndefined();
  });
});
