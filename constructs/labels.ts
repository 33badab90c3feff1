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
  /** Digest of the settings the provider does not apply in place (healthcheck, tmpfs). */
  runtimeConfig: "django-cdktf.runtime-config",
  /** Changes when a secret the container reads changes, so that it restarts with the new value. */
  secretsRevision: "django-cdktf.secrets-revision",
  /** Changes when the database password changes, so that the password one-shot runs again. */
  passwordRevision: "django-cdktf.password-revision",
  /** The release an app container or one-shot belongs to (a digest of everything it runs). */
  release: "django-cdktf.release",
} as const;

export type Role =
  | "database"
  | "web"
  | "migrate"
  | "secrets"
  | "network"
  | "image"
  | "volume"
  | "proxy"
  | "route"
  | "media";
