import { Token } from "cdktf";
import { SwarmSecrets, swarmSecretName } from "../../constructs";
import { PASSWORD, SECRET_KEY, bareStack } from "../support/constructs";
import { validationErrors } from "../support/stack";

describe("SwarmSecrets", () => {
  it("names each secret after its value's revision, within the swarm's 64 characters", () => {
    expect(swarmSecretName("django-dev", PASSWORD)).toBe("django-dev-database_password-bbbbbbbbbbbb");
    const long = swarmSecretName("p".repeat(30) + "-" + "e".repeat(20), PASSWORD);
    expect(long.length).toBeLessThanOrEqual(64);
    expect(long.endsWith("-bbbbbbbbbbbb")).toBe(true);
    expect(swarmSecretName("django-dev", { ...PASSWORD, revision: "d".repeat(32) })).not.toBe(
      swarmSecretName("django-dev", PASSWORD),
    );
  });

  it("refers to a secret by its name and the id Terraform reads from the file the deploy writes", () => {
    const secrets = new SwarmSecrets(bareStack(), "S", {
      namePrefix: "t",
      files: [SECRET_KEY, PASSWORD],
      idDir: "../../swarm-secrets",
    });
    // the id is a Terraform expression (checked in the services' synthesized JSON)
    expect(Token.isUnresolved(secrets.ref(PASSWORD, "database").secretId)).toBe(true);
    expect(secrets.ref(PASSWORD, "database")).toEqual({
      secretId: expect.any(String),
      secretName: "t-database_password-bbbbbbbbbbbb",
      fileName: "db/database_password",
      fileUid: "999",
      fileGid: "999",
      fileMode: 0o400,
    });
    expect(secrets.ref(SECRET_KEY, "app")).toMatchObject({
      fileName: "app/django_secret_key",
      fileUid: "10001",
    });
    expect(secrets.path(SECRET_KEY, "app")).toBe("/run/secrets/app/django_secret_key");
    expect(JSON.parse(secrets.manifest)).toEqual([
      {
        name: "t-django_secret_key-aaaaaaaaaaaa",
        source: SECRET_KEY.source,
        idFile: "../../swarm-secrets/t-django_secret_key-aaaaaaaaaaaa.id",
      },
      {
        name: "t-database_password-bbbbbbbbbbbb",
        source: PASSWORD.source,
        idFile: "../../swarm-secrets/t-database_password-bbbbbbbbbbbb.id",
      },
    ]);
    expect(() => secrets.ref({ ...PASSWORD, name: "other" }, "app")).toThrow(
      /S: other is not one of the files/,
    );
  });

  it("refuses a revision that is not a digest, naming the construct, the prop and the fix", () => {
    const stack = bareStack();
    new SwarmSecrets(stack, "S", {
      namePrefix: "t",
      files: [{ ...PASSWORD, revision: "secret!" }],
      idDir: "x",
    });
    expect(validationErrors(stack).join("\n")).toMatch(
      /t\/S: files\[0\]\.revision must be a hex digest of 12 or more characters, got "secret!"; derive it/,
    );
  });
});
