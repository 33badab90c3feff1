import { AnnotationMetadataEntryType, Aspects, IAspect, Testing, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { Container, ContainerConfig } from "@cdktf/provider-docker/lib/container";
import { Image } from "@cdktf/provider-docker/lib/image";
import { AppNotRoot } from "../constructs/aspects/app-not-root";
import { HealthcheckRequired } from "../constructs/aspects/healthcheck-required";
import { LogLimitsRequired } from "../constructs/aspects/log-limits-required";
import { NoPrivileged } from "../constructs/aspects/no-privileged";
import { NoPublishedDbPort } from "../constructs/aspects/no-published-db-port";
import { PinnedImages } from "../constructs/aspects/pinned-images";
import { RestartPolicyRequired } from "../constructs/aspects/restart-policy-required";
import { labelsFor, rotatedLogs } from "../constructs/common";
import { makeStack } from "./helpers";

/** A long-running container that every rule accepts. */
const GOOD: ContainerConfig = {
  name: "svc",
  image: "postgres:17",
  user: "10001:10001",
  restart: "unless-stopped",
  healthcheck: { test: ["CMD", "true"], interval: "5s" },
  wait: true,
  ...rotatedLogs(),
  labels: labelsFor("t", "web"),
};

/** Error annotations after synth: what `cdktf synth` prints and fails on. */
function errorsOf(stack: TerraformStack): string[] {
  Testing.synth(stack);
  return stack.node
    .findAll()
    .flatMap((c) => c.node.metadata)
    .filter((m) => m.type === AnnotationMetadataEntryType.ERROR)
    .map((m) => String(m.data));
}

/** Synthesizes one container under one rule; returns the rule's findings. */
function findings(aspect: IAspect, config: Partial<ContainerConfig>, extra?: (scope: Construct) => void): string[] {
  const app = Testing.app();
  const stack = new TerraformStack(app, "t");
  new DockerProvider(stack, "docker", {});
  new Container(stack, "C", { ...GOOD, ...config } as ContainerConfig);
  extra?.(stack);
  Aspects.of(stack).add(aspect);
  return errorsOf(stack);
}

describe("policy rules: each with a compliant and a non-compliant stack", () => {
  it("pinned-images", () => {
    expect(findings(new PinnedImages(), {})).toEqual([]);
    expect(findings(new PinnedImages(), { image: "postgres" })[0]).toMatch(/\[pinned-images\] t\/C: container image "postgres" is not pinned/);
    expect(findings(new PinnedImages(), { image: "postgres:latest" })).toHaveLength(1);
    const built = (image: string) => (s: Construct) =>
      new Image(s, "I", { name: "app:v1", buildAttribute: { context: ".", buildArgs: { PYTHON_IMAGE: image } } });
    expect(findings(new PinnedImages(), {}, built("python:3.13-slim"))).toEqual([]);
    expect(findings(new PinnedImages(), {}, built("python"))[0]).toMatch(/build argument PYTHON_IMAGE "python" is not pinned/);
  });

  it("no-privileged", () => {
    expect(findings(new NoPrivileged(), { capabilities: { drop: ["ALL"], add: ["CAP_CHOWN"] } })).toEqual([]);
    expect(findings(new NoPrivileged(), { privileged: true })[0]).toMatch(/\[no-privileged\] t\/C is privileged/);
    expect(findings(new NoPrivileged(), { capabilities: { add: ["SYS_ADMIN"] } })[0]).toMatch(/adds capability SYS_ADMIN/);
    expect(findings(new NoPrivileged(), { networkMode: "host" })[0]).toMatch(/network_mode = "host"/);
  });

  it("no-published-db-port", () => {
    const db = { labels: labelsFor("t", "database", true) };
    expect(findings(new NoPublishedDbPort(), db)).toEqual([]);
    expect(findings(new NoPublishedDbPort(), { ports: [{ internal: 8000, external: 8000 }] })).toEqual([]);
    expect(findings(new NoPublishedDbPort(), { ...db, ports: [{ internal: 5432, external: 5432 }] })[0]).toMatch(
      /\[no-published-db-port\] t\/C publishes the database on the host/,
    );
  });

  it("healthcheck-required", () => {
    expect(findings(new HealthcheckRequired(), {})).toEqual([]);
    expect(findings(new HealthcheckRequired(), { healthcheck: undefined, mustRun: false })).toEqual([]);
    expect(findings(new HealthcheckRequired(), { healthcheck: undefined })[0]).toMatch(/\[healthcheck-required\] t\/C has no healthcheck/);
    expect(findings(new HealthcheckRequired(), { wait: false })[0]).toMatch(/apply does not wait for it/);
  });

  it("restart-policy-required", () => {
    expect(findings(new RestartPolicyRequired(), {})).toEqual([]);
    expect(findings(new RestartPolicyRequired(), { restart: undefined, mustRun: false })).toEqual([]);
    expect(findings(new RestartPolicyRequired(), { restart: "no" })[0]).toMatch(/\[restart-policy-required\] t\/C has restart policy "no"/);
  });

  it("log-limits-required", () => {
    expect(findings(new LogLimitsRequired(), {})).toEqual([]);
    expect(findings(new LogLimitsRequired(), { logDriver: "syslog", logOpts: undefined })).toEqual([]);
    expect(findings(new LogLimitsRequired(), { logDriver: undefined, logOpts: undefined })[0]).toMatch(
      /\[log-limits-required\] t\/C has no log rotation/,
    );
  });

  it("app-not-root", () => {
    expect(findings(new AppNotRoot(), {})).toEqual([]);
    expect(findings(new AppNotRoot(), { user: "0:0", labels: labelsFor("t", "secrets") })).toEqual([]);
    expect(findings(new AppNotRoot(), { user: "root" })[0]).toMatch(/\[app-not-root\] t\/C runs as root/);
    expect(findings(new AppNotRoot(), { user: undefined })[0]).toMatch(/sets no user/);
  });
});

describe("the whole stack", () => {
  it("passes every rule as built", () => {
    expect(errorsOf(makeStack())).toEqual([]);
  });

  it("reports a rule broken through an escape hatch, at synth, with the rule id", () => {
    const stack = makeStack();
    stack.service.web.restart = "no";
    stack.service.web.user = "0";
    expect(errorsOf(stack)).toEqual([
      '[restart-policy-required] dev/App/Web has restart policy "no"; set restart = "unless-stopped"',
      '[app-not-root] dev/App/Web runs as root (user "0"); run it as a non-root uid:gid',
    ]);
  });
});
