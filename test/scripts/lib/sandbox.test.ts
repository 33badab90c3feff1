import { withoutProjectSettings } from "../../../scripts/lib/sandbox";

describe("withoutProjectSettings: what a throwaway copy of the project sees of this machine", () => {
  it("drops the project's settings, their per-environment forms and a CI runner's markers", () => {
    const env = withoutProjectSettings({
      PATH: "/usr/bin",
      HOME: "/root",
      DJANGO_SECRET_KEY: "from-this-machine",
      DATABASE_NAME__STAGING: "other",
      SECRETS_HASH_KEY: "x".repeat(64),
      CI: "true",
      GITHUB_ACTIONS: "true",
      GITHUB_OUTPUT: "/tmp/out",
      RUNNER_TEMP: "/tmp/runner",
      CONTINUOUS_INTEGRATION: "1",
    });
    // a copy behaves as on a workstation: it makes its own secrets' key, whatever runs the suite
    expect(env).toEqual({ PATH: "/usr/bin", HOME: "/root" });
  });

  it("keeps names that only resemble a marker", () => {
    expect(withoutProjectSettings({ CIRCLE: "1", MY_CI: "1", GITHUBX: "1" })).toEqual({
      CIRCLE: "1",
      MY_CI: "1",
      GITHUBX: "1",
    });
  });
});
