/**
 * What the stack's settings overlay overrode in the project's committed settings, as the new
 * release logged it at start (constructs/project-image/django_cdktf/settings.py): a deploy says it,
 * so a project's DEBUG = True or committed SECRET_KEY never loses silently.
 */
import { containerLogs } from "./diagnose";

const LINE = /^django-cdktf: the stack's settings override the project's (.*?)(?: and add (.*))?$/m;

export interface Overrides {
  readonly overridden: readonly string[];
  readonly added: readonly string[];
}

/** The overrides a log holds, or undefined when the app did not report any (django-app, own images). */
export function parseOverrides(logs: string): Overrides | undefined {
  const m = LINE.exec(logs);
  if (!m) return undefined;
  const list = (text: string | undefined) =>
    (text ?? "")
      .split(", ")
      .map((s) => s.trim())
      .filter((s) => s !== "" && s !== "nothing");
  return { overridden: list(m[1]), added: list(m[2]) };
}

/** The overrides the release's app container (by name) logged at start. */
export function releaseOverrides(container: string | undefined): Overrides | undefined {
  return container ? parseOverrides(containerLogs(container, 1000)) : undefined;
}

/** One line for the deploy's output, or undefined when there is nothing to say. */
export function overridesLine(o: Overrides | undefined): string | undefined {
  if (!o || o.overridden.length === 0) return undefined;
  return `the stack's settings override the project's committed ${o.overridden.join(", ")} (see "Deploy your own Django project" in README.md)`;
}
