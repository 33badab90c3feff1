import { Construct } from "constructs";
import { Fn, ITerraformDependable, TerraformLocal } from "cdktf";
import { Container, ContainerConfig } from "@cdktf/provider-docker/lib/container";
import { CaddySite } from "./caddyfile";
import { ProxyRef } from "./caddy-proxy";
import {
  cpusProblem,
  dropPrivileges,
  limitCpus,
  labelsFor,
  memoryLimits,
  oneShot,
  rotatedLogs,
  withRuntimeConfigLabel,
} from "./container-options";
import { DjangoEnv, DjangoImageContract, SecretsMount, fileVariant } from "./contracts";
import { DjangoImage } from "./django-image";
import { LabelKeys } from "./labels";
import { DatabaseConnection } from "./postgres-database";
import { ProxyRoute } from "./proxy-route";
import { SecretFile, SecretsRef } from "./secrets";
import { dockerNameProblem, validateProps, wholeNumberProblem } from "./validation";

/** Django settings passed to the containers (the seed's `.env` vocabulary). */
export interface DjangoSettings {
  /** @default false */
  readonly debug?: boolean;
  /** One of DEBUG, INFO, WARNING, ERROR, CRITICAL. @default "INFO" */
  readonly logLevel?: string;
  /** @default ["localhost", "127.0.0.1"] */
  readonly allowedHosts?: readonly string[];
  /** @default [] */
  readonly csrfTrustedOrigins?: readonly string[];
  /** Trust the proxy's `X-Forwarded-Proto`. @default true behind a proxy, else false */
  readonly secureProxySslHeader?: boolean;
  /** @default false */
  readonly secureSslRedirect?: boolean;
  /** @default false */
  readonly secureCookies?: boolean;
  /** @default 0 */
  readonly hstsSeconds?: number;
  /** Gunicorn worker processes, 1 to 64. @default 2 */
  readonly workers?: number;
  /** Threads per worker, 1 to 64. @default 4 */
  readonly threads?: number;
}

/** How the proxy serves the app: the site around the upstream this service provides. */
export interface ProxySettings {
  readonly ref: ProxyRef;
  /** Domain, certificates and files the proxy serves. @default plain HTTP for any host */
  readonly site?: Omit<CaddySite, "upstream" | "healthPath">;
}

export interface DjangoServiceProps {
  /** Prefix of the Docker names: `<namePrefix>-web-<release>`, `<namePrefix>-migrate-<release>`, ... */
  readonly namePrefix: string;
  readonly image: DjangoImage;
  /** The database to connect to (it must be up: deploy the stack that holds it first). */
  readonly database: DatabaseConnection;
  /** Names of the networks to join: `frontend` (the proxy's) and `backend` (the database's). */
  readonly networks: { readonly frontend: string; readonly backend: string };
  /** Holds `secretKey` and the database's password among its app files. */
  readonly secrets: SecretsRef;
  /** Django's secret key: one of the secrets' app files. */
  readonly secretKey: SecretFile;
  /** @default {} (every setting at its default) */
  readonly settings?: DjangoSettings;
  /** Memory limit in MiB, for the app and the migration run. @default 512 */
  readonly memoryMb?: number;
  /** CPU limit in CPUs, for the app and the migration run. @default 1 */
  readonly cpus?: number;
  /** Seconds a new release may take to pass its readiness check. @default 90 */
  readonly healthTimeoutSeconds?: number;
  /**
   * Route traffic through this proxy once the new release is healthy. Without one, the app answers
   * on the frontend network as `<namePrefix>-app` (and at `upstream`), for a proxy of your own or a
   * `ProxyRoute` shared by several apps. @default none
   */
  readonly proxy?: ProxySettings;
  /** Resources of the same stack that must exist first (networks, the database). @default [] */
  readonly after?: ITerraformDependable[];
}

const LOG_LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"];

/** Path of an app secret inside the containers that mount the secrets volume. */
export function appSecretPath(file: SecretFile): string {
  return `${SecretsMount.appDir}/${file.name}`;
}

/**
 * The app, released without a gap: a one-shot `migrate` container that must exit 0 (its own error
 * text fails the apply) and, at the same time, a new gunicorn container beside the running one,
 * which apply waits on until readiness (database reachable, migrations applied) answers; then the
 * proxy route; only then is the previous release's container stopped (SIGTERM, gunicorn drains
 * what is in flight).
 *
 * Every object of a release is named after a digest of everything it runs (`release`), so the new
 * one can be created before the old one is destroyed (`create_before_destroy`). Both run as the
 * image's non-root user on a read-only root filesystem with every capability dropped.
 */
export class DjangoService extends Construct {
  readonly migrate: Container;
  readonly web: Container;
  /** Twelve hex characters naming this release; Terraform computes it from the image id and the settings. */
  readonly release: string;
  /** `host:port` of the app on the frontend network. */
  readonly upstream: string;
  /** Present when a proxy was given. */
  readonly route?: ProxyRoute;

  constructor(scope: Construct, id: string, props: DjangoServiceProps) {
    super(scope, id);
    const s = props.settings ?? {};
    const memoryMb = props.memoryMb ?? 512;
    const healthTimeout = props.healthTimeoutSeconds ?? 90;
    const db = props.database;
    const { secrets } = props;
    validateProps(this, () => [
      {
        prop: "namePrefix",
        value: props.namePrefix,
        problem: dockerNameProblem(`${props.namePrefix}-migrate-0`),
        fix: "use a Docker object name, e.g. django-dev",
      },
      {
        prop: "memoryMb",
        value: memoryMb,
        problem: wholeNumberProblem(memoryMb, 64, 65536),
        fix: "give MiB, e.g. 512",
      },
      { prop: "cpus", value: props.cpus ?? 1, problem: cpusProblem(props.cpus ?? 1), fix: "e.g. 1 or 0.5" },
      {
        prop: "healthTimeoutSeconds",
        value: healthTimeout,
        problem: wholeNumberProblem(healthTimeout, 10, 1800),
        fix: "give seconds, e.g. 90",
      },
      {
        prop: "settings.workers",
        value: s.workers ?? 2,
        problem: wholeNumberProblem(s.workers ?? 2, 1, 64),
        fix: "e.g. 2",
      },
      {
        prop: "settings.threads",
        value: s.threads ?? 4,
        problem: wholeNumberProblem(s.threads ?? 4, 1, 64),
        fix: "e.g. 4",
      },
      {
        prop: "settings.hstsSeconds",
        value: s.hstsSeconds ?? 0,
        problem: wholeNumberProblem(s.hstsSeconds ?? 0, 0, 315360000),
        fix: "0 turns HSTS off",
      },
      {
        prop: "settings.logLevel",
        value: s.logLevel,
        problem:
          s.logLevel === undefined || LOG_LEVELS.includes(s.logLevel)
            ? undefined
            : `must be one of ${LOG_LEVELS.join(", ")}`,
        fix: "e.g. INFO",
      },
      {
        prop: "secretKey",
        value: props.secretKey.name,
        problem: secrets.appFileNames.includes(props.secretKey.name)
          ? undefined
          : "is not one of the secrets' app files",
        fix: "add it to the Secrets construct's appFiles",
      },
      {
        prop: "database",
        value: (db.app ?? db).password.name,
        problem: secrets.appFileNames.includes((db.app ?? db).password.name)
          ? undefined
          : "has a password file (the serving app's) that is not one of the secrets' app files",
        fix: "add it to the Secrets construct's appFiles",
      },
      {
        prop: "database",
        value: db.password.name,
        problem: (secrets.migrateVolumeName ? secrets.migrateFileNames : secrets.appFileNames).includes(
          db.password.name,
        )
          ? undefined
          : "has an owner's password file that the migrations cannot read",
        fix: "add it to the Secrets construct's migrateFiles (or appFiles when there are none)",
      },
    ]);

    const env: Record<string, string> = {
      [DjangoEnv.DEBUG]: String(s.debug ?? false),
      [DjangoEnv.LOGLEVEL]: s.logLevel ?? "INFO",
      [DjangoEnv.ALLOWED_HOSTS]: (s.allowedHosts ?? ["localhost", "127.0.0.1"]).join(","),
      [DjangoEnv.CSRF_TRUSTED_ORIGINS]: (s.csrfTrustedOrigins ?? []).join(","),
      [DjangoEnv.SECURE_PROXY_SSL_HEADER]: String(s.secureProxySslHeader ?? props.proxy !== undefined),
      [DjangoEnv.SECURE_SSL_REDIRECT]: String(s.secureSslRedirect ?? false),
      [DjangoEnv.SECURE_COOKIES]: String(s.secureCookies ?? false),
      [DjangoEnv.SECURE_HSTS_SECONDS]: String(s.hstsSeconds ?? 0),
      [DjangoEnv.DATABASE_ENGINE]: "postgresql",
      [DjangoEnv.DATABASE_NAME]: db.databaseName,
      [DjangoEnv.DATABASE_HOST]: db.host,
      [DjangoEnv.DATABASE_PORT]: String(db.port),
      [fileVariant(DjangoEnv.SECRET_KEY)]: appSecretPath(props.secretKey),
      [DjangoEnv.GUNICORN_WORKERS]: String(s.workers ?? 2),
      [DjangoEnv.GUNICORN_THREADS]: String(s.threads ?? 4),
    };
    // the serving app connects as the data-access role when the database has one; migrations as the owner
    const serving = db.app ?? { username: db.username, password: db.password };
    const asRole = (role: { username: string; password: SecretFile }) =>
      Object.entries({
        ...env,
        [DjangoEnv.DATABASE_USERNAME]: role.username,
        [fileVariant(DjangoEnv.DATABASE_PASSWORD)]: appSecretPath(role.password),
      }).map(([k, v]) => `${k}=${v}`);

    const hardened = {
      image: props.image.imageId,
      user: `${DjangoImageContract.uid}:${DjangoImageContract.gid}`,
      readOnly: true,
      tmpfs: Object.fromEntries(
        DjangoImageContract.writablePaths.map((p) => [p, "rw,nosuid,nodev,noexec,size=64m"]),
      ),
      ...dropPrivileges(),
      ...memoryLimits(memoryMb),
    } satisfies Partial<ContainerConfig>;
    // each container mounts only its own secrets: the migrations' files hold the owner's password
    const secretsAt = (volumeName: string) => [
      { volumeName, containerPath: SecretsMount.appDir, readOnly: true },
    ];
    const webConfig = { env: asRole(serving), volumes: secretsAt(secrets.volumeName) };
    const migrateConfig = {
      env: asRole({ username: db.username, password: db.password }),
      volumes: secretsAt(secrets.migrateVolumeName ?? secrets.volumeName),
    };
    const alias = `${props.namePrefix}-app`;
    const healthcheck = {
      test: ["CMD", "docker-entrypoint", ...DjangoImageContract.commands.healthcheckReady],
      // the first probe runs one interval after start (start_interval needs Docker 25+): a short
      // interval is what a release waits at least; the probe is a small Python script
      interval: "1s",
      timeout: "5s",
      retries: 3,
      // not 0s: the engine reads 0 as "unset" and reports the image's own start period back
      startPeriod: "1s",
    };
    const webNetworks = [
      { name: props.networks.frontend, aliases: props.proxy ? undefined : [alias] },
      { name: props.networks.backend },
    ];

    // Everything a release runs, digested by Terraform (the image id is only known after the build):
    // a change to any of it is a new release with new container names.
    this.release = new TerraformLocal(
      this,
      "release",
      Fn.substr(
        Fn.sha1(
          Fn.jsonencode({
            ...hardened,
            web: webConfig,
            migrate: migrateConfig,
            commands: [DjangoImageContract.commands.migrate, DjangoImageContract.commands.serve],
            networks: webNetworks,
            healthcheck,
            healthTimeout,
            cpus: props.cpus ?? 1,
            secretsRevision: secrets.appRevision,
          }),
        ),
        0,
        12,
      ),
    ).asString;
    const releaseLabel = { [LabelKeys.release]: this.release };

    this.migrate = new Container(this, "Migrate", {
      ...hardened,
      ...migrateConfig,
      name: `${props.namePrefix}-migrate-${this.release}`,
      command: [...DjangoImageContract.commands.migrate],
      networksAdvanced: [{ name: props.networks.backend }],
      ...oneShot(),
      labels: labelsFor(this, "migrate", false, releaseLabel),
      dependsOn: props.after,
      lifecycle: { createBeforeDestroy: true },
    });

    this.web = new Container(
      this,
      "Web",
      withRuntimeConfigLabel({
        ...hardened,
        ...webConfig,
        name: `${props.namePrefix}-web-${this.release}`,
        command: [...DjangoImageContract.commands.serve],
        networksAdvanced: webNetworks,
        healthcheck,
        wait: true,
        waitTimeout: healthTimeout,
        restart: "unless-stopped",
        stopSignal: "SIGTERM",
        stopTimeout: DjangoImageContract.gracefulTimeoutSeconds + 10,
        destroyGraceSeconds: DjangoImageContract.gracefulTimeoutSeconds + 10,
        ...rotatedLogs(),
        labels: labelsFor(this, "web", false, {
          ...releaseLabel,
          [LabelKeys.secretsRevision]: secrets.appRevision,
        }),
        // started while the migrations run: it turns ready (its health check) only once they are
        // applied, and nothing routes to it before; a failed migration fails the route instead
        dependsOn: props.after,
        lifecycle: { createBeforeDestroy: true },
      }),
    );
    limitCpus(this.web, props.cpus ?? 1);
    limitCpus(this.migrate, props.cpus ?? 1);
    this.upstream = `${props.namePrefix}-web-${this.release}:${DjangoImageContract.port}`;

    if (props.proxy) {
      this.route = new ProxyRoute(this, "Proxy", {
        namePrefix: props.namePrefix,
        proxy: props.proxy.ref,
        sites: [
          { ...props.proxy.site, upstream: this.upstream, healthPath: DjangoImageContract.livenessPath },
        ],
        revision: this.release,
        after: [this.web, this.migrate],
        preconditions: [migrationsSucceeded(this.migrate)],
      });
    }
  }
}

/** The migrations' exit code gates the switch to the new release; the message carries their output. */
function migrationsSucceeded(migrate: Container): { condition: string; errorMessage: string } {
  const ref = migrate.fqn;
  return {
    condition: `\${${ref}.exit_code == 0}`,
    errorMessage: `Django migrations failed in container \${${ref}.name} (exit code \${coalesce(${ref}.exit_code, "none")}); the previous release keeps serving. Their output:\n\${coalesce(${ref}.container_logs, "(no output)")}`,
  };
}
