/**
 * After a deploy failed or was interrupted, puts the state back to the release that is still
 * serving. Pure: a Terraform state (format version 4) in, the state to push and the containers to
 * remove out.
 *
 * A release creates its objects before destroying their predecessors (`create_before_destroy`).
 * When it stops half-way, Terraform keeps the predecessor as a *deposed* object and the new one, if
 * it exists, as current (tainted when its health wait failed). The serving release is the deposed
 * one: it becomes current again, and the new object is forgotten and its container removed. A
 * one-shot that ran and failed is forgotten too, so the next deploy runs it again instead of
 * stopping on its old exit code.
 */

export interface StateInstance {
  readonly index_key?: string | number;
  readonly status?: string;
  readonly deposed?: string;
  readonly attributes?: Record<string, unknown>;
  readonly [key: string]: unknown;
}

export interface StateResource {
  readonly mode: string;
  readonly type: string;
  readonly name: string;
  readonly instances: readonly StateInstance[];
  readonly [key: string]: unknown;
}

export interface StateJson {
  readonly version: number;
  readonly serial: number;
  readonly resources?: readonly StateResource[];
  readonly [key: string]: unknown;
}

export interface RemovedContainer {
  readonly id: string;
  readonly name: string;
  readonly address: string;
}

export interface Recovery {
  /** The state to push, or undefined when nothing needed recovering. */
  readonly state?: StateJson;
  readonly removeContainers: readonly RemovedContainer[];
  /** What was done, one line each, for the user. */
  readonly notes: readonly string[];
}

function containerOf(address: string, instance: StateInstance): RemovedContainer | undefined {
  const id = instance.attributes?.id;
  const name = instance.attributes?.name;
  return typeof id === "string" && id !== ""
    ? { id, name: typeof name === "string" ? name : id, address }
    : undefined;
}

function failedOneShot(type: string, instance: StateInstance): boolean {
  if (type !== "docker_container") return false;
  const a = instance.attributes ?? {};
  return a.must_run === false && typeof a.exit_code === "number" && a.exit_code !== 0;
}

export function recoverState(state: StateJson): Recovery {
  if (state.version !== 4)
    throw new Error(`state format version ${state.version} is not supported (expected 4)`);
  const removeContainers: RemovedContainer[] = [];
  const notes: string[] = [];
  let changed = false;
  const resources = (state.resources ?? []).map((resource) => {
    if (resource.mode !== "managed") return resource;
    const address = `${resource.type}.${resource.name}`;
    const groups = new Map<string, StateInstance[]>();
    for (const instance of resource.instances) {
      const key = JSON.stringify(instance.index_key ?? null);
      groups.set(key, [...(groups.get(key) ?? []), instance]);
    }
    const kept: StateInstance[] = [];
    for (const instances of groups.values()) {
      const current = instances.find((i) => i.deposed === undefined);
      const deposed = instances.filter((i) => i.deposed !== undefined);
      const restore = deposed.find((i) => i.status !== "tainted") ?? deposed[0];
      if (restore) {
        changed = true;
        if (current) {
          const c = resource.type === "docker_container" ? containerOf(address, current) : undefined;
          if (c) removeContainers.push(c);
          notes.push(
            `${address}: forgot the new object of the failed release${c ? ` and removed container ${c.name}` : ""}`,
          );
        }
        const { deposed: _key, ...restored } = restore;
        notes.push(`${address}: the previous release's object is current again`);
        kept.push(restored, ...deposed.filter((i) => i !== restore));
      } else if (current && (current.status === "tainted" || failedOneShot(resource.type, current))) {
        changed = true;
        const c = resource.type === "docker_container" ? containerOf(address, current) : undefined;
        if (c) removeContainers.push(c);
        notes.push(
          `${address}: forgot the ${current.status === "tainted" ? "failed" : "failed one-shot"} object${c ? ` and removed container ${c.name}` : ""}, so the next deploy creates it again`,
        );
      } else if (current) {
        kept.push(current);
      }
    }
    return { ...resource, instances: kept };
  });
  if (!changed) return { removeContainers: [], notes: [] };
  return {
    state: { ...state, serial: state.serial + 1, resources: resources.filter((r) => r.instances.length > 0) },
    removeContainers,
    notes,
  };
}

/** The ids of the containers a state records, current and deposed objects alike. */
export function recordedContainerIds(state: StateJson | undefined): Set<string> {
  const ids = new Set<string>();
  for (const resource of state?.resources ?? []) {
    if (resource.mode !== "managed" || resource.type !== "docker_container") continue;
    for (const instance of resource.instances) {
      const id = instance.attributes?.id;
      if (typeof id === "string" && id !== "") ids.add(id);
    }
  }
  return ids;
}
