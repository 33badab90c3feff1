import { TerraformStack } from "cdktf";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { DOCKER_PROVIDER } from "./provider-version";

/**
 * The docker provider, at the version the stacks are tested with. The prebuilt bindings describe
 * 3.6.2; 4.5.0 accepts everything they write and fixes what the releases rely on (a stopped
 * container is kept by a plan instead of deleted, one-shot output without stream headers, a build
 * log file), so the requirement is raised to it. `host` is left unset: DOCKER_HOST (or the local
 * socket) is read at apply time and never written into the configuration.
 */
export function addDockerProvider(stack: TerraformStack): DockerProvider {
  const provider = new DockerProvider(stack, "docker", {});
  stack.addOverride("terraform.required_providers.docker.version", DOCKER_PROVIDER.version);
  return provider;
}
