/**
 * Containers of others on an environment's networks: a proxy of your own joined to its frontend
 * network (PROXY=false) keeps the network from being removed, and `destroy` would fail after
 * Terraform's 30 s wait with "timeout while waiting for state to become 'removed'". They are
 * disconnected first, saying so: the app they reach is going away.
 */
import * as fs from "fs";
import * as path from "path";
import { execDocker, execDockerOk } from "../lib/docker";
import { stackDir } from "./synth";
import { dim, line } from "./ui";

/** Disconnects containers that no stack of `environment` made from the networks its stack declares. */
export function disconnectOthers(root: string, environment: string): void {
  const file = path.join(stackDir(root, environment, environment), "cdk.tf.json");
  if (!fs.existsSync(file)) return;
  const config = JSON.parse(fs.readFileSync(file, "utf8"));
  const networks = Object.values((config.resource?.docker_network ?? {}) as Record<string, { name?: string }>)
    .map((n) => n.name)
    .filter((n): n is string => typeof n === "string");
  const ours = [environment, `${environment}-app`];
  for (const network of networks) {
    let names: string[];
    try {
      names = execDocker(["network", "inspect", "-f", "{{range .Containers}}{{.Name}} {{end}}", network])
        .split(/\s+/)
        .filter((n) => n !== "");
    } catch {
      continue;
    }
    for (const name of names) {
      const stack = execDocker(["inspect", "-f", '{{index .Config.Labels "django-cdktf.stack"}}', name]);
      if (ours.includes(stack)) continue;
      line(
        dim(`  ${name} is not ${environment}'s: it leaves the network ${network}, which is being removed`),
      );
      execDockerOk(["network", "disconnect", "--force", network, name]);
    }
  }
}
