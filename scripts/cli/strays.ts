/**
 * Containers an interrupted apply left behind: Terraform cancels the provider while Docker may
 * still be creating a container, which then exists without being in the state.
 */
import { execDocker, execDockerOk } from "../lib/docker";

/**
 * Removes the containers labelled with `stack`, named `<prefix>-...`, created at or after `since`
 * and not in `recorded`; a Swarm task's container (its service's own) is never touched. Returns
 * their names.
 */
export function removeUnrecordedContainers(
  stack: string,
  prefix: string,
  recorded: ReadonlySet<string>,
  since: number,
): string[] {
  let rows: string[];
  try {
    rows = execDocker([
      "ps",
      "-a",
      "--no-trunc",
      "--filter",
      `label=django-cdktf.stack=${stack}`,
      "--format",
      '{{.ID}}\t{{.Names}}\t{{.Label "com.docker.swarm.task.id"}}',
    ])
      .split("\n")
      .filter((r) => r !== "");
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const [id, name, task] of rows.map((r) => r.split("\t"))) {
    if (task || recorded.has(id) || !name.startsWith(`${prefix}-`)) continue;
    let created: number;
    try {
      created = Date.parse(execDocker(["inspect", "-f", "{{.Created}}", id]).trim());
    } catch {
      continue;
    }
    // a second of slack for the clocks of the engine and this machine
    if (!(created >= since - 1000)) continue;
    if (execDockerOk(["rm", "-f", id])) removed.push(name);
  }
  return removed;
}
