/**
 * Docker labels the stack puts on what it creates. Tools read them back: the pull-request plan
 * summary finds stateful resources by `stateful`, and `docker ps --filter label=...` finds a stack.
 */
export const LabelKeys = {
  /** The stack (environment) that owns the object, e.g. "dev". */
  stack: "django-cdktf.stack",
  /** What the object is for: one of the values of `Role`. */
  role: "django-cdktf.role",
  /** "true" on objects whose replacement or removal can lose data or cause downtime of the database. */
  stateful: "django-cdktf.stateful",
} as const;

export type Role = "database" | "web" | "migrate" | "secrets" | "network" | "image" | "volume";
