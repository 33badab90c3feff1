import { Secrets } from "../../constructs";
import { PASSWORD, SECRET_KEY, bareStack } from "../support/constructs";
import { resource, synthJson, validationErrors } from "../support/stack";

describe("Secrets", () => {
  const make = (props: Partial<ConstructorParameters<typeof Secrets>[2]> = {}) => {
    const stack = bareStack();
    const secrets = new Secrets(stack, "Secrets", {
      name: "t-secrets",
      toolImage: "postgres:17",
      appFiles: [SECRET_KEY, PASSWORD],
      databaseFiles: [PASSWORD],
      ...props,
    });
    return { stack, secrets };
  };

  it("uploads each file by path and revision, never by value, from a network-less one-shot", () => {
    const { stack } = make();
    const writer = resource(synthJson(stack), "docker_container", "Secrets/Writer");
    expect(writer).toMatchObject({
      name: "t-secrets",
      network_mode: "none",
      must_run: false,
      attach: true,
      user: "0:0",
    });
    expect(writer.upload).toEqual([
      {
        file: "/run/secrets/app/django_secret_key",
        source: SECRET_KEY.source,
        source_hash: SECRET_KEY.revision,
        permissions: "0400",
      },
      {
        file: "/run/secrets/app/database_password",
        source: PASSWORD.source,
        source_hash: PASSWORD.revision,
        permissions: "0400",
      },
      {
        file: "/run/secrets/db/database_password",
        source: PASSWORD.source,
        source_hash: PASSWORD.revision,
        permissions: "0400",
      },
    ]);
    expect(JSON.stringify(writer)).not.toMatch(/"content/);
    // each reader owns its directory: the app cannot read the database's files and the reverse
    expect(writer.command[0]).toContain(
      "chown -R 10001:10001 /run/secrets/app && chmod 0700 /run/secrets/app",
    );
    expect(writer.command[0]).toContain("chown -R 999:999 /run/secrets/db && chmod 0700 /run/secrets/db");
  });

  it("exposes the paths and revisions consumers wire to", () => {
    const { secrets } = make();
    expect(secrets.appPath(SECRET_KEY)).toBe("/run/secrets/app/django_secret_key");
    expect(secrets.databasePath(PASSWORD)).toBe("/run/secrets/db/database_password");
    expect(secrets.appRevision).toBe("aaaaaaaaaaaa-bbbbbbbbbbbb");
    expect(secrets.databaseRevision).toBe("bbbbbbbbbbbb");
    expect(secrets.hasAppFile({ ...PASSWORD })).toBe(true);
    expect(secrets.hasDatabaseFile(SECRET_KEY)).toBe(false);
  });

  it("fails on a file given twice, a path as a name, a revision that is no digest and an unpinned tool image", () => {
    const { stack } = make({
      toolImage: "postgres",
      appFiles: [SECRET_KEY, SECRET_KEY, { name: "../etc/passwd", source: "x", revision: "not-hex" }],
    });
    const errors = validationErrors(stack).join("\n");
    expect(errors).toMatch(
      /t\/Secrets: toolImage must carry a tag other than latest, or a digest, got "postgres"/,
    );
    expect(errors).toMatch(
      /appFiles\[1\]\.name is given twice, got "django_secret_key"; give each secret file its own name/,
    );
    expect(errors).toMatch(/appFiles\[2\]\.name must be a plain file name, got "..\/etc\/passwd"/);
    expect(errors).toMatch(/appFiles\[2\]\.revision must be a hex digest/);
  });
});
