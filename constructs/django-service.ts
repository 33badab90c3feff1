import { isIP } from "net";
import { Construct } from "constructs";
import { Container, ContainerConfig } from "@cdktf/provider-docker/lib/container";
import { AppNetwork } from "./app-network";
import {
  dropPrivileges,
  labelsFor,
  memoryLimits,
  oneShot,
  rotatedLogs,
  succeeded,
  withRuntimeConfigLabel,
} from "./container-options";
import { DjangoEnv, DjangoImageContract, SecretsMount, fileVariant } from "./contracts";
import { DjangoImage } from "./django-image";
import { LabelKeys } from "./labels";
import { PostgresDatabase } from "./postgres-database";
import { SecretFile, Secrets } from "./secrets";
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
  /** @default false */
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

export interface DjangoServiceProps {
  /** Prefix of the containers' Docker names: `<namePrefix>-web` and `<namePrefix>-migrate`. */
  readonly namePrefix: string;
  readonly image: DjangoImage;
  /** The database to connect to; the app starts after its `ready` one-shot. */
  readonly database: PostgresDatabase;
  readonly network: AppNetwork;
  /** Holds `secretKey` and the database's password among its `appFiles`. */
  readonly secrets: Secrets;
  /** Django's secret key: one of `secrets`' `appFiles`. */
  readonly secretKey: SecretFile;
  /** @default {} (every setting at its default) */
  readonly settings?: DjangoSettings;
  /** Host address the port is published on. @default "127.0.0.1" */
  readonly bindAddress?: string;
  /** Host port. @default 8000 */
  readonly port?: number;
  /** Memory limit in MiB, for the app and the migration run. @default 512 */
  readonly memoryMb?: number;
}

const LOG_LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"];

/**
 * The app: a one-shot `migrate` container that must exit 0 (its own error text fails the apply),
 * then the gunicorn container, which apply waits on until readiness (database reachable,
 * migrations applied) answers. Both run as the image's non-root user on a read-only root
 * filesystem with every capability dropped.
 */
export class DjangoService extends Construct {
  readonly migrate: Container;
  readonly web: Container;
  /** Where the app answers on the Docker host, e.g. `http://127.0.0.1:8000/`. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: DjangoServiceProps) {
    super(scope, id);
    const s = props.settings ?? {};
    const bindAddress = props.bindAddress ?? "127.0.0.1";
    const port = props.port ?? 8000;
    const memoryMb = props.memoryMb ?? 512;
    const db = props.database.connection;
    const { secrets } = props;
    validateProps(this, () => [
      {
        prop: "namePrefix",
        value: props.namePrefix,
        problem: dockerNameProblem(`${props.namePrefix}-web`),
        fix: "use a Docker object name, e.g. django-dev",
      },
      {
        prop: "port",
        value: port,
        problem: wholeNumberProblem(port, 1, 65535),
        fix: "use a free TCP port of the Docker host, e.g. 8000",
      },
      {
        prop: "memoryMb",
        value: memoryMb,
        problem: wholeNumberProblem(memoryMb, 64, 65536),
        fix: "give MiB, e.g. 512",
      },
      {
        prop: "bindAddress",
        value: bindAddress,
        problem: isIP(bindAddress) !== 0 ? undefined : "must be an IP address",
        fix: "e.g. 127.0.0.1, or 0.0.0.0 for every interface",
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
        problem: secrets.hasAppFile(props.secretKey) ? undefined : "is not one of the secrets' appFiles",
        fix: "add it to the Secrets construct's appFiles",
      },
      {
        prop: "database",
        value: db.password.name,
        problem: secrets.hasAppFile(db.password)
          ? undefined
          : "has a password file that is not one of the secrets' appFiles",
        fix: "add the database's password file to the Secrets construct's appFiles too",
      },
    ]);

    const env: Record<string, string> = {
      [DjangoEnv.DEBUG]: String(s.debug ?? false),
      [DjangoEnv.LOGLEVEL]: s.logLevel ?? "INFO",
      [DjangoEnv.ALLOWED_HOSTS]: (s.allowedHosts ?? ["localhost", "127.0.0.1"]).join(","),
      [DjangoEnv.CSRF_TRUSTED_ORIGINS]: (s.csrfTrustedOrigins ?? []).join(","),
      [DjangoEnv.SECURE_PROXY_SSL_HEADER]: String(s.secureProxySslHeader ?? false),
      [DjangoEnv.SECURE_SSL_REDIRECT]: String(s.secureSslRedirect ?? false),
      [DjangoEnv.SECURE_COOKIES]: String(s.secureCookies ?? false),
      [DjangoEnv.SECURE_HSTS_SECONDS]: String(s.hstsSeconds ?? 0),
      [DjangoEnv.DATABASE_ENGINE]: "postgresql",
      [DjangoEnv.DATABASE_NAME]: db.databaseName,
      [DjangoEnv.DATABASE_USERNAME]: db.username,
      [DjangoEnv.DATABASE_HOST]: db.host,
      [DjangoEnv.DATABASE_PORT]: String(db.port),
      [fileVariant(DjangoEnv.SECRET_KEY)]: secrets.appPath(props.secretKey),
      [fileVariant(DjangoEnv.DATABASE_PASSWORD)]: secrets.appPath(db.password),
      [DjangoEnv.GUNICORN_WORKERS]: String(s.workers ?? 2),
      [DjangoEnv.GUNICORN_THREADS]: String(s.threads ?? 4),
    };

    const hardened = {
      image: props.image.imageId,
      env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
      user: `${DjangoImageContract.uid}:${DjangoImageContract.gid}`,
      readOnly: true,
      tmpfs: Object.fromEntries(
        DjangoImageContract.writablePaths.map((p) => [p, "rw,nosuid,nodev,noexec,size=64m"]),
      ),
      ...dropPrivileges(),
      volumes: [
        { volumeName: secrets.volume.name, containerPath: SecretsMount.containerPath, readOnly: true },
      ],
      ...memoryLimits(memoryMb),
    } satisfies Partial<ContainerConfig>;

    const ready = props.database.ready;
    this.migrate = new Container(this, "Migrate", {
      ...hardened,
      name: `${props.namePrefix}-migrate`,
      command: [...DjangoImageContract.commands.migrate],
      networksAdvanced: [{ name: db.network.id }],
      ...oneShot(),
      labels: labelsFor(this, "migrate"),
      // the password one-shot runs after the healthy server, which runs after the secrets writer
      dependsOn: [ready],
      lifecycle: {
        precondition: [
          succeeded(
            ready,
            "Setting the database password (this needs trusted local connections; see the README on rotating secrets)",
          ),
        ],
      },
    });

    this.web = new Container(
      this,
      "Web",
      withRuntimeConfigLabel({
        ...hardened,
        name: `${props.namePrefix}-web`,
        command: [...DjangoImageContract.commands.serve],
        networksAdvanced: [{ name: props.network.frontend.id }, { name: db.network.id }],
        ports: [{ internal: DjangoImageContract.port, external: port, ip: bindAddress }],
        healthcheck: {
          test: ["CMD", "docker-entrypoint", ...DjangoImageContract.commands.healthcheckReady],
          // the first probe runs one interval after start (start_interval needs Docker 25+), so this
          // interval is also the shortest a deploy can wait for the app
          interval: "5s",
          timeout: "5s",
          retries: 3,
          startPeriod: "20s",
        },
        wait: true,
        waitTimeout: 120,
        restart: "unless-stopped",
        stopSignal: "SIGTERM",
        stopTimeout: DjangoImageContract.gracefulTimeoutSeconds + 10,
        destroyGraceSeconds: DjangoImageContract.gracefulTimeoutSeconds + 10,
        ...rotatedLogs(),
        labels: labelsFor(this, "web", false, { [LabelKeys.secretsRevision]: secrets.appRevision }),
        dependsOn: [this.migrate],
        lifecycle: { precondition: [succeeded(this.migrate, "Django migrations")] },
      }),
    );

    const host =
      bindAddress === "0.0.0.0" ? "localhost" : bindAddress.includes(":") ? `[${bindAddress}]` : bindAddress;
    this.url = `http://${host}:${port}/`;
  }
}
