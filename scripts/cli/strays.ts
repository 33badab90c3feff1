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
  const unrecorded = rows
    .map((r) => r.split("\t"))
    .filter(([id, name, task]) => !task && !recorded.has(id) && name.startsWith(`${prefix}-`));
  if (unrecorded.length === 0) return [];
  // one inspect for all of them; a second of slack for the clocks of the engine and this machine
  let createdSince: Set<string>;
  try {
    createdSince = new Set(
      execDocker(["inspect", "-f", "{{.Id}} {{.Created}}", ...unrecorded.map(([id]) => id)])
        .split("\n")
        .map((l) => l.trim().split(" "))
        .filter(([, created]) => Date.parse(created) >= since - 1000)
        .map(([id]) => id),
    );
  } catch {
    return []; // one vanished meanwhile: leave the rest for the next failure's sweep
  }
  const stray = unrecorded.filter(([id]) => createdSince.has(id));
  if (stray.length === 0 || !execDockerOk(["rm", "-f", ...stray.map(([id]) => id)])) return [];
  return stray.map(([, name]) => name);
}
