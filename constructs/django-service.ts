import { Construct } from "constructs";
import { createHash } from "crypto";
import { Fn, ITerraformDependable, TerraformLocal, Token } from "cdktf";
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
import {
  DjangoEnv,
  DjangoImageContract,
  MediaContract,
  ProjectImageContract,
  SecretsMount,
  fileVariant,
} from "./contracts";
import { DjangoImage } from "./django-image";
import { LabelKeys } from "./labels";
import { DatabaseConnection } from "./postgres-database";
import { ProxyRoute } from "./proxy-route";
import { SecretFile, SecretsRef } from "./secrets";
import { literal, literalEnv } from "./terraform-text";
import { checkPropShapes, dockerNameProblem, validateProps, wholeNumberProblem } from "./validation";

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

/**
 * How the stack runs an image that does not keep `DjangoImageContract` (a project's own Dockerfile):
 * it adds only the environment, the secret files, these commands when given, and a health check.
 */
export interface CustomRuntime {
  /** The command that serves the app. @default the image's own CMD */
  readonly serveCommand?: readonly string[];
  /**
   * The command that applies the migrations, run once per release before traffic moves (under
   * `timeout`, which the image must have: coreutils or busybox). @default none: no migration run
   */
  readonly migrateCommand?: readonly string[];
  /** The port the app listens on. @default 8000 */
  readonly port?: number;
  /**
   * Path probed for health over HTTP, with a Host from the allowed hosts; any answer below 500
   * counts as alive (the image needs python3 or python). @default "/"
   */
  readonly healthPath?: string;
}

/** The app's uploads: a volume (see `MediaVolume`) and the URL path the proxy serves it at. */
export interface MediaSettings {
  /** Name of the volume, mounted writable at `MediaContract.root` (MEDIA_ROOT). */
  readonly volumeName: string;
  /** URL path, with leading and trailing `/`, e.g. `/media/` (MEDIA_URL). */
  readonly url: string;
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
  /**
   * Run an image that does not keep the stack's image contract (a project's own Dockerfile).
   * @default none: the image keeps `DjangoImageContract` (django-app's, or the stack's around a project)
   */
  readonly runtime?: CustomRuntime;
  /**
   * The project's settings module, as DJANGO_SETTINGS_MODULE. Ignored for an image built around the
   * project (`DjangoImage.overlay`), which was built for its module. @default the image's own
   */
  readonly settingsModule?: string;
  /** Uploads on a volume, served by the proxy. @default none */
  readonly media?: MediaSettings;
  /** The project's own variables, NAME -> value (in the state: nothing secret). @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * The project's own secrets, NAME -> one of the secrets' app (and migration) files: the app gets
   * NAME_FILE, and with the stack's image NAME itself, inside the container only. @default {}
   */
  readonly secretEnvironment?: Readonly<Record<string, SecretFile>>;
  /** Seconds the migrations may run before they are stopped (exit code 124). @default 600 */
  readonly migrateTimeoutSeconds?: number;
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
  /** The migration run of the release; absent when a custom runtime names no migrate command. */
  readonly migrate?: Container;
  readonly web: Container;
  /** Twelve hex characters naming this release; Terraform computes it from the image id and the settings. */
  readonly release: string;
  /** `host:port` of the app on the frontend network. */
  readonly upstream: string;
  /** Present when a proxy was given. */
  readonly route?: ProxyRoute;

  constructor(scope: Construct, id: string, props: DjangoServiceProps) {
    super(scope, id);
    checkPropShapes(
      this,
      "DjangoService",
      props,
      {
        namePrefix: "string",
        image: "object",
        database: "object",
        networks: "object",
        "networks.frontend": "string",
        "networks.backend": "string",
        secrets: "object",
        secretKey: "object",
      },
      {
        settings: "object",
        "settings.allowedHosts": "array",
        "settings.csrfTrustedOrigins": "array",
        "settings.debug": "boolean",
        "settings.logLevel": "string",
        "settings.secureProxySslHeader": "boolean",
        "settings.secureSslRedirect": "boolean",
        "settings.secureCookies": "boolean",
        "settings.hstsSeconds": "number",
        "settings.workers": "number",
        "settings.threads": "number",
        runtime: "object",
        settingsModule: "string",
        media: "object",
        environment: "object",
        secretEnvironment: "object",
      },
    );
    const s = props.settings ?? {};
    const memoryMb = props.memoryMb ?? 512;
    const healthTimeout = props.healthTimeoutSeconds ?? 90;
    const migrateTimeout = props.migrateTimeoutSeconds ?? 600;
    const db = props.database;
    const { secrets } = props;
    const custom = props.runtime;
    const appPort = custom?.port ?? DjangoImageContract.port;
    const secretEnvironment = props.secretEnvironment ?? {};
    const projectNames = [...Object.keys(props.environment ?? {}), ...Object.keys(secretEnvironment)];
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
        prop: "migrateTimeoutSeconds",
        value: migrateTimeout,
        problem: wholeNumberProblem(migrateTimeout, 10, 86400),
        fix: "give seconds, e.g. 600",
      },
      custom && {
        prop: "runtime.port",
        value: appPort,
        problem: wholeNumberProblem(appPort, 1, 65535),
        fix: "the port the app listens on inside its container, e.g. 8000",
      },
      custom && {
        prop: "runtime.healthPath",
        value: custom.healthPath ?? "/",
        problem: /^\/[^\s'"\\]*$/.test(custom.healthPath ?? "/")
          ? undefined
          : "must be a URL path starting with /",
        fix: "e.g. / or /health/",
      },
      props.media && {
        prop: "media.url",
        value: props.media.url,
        problem: /^\/[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*\/$/.test(props.media.url)
          ? undefined
          : "must be a URL path with a leading and a trailing /",
        fix: "e.g. /media/",
      },
      ...projectNames.map((name) => ({
        prop: "environment",
        value: name,
        problem: /^[A-Za-z_][A-Za-z0-9_]*$/.test(name)
          ? Object.values(DjangoEnv).some((n) => n === name || fileVariant(n) === name)
            ? "is one of the stack's own variables"
            : undefined
          : "must be a variable name",
        fix: "rename the project's variable",
      })),
      ...Object.entries(secretEnvironment).map(([name, file]) => ({
        prop: `secretEnvironment.${name}`,
        value: file.name,
        problem:
          secrets.appFileNames.includes(file.name) &&
          (secrets.migrateVolumeName ? secrets.migrateFileNames : secrets.appFileNames).includes(file.name)
            ? undefined
            : "is not one of the secrets' app and migration files",
        fix: "add it to the Secrets construct's appFiles and migrateFiles",
      })),
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
      ...djangoEnvironment(s, db, props.proxy !== undefined, appSecretPath(props.secretKey)),
      ...projectEnvironment(props),
    };
    // the serving app connects as the data-access role when the database has one; migrations as the owner
    const serving = db.app ?? { username: db.username, password: db.password };
    const asRole = (role: { username: string; password: SecretFile }) =>
      literalEnv({
        ...env,
        [DjangoEnv.DATABASE_USERNAME]: role.username,
        [fileVariant(DjangoEnv.DATABASE_PASSWORD)]: appSecretPath(role.password),
      });

    // a project's own image runs as it was built (its own writable paths), as the user that owns
    // the secret files; the stack's images on a read-only root
    const hardened = hardenedApp(
      props.image.imageId,
      `${DjangoImageContract.uid}:${DjangoImageContract.gid}`,
      custom !== undefined,
      memoryMb,
    );
    // each container mounts only its own secrets: the migrations' files hold the owner's password
    const mounts = (volumeName: string) => [
      { volumeName, containerPath: SecretsMount.appDir, readOnly: true },
      ...(props.media
        ? [{ volumeName: props.media.volumeName, containerPath: MediaContract.root, readOnly: false }]
        : []),
    ];
    const webConfig = { env: asRole(serving), volumes: mounts(secrets.volumeName) };
    const migrateConfig = {
      env: [
        ...asRole({ username: db.username, password: db.password }),
        ...(custom ? [] : [`${DjangoImageContract.migrateTimeoutVariable}=${migrateTimeout}`]),
      ],
      volumes: mounts(secrets.migrateVolumeName ?? secrets.volumeName),
    };
    const alias = `${props.namePrefix}-app`;
    const serveCommand = custom ? custom.serveCommand : DjangoImageContract.commands.serve;
    const migrateCommand = custom
      ? custom.migrateCommand && ["timeout", "-k", "10", String(migrateTimeout), ...custom.migrateCommand]
      : DjangoImageContract.commands.migrate;
    const healthcheck = {
      test: custom
        ? ["CMD-SHELL", literal(httpProbe(appPort, custom.healthPath ?? "/", probeHost(s.allowedHosts)))]
        : ["CMD", "docker-entrypoint", ...DjangoImageContract.commands.healthcheckReady],
      // the first probe runs one interval after start (start_interval needs Docker 25+), and the
      // provider looks at the health once a second from start: a first probe that starts at 0.8 s
      // ends (about 0.15 s) before the provider's first look, so an app ready within 0.8 s is
      // released a second sooner than with 1 s (measured: 2.5 s to 1.4 s from create to healthy)
      interval: "800ms",
      timeout: "5s",
      retries: 3,
      // not 0s: the engine reads 0 as "unset" and reports the image's own start period back
      startPeriod: "1s",
    };
    const webNetworks = [
      { name: props.networks.frontend, aliases: props.proxy ? undefined : [alias] },
      { name: props.networks.backend },
    ];

    // Everything a release runs, digested by Terraform with the image id (known only after the
    // build): a change to any of it is a new release with new container names. What is known now is
    // digested here: its strings may hold quotes (a probe's code, a project's variable), which cdktf
    // does not escape inside a Terraform expression.
    const { image: _image, ...known } = hardened;
    const settled = {
      ...known,
      web: webConfig,
      migrate: migrateConfig,
      commands: [migrateCommand ?? null, serveCommand ?? null],
      networks: webNetworks,
      healthcheck,
      healthTimeout,
      cpus: props.cpus ?? 1,
      secretsRevision: secrets.appRevision,
    };
    const settledText = JSON.stringify(settled);
    const settledDigest = Token.isUnresolved(settledText)
      ? settled
      : createHash("sha256").update(settledText).digest("hex");
    this.release = new TerraformLocal(
      this,
      "release",
      Fn.substr(Fn.sha1(Fn.jsonencode({ image: hardened.image, settings: settledDigest })), 0, 12),
    ).asString;
    const releaseLabel = { [LabelKeys.release]: this.release };

    if (migrateCommand) {
      this.migrate = new Container(this, "Migrate", {
        ...hardened,
        ...migrateConfig,
        name: `${props.namePrefix}-migrate-${this.release}`,
        command: migrateCommand.map(literal),
        networksAdvanced: [{ name: props.networks.backend }],
        ...oneShot(),
        labels: labelsFor(this, "migrate", false, releaseLabel),
        dependsOn: props.after,
        lifecycle: { createBeforeDestroy: true },
      });
    }

    this.web = new Container(
      this,
      "Web",
      withRuntimeConfigLabel({
        ...hardened,
        ...webConfig,
        name: `${props.namePrefix}-web-${this.release}`,
        command: serveCommand?.map(literal),
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
    if (this.migrate) limitCpus(this.migrate, props.cpus ?? 1);
    this.upstream = `${props.namePrefix}-web-${this.release}:${appPort}`;

    if (props.proxy) {
      this.route = new ProxyRoute(this, "Proxy", {
        namePrefix: props.namePrefix,
        proxy: props.proxy.ref,
        sites: [
          {
            ...props.proxy.site,
            upstream: this.upstream,
            // a project's own image has no probe that must answer 2xx: the release's check suffices
            healthPath: custom ? undefined : DjangoImageContract.livenessPath,
            files: props.media ? { urlPrefix: props.media.url, root: MediaContract.root } : undefined,
          },
        ],
        revision: this.release,
        after: this.migrate ? [this.web, this.migrate] : [this.web],
        preconditions: this.migrate ? [migrationsSucceeded(this.migrate)] : [],
      });
    }
  }
}

/**
 * The project's variables, its secrets' *_FILE paths (where `path` says the files are), media and
 * settings module, as the app's environment; on the engine and on a swarm alike.
 */
export function projectEnvironment(
  props: Pick<DjangoServiceProps, "environment" | "secretEnvironment" | "settingsModule" | "image" | "media">,
  path: (file: SecretFile) => string = appSecretPath,
): Record<string, string> {
  const env: Record<string, string> = { ...(props.environment ?? {}) };
  const secretNames = Object.keys(props.secretEnvironment ?? {}).sort();
  for (const name of secretNames) env[fileVariant(name)] = path(props.secretEnvironment![name]);
  if (secretNames.length > 0 && props.image.overlay) {
    env[ProjectImageContract.secretVariablesVariable] = secretNames.join(",");
  }
  if (props.media) {
    env[MediaContract.urlVariable] = props.media.url;
    env[MediaContract.rootVariable] = MediaContract.root;
  }
  if (props.settingsModule && !props.image.overlay) env.DJANGO_SETTINGS_MODULE = props.settingsModule;
  return env;
}

/** A Host header the app accepts: the first allowed host that names one host. */
export function probeHost(allowedHosts: readonly string[] = ["localhost", "127.0.0.1"]): string {
  const named = allowedHosts.find((h) => h !== "*" && !h.startsWith("."));
  if (named) return named;
  const domain = allowedHosts.find((h) => h.startsWith(".") && h.length > 1);
  return domain ? domain.slice(1) : "localhost";
}

/**
 * A shell health probe for an image the stack did not build: GET the path on the app's port with
 * the Host given, redirects not followed; alive when the answer is below 500. It prints what it got
 * (Docker keeps the last outputs, and a failed deploy shows them).
 */
export function httpProbe(port: number, healthPath: string, host: string): string {
  const code = [
    "import sys, urllib.error as e, urllib.request as u",
    "class Stay(u.HTTPRedirectHandler):",
    "    def redirect_request(self, *args):",
    "        return None",
    `url = "http://127.0.0.1:${port}${healthPath}"`,
    "opener = u.build_opener(u.ProxyHandler({}), Stay)",
    "try:",
    `    status = opener.open(u.Request(url, headers={"Host": ${JSON.stringify(host)}}), timeout=4).status`,
    "except e.HTTPError as error:",
    "    status = error.code",
    "except Exception as error:",
    '    print(f"{url}: {error}")',
    "    sys.exit(1)",
    'print(f"{url} answered {status}")',
    "sys.exit(0 if status < 500 else 1)",
  ].join("\n");
  return `if command -v python3 >/dev/null 2>&1; then exec python3 -c '${code}'; elif command -v python >/dev/null 2>&1; then exec python -c '${code}'; else echo "the image has no python3 or python for the health probe"; exit 1; fi`;
}

/** The migrations' exit code gates the switch to the new release; the message carries their output. */
function migrationsSucceeded(migrate: Container): { condition: string; errorMessage: string } {
  const ref = migrate.fqn;
  return {
    condition: `\${${ref}.exit_code == 0}`,
    errorMessage: `Django migrations failed in container \${${ref}.name} (exit code \${coalesce(${ref}.exit_code, "none")}); the previous release keeps serving. Their output:\n\${coalesce(${ref}.container_logs, "(no output)")}`,
  };
}

/** The settings every Django process of a release reads, on the engine and on a swarm alike. */
export function djangoEnvironment(
  s: DjangoSettings,
  db: DatabaseConnection,
  proxied: boolean,
  secretKeyPath: string,
): Record<string, string> {
  return {
    [DjangoEnv.DEBUG]: String(s.debug ?? false),
    [DjangoEnv.LOGLEVEL]: s.logLevel ?? "INFO",
    [DjangoEnv.ALLOWED_HOSTS]: (s.allowedHosts ?? ["localhost", "127.0.0.1"]).join(","),
    [DjangoEnv.CSRF_TRUSTED_ORIGINS]: (s.csrfTrustedOrigins ?? []).join(","),
    [DjangoEnv.SECURE_PROXY_SSL_HEADER]: String(s.secureProxySslHeader ?? proxied),
    [DjangoEnv.SECURE_SSL_REDIRECT]: String(s.secureSslRedirect ?? false),
    [DjangoEnv.SECURE_COOKIES]: String(s.secureCookies ?? false),
    [DjangoEnv.SECURE_HSTS_SECONDS]: String(s.hstsSeconds ?? 0),
    [DjangoEnv.DATABASE_ENGINE]: "postgresql",
    [DjangoEnv.DATABASE_NAME]: db.databaseName,
    [DjangoEnv.DATABASE_HOST]: db.host,
    [DjangoEnv.DATABASE_PORT]: String(db.port),
    [fileVariant(DjangoEnv.SECRET_KEY)]: secretKeyPath,
    [DjangoEnv.GUNICORN_WORKERS]: String(s.workers ?? 2),
    [DjangoEnv.GUNICORN_THREADS]: String(s.threads ?? 4),
  };
}

/**
 * How a container of the app's image runs, serving or one-shot, on the engine or beside a swarm:
 * the stack's images on a read-only root with tmpfs where they write; a project's own image as it
 * was built (its own writable paths); no privileges; the memory limit.
 */
export function hardenedApp(imageId: string, user: string, ownImage: boolean, memoryMb: number) {
  return {
    image: imageId,
    user,
    ...(ownImage
      ? {}
      : {
          readOnly: true,
          tmpfs: Object.fromEntries(
            DjangoImageContract.writablePaths.map((p) => [p, "rw,nosuid,nodev,noexec,size=64m"]),
          ),
        }),
    ...dropPrivileges(),
    ...memoryLimits(memoryMb),
  } satisfies Partial<ContainerConfig>;
}
