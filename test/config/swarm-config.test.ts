import { errors, ok } from "../support/config";

const dev = (env: Record<string, string>) => ok({ env: { ENVIRONMENTS: "dev", ...env } });

describe("DEPLOY_TARGET", () => {
  it("is the engine unless set: no swarm settings, no warning", () => {
    const { config, warnings } = dev({});
    expect(config.stacks[0].swarm).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it("swarm: two app tasks, host-mode ports, the database on the labelled node, per environment", () => {
    const { config } = ok({
      env: { ENVIRONMENTS: "dev,prod", DEPLOY_TARGET__PROD: "swarm", APP_REPLICAS__PROD: "4" },
    });
    expect(config.stacks[0].swarm).toBeUndefined();
    expect(config.stacks[1].swarm).toEqual({
      replicas: 4,
      publishMode: "host",
      databaseLabel: "django-cdktf.database",
    });
    const swarm = dev({
      DEPLOY_TARGET: "swarm",
      SWARM_PUBLISH_MODE: "ingress",
      SWARM_DATABASE_LABEL: "db-node",
    });
    expect(swarm.config.stacks[0].swarm).toEqual({
      replicas: 2,
      publishMode: "ingress",
      databaseLabel: "db-node",
    });
  });

  it("fails when a value is not one it knows, naming the setting, the value and the fix", () => {
    expect(errors({ env: { ENVIRONMENTS: "dev", DEPLOY_TARGET: "kubernetes" } })).toEqual([
      'DEPLOY_TARGET must be engine or swarm, got "kubernetes" (set in environment for environment "dev")',
    ]);
    const bad = errors({
      env: {
        ENVIRONMENTS: "dev",
        DEPLOY_TARGET: "swarm",
        APP_REPLICAS: "0",
        SWARM_PUBLISH_MODE: "mesh",
        SWARM_DATABASE_LABEL: "no spaces allowed",
      },
    });
    expect(bad).toEqual([
      'APP_REPLICAS must be a whole number from 1 to 100, got "0" (set in environment for environment "dev")',
      'SWARM_PUBLISH_MODE must be host or ingress, got "mesh" (set in environment for environment "dev")',
      "SWARM_DATABASE_LABEL must be a node label key: letters, digits, '.', '_' and '-', at most 100 characters, got \"no spaces allowed\" (set in environment for environment \"dev\")",
    ]);
  });

  it("refuses what a swarm cannot do, with the fix", () => {
    const shared = errors({
      env: { ENVIRONMENTS: "dev", DEPLOY_TARGET: "swarm", ENTRY_POINT: "shared", DOMAIN: "app.example.com" },
    });
    expect(shared.join("\n")).toMatch(
      /ENTRY_POINT=shared is not supported with DEPLOY_TARGET=swarm .*set ENTRY_POINT=own/,
    );
    const media = errors({
      env: { ENVIRONMENTS: "dev", DEPLOY_TARGET: "swarm", DJANGO_MEDIA_URL: "/media/" },
    });
    expect(media.join("\n")).toMatch(
      /DJANGO_MEDIA_URL is not supported with DEPLOY_TARGET=swarm .*set DJANGO_MEDIA_URL=off.*got "\/media\/"/,
    );
  });

  it("warns where a setting means something else, or nothing, on the target", () => {
    expect(dev({ APP_REPLICAS: "3" }).warnings).toEqual([
      'APP_REPLICAS has no effect for environment "dev": it applies to DEPLOY_TARGET=swarm only',
    ]);
    expect(dev({ DEPLOY_TARGET: "swarm" }).warnings.join("\n")).toMatch(
      /APP_BIND_ADDRESS=127\.0\.0\.1 is not applied .*every interface of its node/,
    );
    expect(
      dev({
        DEPLOY_TARGET: "swarm",
        APP_BIND_ADDRESS: "0.0.0.0",
        DJANGO_ALLOWED_HOSTS: "localhost,x.example.com",
      }).warnings,
    ).toEqual([]);
  });

  it("knows its settings' names, so a typo is caught", () => {
    expect(dev({ SWARM_PUBLSH_MODE: "host" }).warnings.join("\n")).toMatch(
      /SWARM_PUBLSH_MODE.*SWARM_PUBLISH_MODE/,
    );
  });
});
