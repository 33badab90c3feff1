/** Helpers for the policy rule tests: one container under one rule, and the findings it gets. */
import { AnnotationMetadataEntryType, Aspects, IAspect, Testing, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { Container, ContainerConfig } from "@cdktf/provider-docker/lib/container";
import { rotatedLogs } from "../../constructs/container-options";
import { LabelKeys } from "../../constructs/labels";

/** Labels as the library writes them, for a stack named "t". */
export function labels(role: string, stateful = false) {
  return [
    { label: LabelKeys.stack, value: "t" },
    { label: LabelKeys.role, value: role },
    ...(stateful ? [{ label: LabelKeys.stateful, value: "true" }] : []),
  ];
}

/** A long-running container that every rule accepts. */
export const GOOD: ContainerConfig = {
  name: "svc",
  image: "postgres:17",
  user: "10001:10001",
  restart: "unless-stopped",
  healthcheck: { test: ["CMD", "true"], interval: "5s" },
  wait: true,
  ...rotatedLogs(),
  labels: labels("web"),
};

/** Error annotations after synth: what `cdktf synth` prints and fails on. */
export function errorsOf(stack: TerraformStack): string[] {
  Testing.synth(stack);
  return stack.node
    .findAll()
    .flatMap((c) => c.node.metadata)
    .filter((m) => m.type === AnnotationMetadataEntryType.ERROR)
    .map((m) => String(m.data));
}

/** Synthesizes one container under one rule; returns the rule's findings. */
export function findings(
  aspect: IAspect,
  config: Partial<ContainerConfig>,
  extra?: (scope: Construct) => void,
): string[] {
  const app = Testing.app();
  const stack = new TerraformStack(app, "t");
  new DockerProvider(stack, "docker", {});
  new Container(stack, "C", { ...GOOD, ...config } as ContainerConfig);
  extra?.(stack);
  Aspects.of(stack).add(aspect);
  return errorsOf(stack);
}
