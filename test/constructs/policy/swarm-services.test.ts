/**
 * The policy rules over swarm services (DEPLOY_TARGET=swarm): for each rule, a compliant service
 * and a non-compliant one.
 */
import { Aspects, IAspect, Testing, TerraformStack } from "cdktf";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { Service, ServiceConfig } from "@cdktf/provider-docker/lib/service";
import { alwaysRestart, converge, runOnce, serviceLogDriver } from "../../../constructs";
import { AppNotRoot } from "../../../constructs/policy/app-not-root";
import { HealthcheckRequired } from "../../../constructs/policy/healthcheck-required";
import { LogLimitsRequired } from "../../../constructs/policy/log-limits-required";
import { NoPrivileged } from "../../../constructs/policy/no-privileged";
import { NoPublishedDbPort } from "../../../constructs/policy/no-published-db-port";
import { PinnedImages } from "../../../constructs/policy/pinned-images";
import { RestartPolicyRequired } from "../../../constructs/policy/restart-policy-required";
import { errorsOf, labels } from "../../support/policy";

type Spec = ServiceConfig["taskSpec"]["containerSpec"];

/** A service every rule accepts, with `change` applied. */
function findings(
  aspect: IAspect,
  change: {
    spec?: Partial<Spec>;
    task?: Partial<ServiceConfig["taskSpec"]>;
    service?: Partial<ServiceConfig>;
  } = {},
): string[] {
  const stack = new TerraformStack(Testing.app(), "t");
  new DockerProvider(stack, "docker", {});
  new Service(stack, "S", {
    name: "svc",
    labels: labels("web"),
    taskSpec: {
      containerSpec: {
        image: "t-web:src-0123456789ab",
        user: "10001:10001",
        healthcheck: { test: ["CMD", "true"], interval: "1s" },
        ...change.spec,
      },
      restartPolicy: alwaysRestart(),
      logDriver: serviceLogDriver(),
      ...change.task,
    },
    mode: { replicated: { replicas: 2 } },
    convergeConfig: converge(60),
    ...change.service,
  });
  Aspects.of(stack).add(aspect);
  return errorsOf(stack);
}

describe("policy rules over swarm services", () => {
  it("[pinned-images]: a service's image carries a version", () => {
    expect(findings(new PinnedImages())).toEqual([]);
    expect(findings(new PinnedImages(), { spec: { image: "postgres:latest" } })[0]).toMatch(
      /\[pinned-images\] t\/S: service image "postgres:latest" is not pinned/,
    );
  });

  it("[no-privileged]: no added ALL or SYS_ADMIN capability", () => {
    expect(findings(new NoPrivileged(), { spec: { capAdd: ["CAP_CHOWN"] } })).toEqual([]);
    expect(findings(new NoPrivileged(), { spec: { capAdd: ["CAP_SYS_ADMIN"] } })[0]).toMatch(
      /\[no-privileged\] t\/S adds capability SYS_ADMIN/,
    );
  });

  it("[no-published-db-port]: the database service publishes nothing", () => {
    expect(findings(new NoPublishedDbPort(), { service: { labels: labels("database") } })).toEqual([]);
    expect(
      findings(new NoPublishedDbPort(), {
        service: {
          labels: labels("database"),
          endpointSpec: { ports: [{ targetPort: 5432, publishedPort: 5432 }] },
        },
      })[0],
    ).toMatch(/\[no-published-db-port\] t\/S publishes the database on the swarm's nodes/);
  });

  it("[healthcheck-required]: a health check, and apply waits (converge_config; a global service is waited for by the deploy)", () => {
    expect(findings(new HealthcheckRequired())).toEqual([]);
    expect(
      findings(new HealthcheckRequired(), { service: { mode: { global: true }, convergeConfig: undefined } }),
    ).toEqual([]);
    expect(findings(new HealthcheckRequired(), { spec: { healthcheck: undefined } })[0]).toMatch(
      /\[healthcheck-required\] t\/S has no healthcheck/,
    );
    expect(findings(new HealthcheckRequired(), { service: { convergeConfig: undefined } })[0]).toMatch(
      /\[healthcheck-required\] t\/S has a healthcheck but apply does not wait for it; set converge_config/,
    );
    // a one-shot service (the database roles) needs neither
    expect(
      findings(new HealthcheckRequired(), {
        spec: { healthcheck: undefined },
        service: { labels: labels("secrets"), convergeConfig: undefined },
      }),
    ).toEqual([]);
  });

  it("[restart-policy-required]: long-running services restart; one-shots run once", () => {
    expect(findings(new RestartPolicyRequired())).toEqual([]);
    expect(
      findings(new RestartPolicyRequired(), {
        task: { restartPolicy: runOnce() },
        service: { labels: labels("secrets") },
      }),
    ).toEqual([]);
    expect(findings(new RestartPolicyRequired(), { task: { restartPolicy: runOnce() } })[0]).toMatch(
      /\[restart-policy-required\] t\/S has restart condition "none"; set task_spec.restart_policy condition = "any"/,
    );
  });

  it("[log-limits-required]: every service rotates its logs on the node", () => {
    expect(findings(new LogLimitsRequired())).toEqual([]);
    expect(findings(new LogLimitsRequired(), { task: { logDriver: { name: "syslog" } } })).toEqual([]);
    expect(findings(new LogLimitsRequired(), { task: { logDriver: undefined } })[0]).toMatch(
      /\[log-limits-required\] t\/S has no log rotation/,
    );
  });

  it("[app-not-root]: the app's service runs as a non-root user", () => {
    expect(findings(new AppNotRoot())).toEqual([]);
    expect(findings(new AppNotRoot(), { spec: { user: "0:0" } })[0]).toMatch(
      /\[app-not-root\] t\/S runs as root \(user "0:0"\)/,
    );
    expect(findings(new AppNotRoot(), { spec: { user: undefined } })[0]).toMatch(
      /\[app-not-root\] t\/S sets no user/,
    );
  });
});
