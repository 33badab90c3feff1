import { databaseRolesScript } from "../../constructs";
import { bareStack, basics } from "../support/constructs";
import { resource, synthJson } from "../support/stack";

describe("databaseRolesScript", () => {
  const props = {
    socketDir: "/var/run/postgresql",
    port: 5432,
    databaseName: "django",
    username: "django",
    passwordFile: "/run/secrets/db/database_password",
  };

  it("is the engine's roles one-shot, word for word (both targets run the same script)", () => {
    const stack = bareStack();
    basics(stack);
    const sync = resource(synthJson(stack), "docker_container", "Database/PasswordSync");
    expect(sync.command).toEqual([databaseRolesScript(props)]);
  });

  it("reads the passwords from files with psql itself, never on a command line, and stops on the first error", () => {
    const script = databaseRolesScript({
      ...props,
      app: { username: "django_app", passwordFile: "/run/secrets/db/database_app_password" },
    });
    expect(script.startsWith("set -eu\n")).toBe(true);
    expect(script).toContain("\\set owner_pw `cat /run/secrets/db/database_password`");
    expect(script).toContain("\\set app_pw `cat /run/secrets/db/database_app_password`");
    expect(script).toContain("-v ON_ERROR_STOP=1");
    expect(databaseRolesScript(props)).not.toContain("app_pw");
  });
});
