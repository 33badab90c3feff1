import { Construct } from "constructs";
import { TerraformResource } from "cdktf";
import { Container } from "@cdktf/provider-docker/lib/container";
import { Image } from "@cdktf/provider-docker/lib/image";
import { Network } from "@cdktf/provider-docker/lib/network";
import { Volume } from "@cdktf/provider-docker/lib/volume";
import {
  cpusProblem,
  dropPrivileges,
  limitCpus,
  labelsFor,
  memoryLimits,
  oneShot,
  rotatedLogs,
  succeeded,
  withRuntimeConfigLabel,
} from "./container-options";
import { ADMIN_ROLE, BOOTSTRAP_ROLE, PostgresImageContract } from "./contracts";
import { databaseRolesScript } from "./database-roles";
import { LabelKeys } from "./labels";
import { RemovedBlocks } from "./removed-blocks";
import { SecretFile, Secrets } from "./secrets";
import {
  checkPropShapes,
  dnsLabelProblem,
  dockerNameProblem,
  pgIdentifierProblem,
  pgRoleProblem,
  pinnedImageProblem,
  validateProps,
  wholeNumberProblem,
} from "./validation";

/** The server's settings, the same on the engine (`PostgresDatabase`) and on a swarm (`SwarmDatabase`). */
export interface PostgresServerProps {
  /** Name of the role of `appPassword`. @default `<username>_app` */
  readonly appUsername?: string;
  /** Image to run; a tag or digest is required. @default "postgres:17" */
  readonly image?: string;
  /** Extra name the app resolves the database by on `network`. @default none: the container's or service's name */
  readonly alias?: string;
  /** Port inside the private network. @default 5432 */
  readonly port?: number;
  /** Database created on first start. @default "django" */
  readonly databaseName?: string;
  /** Role created on first start; owns the database. @default "django" */
  readonly username?: string;
  /** Memory limit in MiB. @default 512 */
  readonly memoryMb?: number;
  /** CPU limit, in CPUs. @default 1 */
  readonly cpus?: number;
  /** Named volume holding the data (on a swarm, local to the database's node). @default `<name>-data` */
  readonly dataVolumeName?: string;
  /** Named volume holding the server's unix socket. @default `<name>-socket` */
  readonly socketVolumeName?: string;
}

export interface PostgresDatabaseProps extends PostgresServerProps {
  /** Docker name of the container; the other objects are named after it unless given below. */
  readonly name: string;
  /** The private network the app reaches the database on. */
  readonly network: Network;
  /** Where the password file comes from. */
  readonly secrets: Secrets;
  /** The password of the role that owns the database (migrations run as it): one of `secrets`' `databaseFiles`. */
  readonly password: SecretFile;
  /**
   * The password of a second role with data access only (SELECT, INSERT, UPDATE, DELETE, sequences),
   * for the serving app: one of `secrets`' `databaseFiles`. @default none: clients use the owner
   */
  readonly appPassword?: SecretFile;
  /**
   * Delete the data volume when the stack is destroyed. Off, the volume is referenced by name
   * only, so no Terraform operation can delete it. @default false
   */
  readonly deleteDataOnDestroy?: boolean;
}

/** How a client reaches a database: what `DjangoService` wires to. */
export interface DatabaseConnection {
  /** Name on the private network (the alias, else the container name). */
  readonly host: string;
  readonly port: number;
  readonly databaseName: string;
  readonly username: string;
  /** The owner's password file; a client mounts its own copy of it (e.g. in `Secrets.migrateFiles`). */
  readonly password: SecretFile;
  /** The data-access-only role for the serving app, when there is one. */
  readonly app?: { readonly username: string; readonly password: SecretFile };
  /** The network the database is reachable on (by name: a client may live in another stack). */
  readonly networkName: string;
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
   * One-shot that puts the roles in place over the server's unix socket (local connections are
   * trusted): the owner and the app role, neither a superuser (administration goes through a
   * socket-only superuser), with the current passwords, the ownership of the database and its
   * schema, and the app role's grants. Changing a password takes effect on the next deploy (the
   * image reads POSTGRES_PASSWORD only when it creates the data directory). Clients start after
   * it (`ready`).
   */
  readonly passwordSync: Container;
  /** Fails the apply, with the sync's output, when the password sync did not exit 0. */
  readonly passwordSyncGate: TerraformResource;
  /** Socket directory shared with `passwordSync`. */
  readonly socketVolume: Volume;
  /** The volume resource, only when `deleteDataOnDestroy` is set. */
  readonly dataVolume?: Volume;
  readonly dataVolumeName: string;
  readonly connection: DatabaseConnection;

  constructor(scope: Construct, id: string, props: PostgresDatabaseProps) {
    super(scope, id);
    checkPropShapes(
      this,
      "PostgresDatabase",
      props,
      { name: "string", network: "object", secrets: "object", password: "object" },
      {
        appPassword: "object",
        appUsername: "string",
        image: "string",
        alias: "string",
        port: "number",
        databaseName: "string",
        username: "string",
        memoryMb: "number",
        cpus: "number",
        deleteDataOnDestroy: "boolean",
      },
    );
    const port = props.port ?? PostgresImageContract.port;
    const databaseName = props.databaseName ?? "django";
    const username = props.username ?? "django";
    const image = props.image ?? "postgres:17";
    const memoryMb = props.memoryMb ?? 512;
    this.dataVolumeName = props.dataVolumeName ?? `${props.name}-data`;
    const socketVolumeName = props.socketVolumeName ?? `${props.name}-socket`;
    validateProps(this, () => [
      {
        prop: "name",
        value: props.name,
        problem: dockerNameProblem(props.name),
        fix: "use a Docker object name, e.g. django-dev-db",
      },
      ...serverChecks({
        dataVolumeName: this.dataVolumeName,
        socketVolumeName,
        image,
        alias: props.alias,
        port,
        databaseName,
        username,
        appUsername: props.appPassword ? (props.appUsername ?? `${username}_app`) : undefined,
        cpus: props.cpus ?? 1,
        memoryMb,
      }),
      props.appPassword === undefined
        ? undefined
        : {
            prop: "appPassword",
            value: props.appPassword.name,
            problem: props.secrets.hasDatabaseFile(props.appPassword)
              ? undefined
              : "is not one of the secrets' databaseFiles",
            fix: "add it to the Secrets construct's databaseFiles",
          },
      {
        prop: "password",
        value: props.password.name,
        problem: props.secrets.hasDatabaseFile(props.password)
          ? undefined
          : "is not one of the secrets' databaseFiles",
        fix: "add it to the Secrets construct's databaseFiles",
      },
    ]);

    // keepLocally: several stacks share one base image; destroying one must not untag it
    this.image = new Image(this, "Image", { name: image, keepLocally: true });

    // an explicit, path-derived address: two databases in one stack get two volumes, and a `removed`
    // block can name the address when the volume is not managed
    const volumeLogicalId = `${this.node.path
      .split("/")
      .slice(1)
      .join("_")
      .replace(/[^A-Za-z0-9_]/g, "_")}_data_volume`;
    if (props.deleteDataOnDestroy) {
      this.dataVolume = new Volume(this, "DataVolume", {
        name: this.dataVolumeName,
        labels: labelsFor(this, "volume", true),
      });
      this.dataVolume.overrideLogicalId(volumeLogicalId);
    } else {
      // if the volume was managed before (the opt-in was on), forget it instead of destroying it
      RemovedBlocks.of(this).forget(`docker_volume.${volumeLogicalId}`);
    }

    const passwordFile = props.secrets.databasePath(props.password);
    // (without database files the props check reports it; no mount to make)
    const secretsMount = props.secrets.volumes.database ? [props.secrets.mount("database")] : [];
    this.socketVolume = new Volume(this, "SocketVolume", {
      name: socketVolumeName,
      labels: labelsFor(this, "volume"),
    });
    const socketDir = "/var/run/postgresql";
    const probe = ["pg_isready", "-h", "127.0.0.1", "-p", String(port)];
    this.container = new Container(
      this,
      "Container",
      withRuntimeConfigLabel({
        name: props.name,
        image: this.image.imageId,
        // a non-default port is set on the server; the image's entrypoint passes these through
        command: port === PostgresImageContract.port ? undefined : ["postgres", "-c", `port=${port}`],
        env: [
          // initdb's superuser: the administrator, not the owner (made by the roles one-shot)
          `${PostgresImageContract.env.user}=${ADMIN_ROLE}`,
          `${PostgresImageContract.env.db}=${databaseName}`,
          `${PostgresImageContract.env.passwordFile}=${passwordFile}`,
        ],
        volumes: [
          {
            volumeName: this.dataVolume?.name ?? this.dataVolumeName,
            containerPath: PostgresImageContract.dataDirectory,
            readOnly: false,
          },
          ...secretsMount,
          { volumeName: this.socketVolume.name, containerPath: socketDir, readOnly: false },
        ],
        networksAdvanced: [{ name: props.network.id, aliases: props.alias ? [props.alias] : undefined }],
        // -h 127.0.0.1: the entrypoint's first-run server listens on the socket only, so a TCP probe
        // turns healthy only once the real server is up
        healthcheck: {
          test: ["CMD", ...probe, "-U", username, "-d", databaseName],
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
        ...memoryLimits(memoryMb),
        readOnly: true,
        tmpfs: { "/tmp": "rw,nosuid,nodev,noexec" },
        // what the entrypoint needs as root before it drops to the postgres user; written with the
        // CAP_ prefix the engine reports back, or every plan would replace the container
        ...dropPrivileges("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_SETGID", "CAP_SETUID"),
        labels: labelsFor(this, "database", true),
        dependsOn: [props.secrets.writer],
        lifecycle: { precondition: [succeeded(props.secrets.writer, "Writing the secret files")] },
      }),
    );

    limitCpus(this.container, props.cpus ?? 1);
    const appUsername = props.appPassword ? (props.appUsername ?? `${username}_app`) : undefined;
    const appPasswordFile = props.appPassword ? props.secrets.databasePath(props.appPassword) : undefined;
    const script = databaseRolesScript({
      socketDir,
      port,
      databaseName,
      username,
      passwordFile,
      app:
        appUsername && appPasswordFile ? { username: appUsername, passwordFile: appPasswordFile } : undefined,
    });
    this.passwordSync = new Container(this, "PasswordSync", {
      name: `${props.name}-password`,
      image: this.image.imageId,
      user: `${PostgresImageContract.uid}:${PostgresImageContract.gid}`,
      entrypoint: ["/bin/sh", "-c"],
      command: [script],
      networkMode: "none",
      volumes: [
        ...secretsMount,
        { volumeName: this.socketVolume.name, containerPath: socketDir, readOnly: false },
      ],
      readOnly: true,
      ...dropPrivileges(),
      ...oneShot(),
      // a new password revision replaces (re-runs) it
      labels: labelsFor(this, "secrets", false, {
        [LabelKeys.passwordRevision]: props.secrets.databaseRevision,
      }),
      dependsOn: [this.container],
    });
    // A failed sync must fail the deploy, naming it: until it runs, initdb's administrator keeps the
    // owner's password. Checked by the next resource, not by a postcondition on the one-shot (see
    // `succeeded`); a new sync (a new password revision) is checked again.
    this.passwordSyncGate = new TerraformResource(this, "PasswordSyncGate", {
      terraformResourceType: "terraform_data",
      dependsOn: [this.passwordSync],
      lifecycle: {
        precondition: [
          succeeded(
            this.passwordSync,
            "Setting the database roles' passwords",
            "PostgreSQL runs, but its administrator keeps the owner's password until this succeeds: fix the cause shown and deploy again (the deploy runs it again).",
          ),
        ],
      },
    });
    this.passwordSyncGate.addOverride("triggers_replace", { sync: this.passwordSync.id });

    this.connection = {
      host: props.alias ?? props.name,
      port,
      databaseName,
      username,
      password: props.password,
      app:
        appUsername && props.appPassword ? { username: appUsername, password: props.appPassword } : undefined,
      networkName: props.network.nameInput ?? props.network.name,
    };
  }

  /** The one-shot clients must wait for: after it, the server is up and the password is current. */
  get ready(): Container {
    return this.passwordSync;
  }
}

/** What a PostgreSQL server's props must satisfy, on the engine and on a swarm alike. */
export interface ServerSettings {
  readonly dataVolumeName: string;
  readonly socketVolumeName: string;
  readonly image: string;
  readonly alias?: string;
  readonly port: number;
  readonly databaseName: string;
  readonly username: string;
  readonly appUsername?: string;
  readonly cpus: number;
  readonly memoryMb: number;
}

/** The checks of `ServerSettings`, for `validateProps`. */
export function serverChecks(s: ServerSettings) {
  return [
    {
      prop: "dataVolumeName",
      value: s.dataVolumeName,
      problem: dockerNameProblem(s.dataVolumeName),
      fix: "use a Docker volume name",
    },
    {
      prop: "socketVolumeName",
      value: s.socketVolumeName,
      problem: dockerNameProblem(s.socketVolumeName),
      fix: "use a Docker volume name",
    },
    {
      prop: "image",
      value: s.image,
      problem: pinnedImageProblem(s.image),
      fix: "pin a version, e.g. postgres:17",
    },
    s.alias === undefined
      ? undefined
      : {
          prop: "alias",
          value: s.alias,
          problem: dnsLabelProblem(s.alias),
          fix: "use a short name such as db",
        },
    {
      prop: "port",
      value: s.port,
      problem: wholeNumberProblem(s.port, 1, 65535),
      fix: "use a TCP port, e.g. 5432",
    },
    {
      prop: "databaseName",
      value: s.databaseName,
      problem: pgIdentifierProblem(s.databaseName),
      fix: "e.g. django",
    },
    {
      prop: "username",
      value: s.username,
      problem:
        s.username === ADMIN_ROLE || s.username === BOOTSTRAP_ROLE
          ? "must not be one of the roles the construct administers the server with"
          : pgRoleProblem(s.username),
      fix: "e.g. django",
    },
    { prop: "cpus", value: s.cpus, problem: cpusProblem(s.cpus), fix: "e.g. 1 or 0.5" },
    {
      prop: "memoryMb",
      value: s.memoryMb,
      problem: wholeNumberProblem(s.memoryMb, 64, 65536),
      fix: "give MiB, e.g. 512",
    },
    appUsernameCheck(s.appUsername, s.username),
  ];
}

function appUsernameCheck(app: string | undefined, owner: string) {
  if (app === undefined) return undefined;
  return {
    prop: "appUsername",
    value: app,
    problem:
      app === owner || app === ADMIN_ROLE
        ? `must differ from the owner and from ${ADMIN_ROLE}`
        : pgRoleProblem(app),
    fix: "e.g. django_app (a shorter DATABASE_USERNAME leaves room for the _app suffix)",
  };
}
