import { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { Container } from "@cdktf/provider-docker/lib/container";
import { Image } from "@cdktf/provider-docker/lib/image";
import { Network } from "@cdktf/provider-docker/lib/network";
import { Volume } from "@cdktf/provider-docker/lib/volume";
import {
  dropPrivileges,
  labelsFor,
  memoryLimits,
  oneShot,
  rotatedLogs,
  succeeded,
  withRuntimeConfigLabel,
} from "./common";
import { PostgresImageContract, SecretsMount } from "./env-contract";
import { Secrets } from "./secrets";

/** Terraform address of the data volume when it is managed; fixed, because renaming it loses data. */
export const DATA_VOLUME_ADDRESS = "docker_volume.data_volume";

export interface PostgresDatabaseProps {
  readonly namePrefix: string;
  readonly stackName: string;
  /** The private network the app reaches the database on. */
  readonly network: Network;
  readonly secrets: Secrets;
  /** Image to run; a tag or digest is required. @default "postgres:17" */
  readonly image?: string;
  /** Name the app resolves the database by (network alias). @default "db" */
  readonly alias?: string;
  /** Port inside the private network. @default 5432 */
  readonly port?: number;
  /** @default "django" */
  readonly databaseName?: string;
  /** @default "django" */
  readonly username?: string;
  /** File name of the password inside the secrets volume. @default "database_password" */
  readonly passwordFileName?: string;
  /** Memory limit in MiB. @default 512 */
  readonly memoryMb?: number;
  /**
   * Delete the data volume when the stack is destroyed. Off, the volume is referenced by name
   * only, so no Terraform operation can delete it. @default false
   */
  readonly deleteDataOnDestroy?: boolean;
}

/**
 * PostgreSQL with its data on a named volume at the image's data directory, a `pg_isready`
 * healthcheck that apply waits for, a clean shutdown (SIGINT, 60 s before SIGKILL), restart,
 * log rotation and a memory limit. Reachable only on the private network.
 */
export class PostgresDatabase extends Construct {
  readonly image: Image;
  readonly container: Container;
  /**
   * One-shot that sets the role's password to the current secret over the server's unix socket
   * (local connections are trusted), so changing DATABASE_PASSWORD takes effect on the next
   * deploy: the image only reads POSTGRES_PASSWORD when it creates the data directory.
   */
  readonly passwordSync: Container;
  /** Socket directory shared with `passwordSync`. */
  readonly socketVolume: Volume;
  /** The volume resource, only when `deleteDataOnDestroy` is set. */
  readonly dataVolume?: Volume;
  readonly dataVolumeName: string;
  readonly host: string;
  readonly port: number;
  readonly databaseName: string;
  readonly username: string;

  constructor(scope: Construct, id: string, props: PostgresDatabaseProps) {
    super(scope, id);
    this.host = props.alias ?? "db";
    this.port = props.port ?? PostgresImageContract.port;
    this.databaseName = props.databaseName ?? "django";
    this.username = props.username ?? "django";
    this.dataVolumeName = `${props.namePrefix}-pgdata`;

    // keepLocally: several stacks share one base image; destroying one must not untag it
    this.image = new Image(this, "Image", { name: props.image ?? "postgres:17", keepLocally: true });

    if (props.deleteDataOnDestroy) {
      this.dataVolume = new Volume(this, "DataVolume", {
        name: this.dataVolumeName,
        labels: labelsFor(props.stackName, "volume", true),
      });
      this.dataVolume.overrideLogicalId(DATA_VOLUME_ADDRESS.split(".")[1]);
    } else {
      // If the volume was managed before (the opt-in was on), forget it instead of destroying it.
      TerraformStack.of(this).addOverride("removed", [
        { from: DATA_VOLUME_ADDRESS, lifecycle: { destroy: false } },
      ]);
    }

    const passwordFile = `${SecretsMount.dbDir}/${props.passwordFileName ?? "database_password"}`;
    this.socketVolume = new Volume(this, "SocketVolume", {
      name: `${props.namePrefix}-pgsocket`,
      labels: labelsFor(props.stackName, "volume"),
    });
    const socketDir = "/var/run/postgresql";
    const probe = ["pg_isready", "-h", "127.0.0.1", "-p", String(this.port)];
    this.container = new Container(this, "Container", withRuntimeConfigLabel({
      name: `${props.namePrefix}-db`,
      image: this.image.imageId,
      // a non-default port is set on the server; the image's entrypoint passes these through
      command: this.port === PostgresImageContract.port ? undefined : ["postgres", "-c", `port=${this.port}`],
      env: [
        `${PostgresImageContract.env.user}=${this.username}`,
        `${PostgresImageContract.env.db}=${this.databaseName}`,
        `${PostgresImageContract.env.passwordFile}=${passwordFile}`,
      ],
      volumes: [
        {
          volumeName: this.dataVolume?.name ?? this.dataVolumeName,
          containerPath: PostgresImageContract.dataDirectory,
          readOnly: false,
        },
        { volumeName: props.secrets.volume.name, containerPath: SecretsMount.containerPath, readOnly: true },
        { volumeName: this.socketVolume.name, containerPath: socketDir, readOnly: false },
      ],
      networksAdvanced: [{ name: props.network.id, aliases: [this.host] }],
      // -h 127.0.0.1: the entrypoint's first-run server listens on the socket only, so a TCP probe
      // turns healthy only once the real server is up
      healthcheck: {
        test: ["CMD", ...probe, "-U", this.username, "-d", this.databaseName],
        // pg_isready is a small C program: probing often costs little and shortens every deploy
        interval: "2s",
        timeout: "5s",
        retries: 30,
        startPeriod: "10s",
      },
      wait: true,
      waitTimeout: 180,
      restart: "unless-stopped",
      stopSignal: "SIGINT",
      stopTimeout: 60,
      destroyGraceSeconds: 60,
      ...rotatedLogs(),
      ...memoryLimits(props.memoryMb ?? 512),
      readOnly: true,
      tmpfs: { "/tmp": "rw,nosuid,nodev,noexec" },
      // what the entrypoint needs as root before it drops to the postgres user; written with the
      // CAP_ prefix the engine reports back, or every plan would replace the container
      ...dropPrivileges("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_SETGID", "CAP_SETUID"),
      labels: labelsFor(props.stackName, "database", true),
      dependsOn: [props.secrets.writer],
      lifecycle: { precondition: [succeeded(props.secrets.writer, "Writing the secret files")] },
    }));

    const revision = props.secrets.dbRevision;
    const psqlScript = [
      `\\set pw \`cat ${passwordFile}\``,
      `ALTER ROLE :"role" WITH PASSWORD :'pw';`,
    ].join("\n");
    const syncName = `${props.namePrefix}-db-password`;
    this.passwordSync = new Container(this, "PasswordSync", {
      name: syncName,
      image: this.image.imageId,
      user: `${PostgresImageContract.uid}:${PostgresImageContract.gid}`,
      entrypoint: ["/bin/sh", "-c"],
      // the password never reaches argv or the environment: psql reads the file itself
      command: [
        `psql -v ON_ERROR_STOP=1 -q -h ${socketDir} -p ${this.port} -U ${this.username} -d ${this.databaseName} -v role=${this.username} <<'SQL'\n${psqlScript}\nSQL`,
      ],
      networkMode: "none",
      volumes: [
        { volumeName: props.secrets.volume.name, containerPath: SecretsMount.containerPath, readOnly: true },
        { volumeName: this.socketVolume.name, containerPath: socketDir, readOnly: false },
      ],
      readOnly: true,
      ...dropPrivileges(),
      ...oneShot(),
      // a new password revision replaces (re-runs) it
      labels: labelsFor(props.stackName, "secrets", false, { "django-cdktf.password-revision": revision }),
      dependsOn: [this.container],
    });
  }
}
