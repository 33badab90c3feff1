import { Container } from "@cdktf/provider-docker/lib/container";
import {
  dropPrivileges,
  labelsFor,
  memoryLimits,
  oneShot,
  succeeded,
  withRuntimeConfigLabel,
} from "../../constructs";
import { canonicalCpus } from "../../constructs/container-options";
import { bareStack } from "../support/constructs";
import { synthJson } from "../support/stack";

describe("container options", () => {
  it("runs a one-shot so apply waits for it and keeps its output, and later plans leave it alone", () => {
    expect(oneShot()).toMatchObject({ mustRun: false, attach: true, logs: true, rm: false });
  });

  it("drops every capability unless some are added back, and forbids privilege gain", () => {
    expect(dropPrivileges()).toEqual({
      capabilities: { drop: ["ALL"] },
      securityOpts: ["no-new-privileges:true"],
    });
    expect(dropPrivileges("CAP_CHOWN").capabilities).toEqual({ drop: ["ALL"], add: ["CAP_CHOWN"] });
  });

  it("labels an object with its stack's id and role", () => {
    const stack = bareStack();
    expect(labelsFor(stack, "database", true, { x: "y" })).toEqual([
      { label: "django-cdktf.stack", value: "t" },
      { label: "django-cdktf.role", value: "database" },
      { label: "django-cdktf.stateful", value: "true" },
      { label: "x", value: "y" },
    ]);
  });

  it("sets swap equal to memory (no swap, and no perpetual diff)", () => {
    expect(memoryLimits(256)).toEqual({ memory: 256, memorySwap: 256 });
  });

  it("gates on a one-shot's exit code and carries its output in the message", () => {
    const stack = bareStack();
    const job = new Container(stack, "Job", { name: "job", image: "x:1" });
    new Container(stack, "Next", {
      name: "next",
      image: "x:1",
      lifecycle: { precondition: [succeeded(job, "The job")] },
    });
    const [gate] = synthJson(stack).resource.docker_container.Next.lifecycle.precondition;
    expect(gate.condition).toBe("${docker_container.Job.exit_code == 0}");
    expect(gate.error_message).toContain("The job failed in container ${docker_container.Job.name}");
    expect(gate.error_message).toContain('${coalesce(docker_container.Job.container_logs, "(no output)")}');
  });

  it("labels a container with a digest of its healthcheck and tmpfs, so a change to them replaces it", () => {
    const a = withRuntimeConfigLabel({
      name: "a",
      image: "x:1",
      healthcheck: { test: ["CMD", "true"], interval: "5s" },
    });
    const b = withRuntimeConfigLabel({
      name: "a",
      image: "x:1",
      healthcheck: { test: ["CMD", "true"], interval: "2s" },
    });
    const label = (c: typeof a) =>
      (c.labels as { label: string; value: string }[]).find((l) => l.label === "django-cdktf.runtime-config")
        ?.value;
    expect(label(a)).toMatch(/^[0-9a-f]{12}$/);
    expect(label(a)).not.toBe(label(b));
  });
});

describe("CPU limits", () => {
  it.each([
    [1, "1.0"],
    [2, "2.0"],
    [0.5, "0.5"],
    [1.25, "1.25"],
    [10, "10."],
  ])("writes %s CPUs as the provider reads them back (%s), so plans stay clean", (cpus, text) => {
    expect(canonicalCpus(cpus)).toBe(text);
  });
});
