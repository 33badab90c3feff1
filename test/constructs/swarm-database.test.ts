import { SwarmDatabase, databaseRolesScript } from "../../constructs";
import { PASSWORD, bareStack } from "../support/constructs";
import { resource, synthJson, validationErrors } from "../support/stack";
import { swarmBasics } from "../support/swarm";

describe("SwarmDatabase", () => {
  const stack = bareStack();
  const { database } = swarmBasics(stack);
  const json = synthJson(stack, true);
  const svc = resource(json, "docker_service", "Database/Service");
  const roles = resource(json, "docker_service", "Database/Roles");

  it("is one replica on the labelled node, on its named volume, updated stop-first", () => {
    expect(svc.mode).toEqual({ replicated: { replicas: 1 } });
    expect(svc.task_spec.placement.constraints).toEqual(["node.labels.django-cdktf.database==true"]);
    expect(svc.task_spec.container_spec.mounts).toContainEqual({
      target: "/var/lib/postgresql/data",
      type: "volume",
      source: "t-db-data",
      read_only: false,
    });
    expect(svc.update_config).toMatchObject({ order: "stop-first", failure_action: "rollback" });
    expect(svc.rollback_config).toMatchObject({ order: "stop-first" });
    expect(svc.converge_config).toEqual({ delay: "1s", timeout: "5m" });
  });

  it("is reachable on the internal network only, by its alias, through DNS (no virtual IP: no IPVS needed)", () => {
    expect(svc.task_spec.networks_advanced).toEqual([
      { id: "${docker_network.Network_Backend_05D38468.id}", aliases: ["db"] },
    ]);
    expect(svc.endpoint_spec).toEqual({ mode: "dnsrr" });
    expect(database.connection).toMatchObject({ host: "db", port: 5432, username: "django" });
  });

  it("keeps the engine's hardening, health check and clean shutdown", () => {
    const c = svc.task_spec.container_spec;
    expect(c).toMatchObject({
      read_only: true,
      cap_drop: ["ALL"],
      cap_add: ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_SETGID", "CAP_SETUID"],
      stop_signal: "SIGINT",
      stop_grace_period: "1m",
      env: {
        POSTGRES_USER: "django_cdktf_admin",
        POSTGRES_DB: "django",
        POSTGRES_PASSWORD_FILE: "/run/secrets/db/database_password",
      },
    });
    expect(c.healthcheck.test).toEqual([
      "CMD",
      "pg_isready",
      "-h",
      "127.0.0.1",
      "-p",
      "5432",
      "-U",
      "django",
      "-d",
      "django",
    ]);
    expect(svc.task_spec.restart_policy.condition).toBe("any");
    expect(svc.task_spec.resources.limits).toEqual({ memory_bytes: 536870912, nano_cpus: 1000000000 });
    // a new password is a new secret: it must not restart the server
    expect(svc.lifecycle.ignore_changes).toEqual(["task_spec[0].container_spec[0].secrets"]);
  });

  it("sets the roles once per spec, on the same node, over the socket, with the engine's script", () => {
    expect(roles).toMatchObject({
      name: "t-db-roles",
      depends_on: ["docker_service.Database_Service_2F1370F2"],
    });
    expect(roles.task_spec.restart_policy.condition).toBe("none");
    expect(roles.converge_config).toBeUndefined();
    expect(roles.task_spec.placement.constraints).toEqual(svc.task_spec.placement.constraints);
    const c = roles.task_spec.container_spec;
    expect(c.user).toBe("999:999");
    expect(c.secrets.map((s: { file_name: string }) => s.file_name)).toEqual([
      "db/database_password",
      "db/database_app_password",
    ]);
    expect(c.command[2]).toContain(
      databaseRolesScript({
        socketDir: "/var/run/postgresql",
        port: 5432,
        databaseName: "django",
        username: "django",
        passwordFile: "/run/secrets/db/database_password",
        app: { username: "django_app", passwordFile: "/run/secrets/db/database_app_password" },
      }),
    );
    expect(c.command[2]).toMatch(/^n=0; until pg_isready/);
  });

  it("refuses a bad node label and a password the secrets do not hold", () => {
    const s = bareStack();
    const { network, secrets } = swarmBasics(s);
    new SwarmDatabase(s, "Other", {
      name: "t-db2",
      network: network.backend,
      secrets,
      password: PASSWORD,
      nodeLabel: "bad label",
    });
    expect(validationErrors(s).join("\n")).toMatch(
      /t\/Other: nodeLabel must be a node label key, got "bad label"; e\.g\. django-cdktf\.database/,
    );
    expect(
      () =>
        new SwarmDatabase(s, "Third", {
          name: "t-db3",
          network: network.backend,
          secrets,
          password: { ...PASSWORD, name: "nope" },
        }),
    ).toThrow(/t\/SwarmSecrets: nope is not one of the files/);
  });
});
