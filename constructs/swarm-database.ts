import { Construct } from "constructs";
import { Network } from "@cdktf/provider-docker/lib/network";
import { Service } from "@cdktf/provider-docker/lib/service";
import { ADMIN_ROLE, PostgresImageContract } from "./contracts";
import { databaseRolesScript } from "./database-roles";
import { DatabaseConnection, PostgresServerProps, serverChecks } from "./postgres-database";
import { SecretFile } from "./secrets";
import {
  alwaysRestart,
  attachNetworks,
  converge,
  goDuration,
  rolling,
  runOnce,
  serviceLabels,
  serviceLimits,
  serviceLogDriver,
  serviceTmpfs,
  serviceVolume,
} from "./swarm-options";
import { SwarmSecrets } from "./swarm-secrets";
import { checkPropShapes, dockerNameProblem, validateProps, wholeNumberProblem } from "./validation";

export interface SwarmDatabaseProps extends PostgresServerProps {
  /** Name of the service; the roles one-shot is `<name>-roles`. */
  readonly name: string;
  /** The internal overlay network the app reaches the database on. */
  readonly network: Network;
  /** Holds `password` and `appPassword`. */
  readonly secrets: SwarmSecrets;
  /** The password of the role that owns the database (migrations run as it). */
  readonly password: SecretFile;
  /** The password of the data-access-only role of the serving app. @default none: clients use the owner */
  readonly appPassword?: SecretFile;
  /**
   * The node label (set to `true`) that places the database: its data volume is local to that
   * node, so exactly one node may carry it. @default "django-cdktf.database"
   */
  readonly nodeLabel?: string;
  /** Seconds apply waits for the database to run healthy. @default 300 */
  readonly convergeTimeoutSeconds?: number;
}

/**
 * `PostgresDatabase` on a swarm: one replica, placed by a node label on its local named volume
 * (one database node; high availability needs a managed PostgreSQL), reachable on the internal
 * overlay network only, updated stop-first (two servers never share the volume), with the same
 * health check, clean shutdown, limits and log rotation.
 *
 * The roles one-shot is a service that runs once per spec (restart condition `none`) on the same
 * node, over the server's socket; the deploy waits for it to complete before the app's stack.
 */
export class SwarmDatabase extends Construct {
  readonly service: Service;
  /** Runs the roles script once per change of its spec (a new password is a new secret). */
  readonly roles: Service;
  readonly dataVolumeName: string;
  readonly socketVolumeName: string;
  readonly connection: DatabaseConnection;
  /** The placement constraint both services share. */
  readonly constraint: string;

  constructor(scope: Construct, id: string, props: SwarmDatabaseProps) {
    super(scope, id);
    checkPropShapes(this, "SwarmDatabase", props, {
      name: "string",
      network: "object",
      secrets: "object",
      password: "object",
    });
    const port = props.port ?? PostgresImageContract.port;
    const databaseName = props.databaseName ?? "django";
    const username = props.username ?? "django";
    const image = props.image ?? "postgres:17";
    const memoryMb = props.memoryMb ?? 512;
    const cpus = props.cpus ?? 1;
    const label = props.nodeLabel ?? "django-cdktf.database";
    const timeout = props.convergeTimeoutSeconds ?? 300;
    this.dataVolumeName = props.dataVolumeName ?? `${props.name}-data`;
    this.socketVolumeName = props.socketVolumeName ?? `${props.name}-socket`;
    const appUsername = props.appPassword ? (props.appUsername ?? `${username}_app`) : undefined;
    validateProps(this, () => [
      {
        prop: "name",
        value: props.name,
        problem:
          dockerNameProblem(props.name) ??
          (`${props.name}-roles`.length > 63
            ? "must leave room for -roles (a service name has at most 63 characters)"
            : undefined),
        fix: "use a short Docker object name, e.g. django-dev-db",
      },
      ...serverChecks({
        dataVolumeName: this.dataVolumeName,
        socketVolumeName: this.socketVolumeName,
        image,
        alias: props.alias,
        port,
        databaseName,
        username,
        appUsername,
        cpus,
        memoryMb,
      }),
      {
        prop: "nodeLabel",
        value: label,
        problem: /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,98}[A-Za-z0-9])?$/.test(label)
          ? undefined
          : "must be a node label key",
        fix: "e.g. django-cdktf.database",
      },
      {
        prop: "convergeTimeoutSeconds",
        value: timeout,
        problem: wholeNumberProblem(timeout, 30, 3600),
        fix: "give seconds, e.g. 300",
      },
    ]);

    this.constraint = `node.labels.${label}==true`;
    const socketDir = "/var/run/postgresql";
    const passwordFile = props.secrets.path(props.password, "database");
    const tmp = serviceTmpfs("/tmp", 64);
    const socket = serviceVolume(socketDir, this.socketVolumeName);
    const probe = ["pg_isready", "-h", "127.0.0.1", "-p", String(port)];

    this.service = new Service(this, "Service", {
      name: props.name,
      labels: serviceLabels(this, "database", true),
      taskSpec: {
        containerSpec: {
          image,
          // the image's CMD (its entrypoint stays): a non-default port is set on the server
          args: port === PostgresImageContract.port ? undefined : ["postgres", "-c", `port=${port}`],
          env: {
            // initdb's superuser: the administrator, not the owner (made by the roles one-shot)
            [PostgresImageContract.env.user]: ADMIN_ROLE,
            [PostgresImageContract.env.db]: databaseName,
            [PostgresImageContract.env.passwordFile]: passwordFile,
          },
          mounts: [serviceVolume(PostgresImageContract.dataDirectory, this.dataVolumeName), socket, tmp],
          secrets: [props.secrets.ref(props.password, "database")],
          readOnly: true,
          // what the entrypoint needs as root before it drops to the postgres user
          capDrop: ["ALL"],
          capAdd: ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_SETGID", "CAP_SETUID"],
          healthcheck: {
            test: ["CMD", ...probe, "-U", username, "-d", databaseName],
            interval: "2s",
            timeout: "5s",
            retries: 30,
            startPeriod: "10s",
          },
          stopSignal: "SIGINT",
          stopGracePeriod: goDuration(60),
          labels: serviceLabels(this, "database", true),
        },
        placement: { constraints: [this.constraint] },
        resources: serviceLimits(memoryMb, cpus),
        restartPolicy: alwaysRestart(),
        logDriver: serviceLogDriver(),
      },
      mode: { replicated: { replicas: 1 } },
      // never two servers on one data volume
      updateConfig: rolling("stop-first", "rollback", 5),
      rollbackConfig: rolling("stop-first", "pause", 5),
      // dnsrr: the name resolves to the task itself (a virtual IP needs IPVS)
      endpointSpec: { mode: "dnsrr" },
      convergeConfig: converge(timeout),
      // The password file matters only when the server initialises an empty volume; the roles
      // one-shot sets the current passwords. Without this, a new password (a new secret) would
      // restart the database.
      lifecycle: { ignoreChanges: ["task_spec[0].container_spec[0].secrets"] },
    });
    attachNetworks(this.service, [
      { id: props.network.id, aliases: props.alias ? [props.alias] : undefined },
    ]);

    const appPasswordFile = props.appPassword ? props.secrets.path(props.appPassword, "database") : undefined;
    const script = databaseRolesScript({
      socketDir,
      port,
      databaseName,
      username,
      passwordFile,
      app:
        appUsername && appPasswordFile ? { username: appUsername, passwordFile: appPasswordFile } : undefined,
    });
    // the server may still be restarting (an update is stop-first): wait for its socket, a minute at most
    const wait = `n=0; until pg_isready -q -h ${socketDir} -p ${port}; do n=$((n+1)); if [ $n -ge 60 ]; then echo "PostgreSQL did not answer on ${socketDir} within 60 s" >&2; exit 1; fi; sleep 1; done`;
    this.roles = new Service(this, "Roles", {
      name: `${props.name}-roles`,
      labels: serviceLabels(this, "secrets"),
      taskSpec: {
        containerSpec: {
          image,
          user: `${PostgresImageContract.uid}:${PostgresImageContract.gid}`,
          command: ["/bin/sh", "-c", `${wait}\n${script}`],
          mounts: [socket, tmp],
          secrets: [
            props.secrets.ref(props.password, "database"),
            ...(props.appPassword ? [props.secrets.ref(props.appPassword, "database")] : []),
          ],
          readOnly: true,
          capDrop: ["ALL"],
          labels: serviceLabels(this, "secrets"),
        },
        placement: { constraints: [this.constraint] },
        resources: serviceLimits(128, 0.5),
        restartPolicy: runOnce(),
        logDriver: serviceLogDriver(),
      },
      mode: { replicated: { replicas: 1 } },
      endpointSpec: { mode: "dnsrr" },
      dependsOn: [this.service],
    });

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
}
