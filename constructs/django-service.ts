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
} from "./common";
import { DjangoImage } from "./django-image";
import { DjangoEnv, DjangoImageContract, SecretsMount, fileVariant } from "./env-contract";
import { PostgresDatabase } from "./postgres-database";
import { Secrets } from "./secrets";

/** Django settings passed to the containers (the seed's `.env` vocabulary). */
export interface DjangoSettings {
  /** @default false */
  readonly debug?: boolean;
  /** @default "INFO" */
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
  /** @default 2 */
  readonly workers?: number;
  /** @default 4 */
  readonly threads?: number;
}

export interface DjangoServiceProps {
  readonly namePrefix: string;
  readonly stackName: string;
  readonly image: DjangoImage;
  readonly database: PostgresDatabase;
  readonly network: AppNetwork;
  readonly secrets: Secrets;
  readonly settings?: DjangoSettings;
  /** Host address the port is published on. @default "127.0.0.1" */
  readonly bindAddress?: string;
  /** Host port. @default 8000 */
  readonly port?: number;
  /** Memory limit in MiB, for the app and the migration run. @default 512 */
  readonly memoryMb?: number;
  /** File names inside the secrets volume. */
  readonly secretKeyFileName?: string;
  readonly databasePasswordFileName?: string;
}

/**
 * The app: a one-shot `migrate` container that must exit 0 (its own error text fails the apply),
 * then the gunicorn container, which apply waits on until readiness (database reachable,
 * migrations applied) answers. Both run as the image's non-root user on a read-only root
 * filesystem with every capability dropped.
 */
export class DjangoService extends Construct {
  readonly migrate: Container;
  readonly web: Container;
  readonly url: string;

  constructor(scope: Construct, id: string, props: DjangoServiceProps) {
    super(scope, id);
    const s = props.settings ?? {};
    const bindAddress = props.bindAddress ?? "127.0.0.1";
    const port = props.port ?? 8000;
    const db = props.database;
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
      [fileVariant(DjangoEnv.SECRET_KEY)]: `${SecretsMount.appDir}/${props.secretKeyFileName ?? "django_secret_key"}`,
      [fileVariant(DjangoEnv.DATABASE_PASSWORD)]: `${SecretsMount.appDir}/${props.databasePasswordFileName ?? "database_password"}`,
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
        { volumeName: props.secrets.volume.name, containerPath: SecretsMount.containerPath, readOnly: true },
      ],
      ...memoryLimits(props.memoryMb ?? 512),
    } satisfies Partial<ContainerConfig>;

    const migrateName = `${props.namePrefix}-migrate`;
    this.migrate = new Container(this, "Migrate", {
      ...hardened,
      name: migrateName,
      image: props.image.imageId,
      command: [...DjangoImageContract.commands.migrate],
      networksAdvanced: [{ name: props.network.backend.id }],
      ...oneShot(),
      labels: labelsFor(props.stackName, "migrate"),
      // the password one-shot runs after the healthy server, which runs after the secrets writer
      dependsOn: [db.passwordSync],
      lifecycle: {
        precondition: [
          succeeded(db.passwordSync, "Setting the database password (this needs trusted local connections; see the README on rotating secrets)"),
        ],
      },
    });

    this.web = new Container(this, "Web", withRuntimeConfigLabel({
      ...hardened,
      name: `${props.namePrefix}-web`,
      image: props.image.imageId,
      command: [...DjangoImageContract.commands.serve],
      networksAdvanced: [{ name: props.network.frontend.id }, { name: props.network.backend.id }],
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
      labels: labelsFor(props.stackName, "web", false, {
        "django-cdktf.secrets-revision": props.secrets.appRevision,
      }),
      dependsOn: [this.migrate],
      lifecycle: { precondition: [succeeded(this.migrate, "Django migrations")] },
    }));

    const host = bindAddress === "0.0.0.0" ? "localhost" : bindAddress.includes(":") ? `[${bindAddress}]` : bindAddress;
    this.url = `http://${host}:${port}/`;
  }
}
