import { Construct } from "constructs";
import { Fn, TerraformLocal } from "cdktf";
import { Container } from "@cdktf/provider-docker/lib/container";
import { Service, ServiceTaskSpecContainerSpecHealthcheck } from "@cdktf/provider-docker/lib/service";
import { cpusProblem, labelsFor, limitCpus, oneShot } from "./container-options";
import { DjangoEnv, DjangoImageContract, SecretsMount, fileVariant } from "./contracts";
import { DjangoImage } from "./django-image";
import {
  CustomRuntime,
  DjangoSettings,
  djangoEnvironment,
  hardenedApp,
  httpProbe,
  probeHost,
  projectEnvironment,
} from "./django-service";
import { LabelKeys } from "./labels";
import { DatabaseConnection } from "./postgres-database";
import { SecretFile } from "./secrets";
import {
  alwaysRestart,
  attachNetworks,
  converge,
  goDuration,
  rolling,
  serviceLabels,
  serviceLimits,
  serviceLogDriver,
  serviceTmpfs,
} from "./swarm-options";
import { SwarmSecrets } from "./swarm-secrets";
import { literal, literalEnv, literalValues } from "./terraform-text";
import { checkPropShapes, dockerNameProblem, validateProps, wholeNumberProblem } from "./validation";

/** A network by name (for one-shot containers) and by id (for services). */
export interface SwarmNetworkRef {
  readonly name: string;
  readonly id: string;
}

export interface SwarmDjangoServiceProps {
  /** Prefix of the Docker names: the service `<namePrefix>-web`, one-shots `<namePrefix>-migrate-<release>`. */
  readonly namePrefix: string;
  readonly image: DjangoImage;
  /** The database to connect to (deployed first, in the environment's stack). */
  readonly database: DatabaseConnection;
  /** `frontend` (the proxy's) and `backend` (the database's): attachable overlay networks. */
  readonly networks: { readonly frontend: SwarmNetworkRef; readonly backend: SwarmNetworkRef };
  /** Holds the app's secret files (`secretKey`, the serving role's password, `secretEnvironment`). */
  readonly secrets: SwarmSecrets;
  /** Django's secret key. */
  readonly secretKey: SecretFile;
  /**
   * A volume holding the migrations' secret files at their names (the secret key, the owner's
   * password, the project's secrets; see `Secrets.migrateFiles`), on the node Terraform talks to,
   * where the migration one-shot runs. Required when migrations run.
   */
  readonly migrateVolume?: string;
  /** @default {} (every setting at its default) */
  readonly settings?: DjangoSettings;
  /** Tasks of the app. @default 2 */
  readonly replicas?: number;
  /** Memory limit in MiB, of each task and of the migration run. @default 512 */
  readonly memoryMb?: number;
  /** CPU limit in CPUs, of each task and of the migration run. @default 1 */
  readonly cpus?: number;
  /** Seconds a new task may take to pass its readiness check (its health check's start period). @default 90 */
  readonly healthTimeoutSeconds?: number;
  /** Seconds a new task must keep running before the update goes on (else it rolls back). @default 5 */
  readonly monitorSeconds?: number;
  /** Seconds the migrations may run. @default 600 */
  readonly migrateTimeoutSeconds?: number;
  /** A proxy of the stack's is in front (it reaches the app as `upstream`). @default true */
  readonly proxied?: boolean;
  /** Run an image that does not keep `DjangoImageContract`. @default none */
  readonly runtime?: CustomRuntime;
  /** DJANGO_SETTINGS_MODULE for a project's own image. @default the image's own */
  readonly settingsModule?: string;
  /** The project's own variables (in the state: nothing secret). @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /** The project's own secrets, NAME -> one of the secrets' files. @default {} */
  readonly secretEnvironment?: Readonly<Record<string, SecretFile>>;
}

/**
 * `DjangoService` on a swarm: the app is one replicated service whose tasks the swarm replaces one
 * at a time, start-first (a new task joins the service's name only once its readiness check
 * passes), rolling back by itself when a new task fails within the monitor window; apply waits for
 * the update to converge. Before it, migrations run once per release in a one-shot container on
 * the attachable backend network, which must exit 0: its output fails the apply otherwise, and the
 * service is not updated.
 *
 * The same environment, user, read-only root, dropped capabilities, limits, health check and log
 * rotation as the engine's app container; the secret files are Swarm secrets at the same paths.
 */
export class SwarmDjangoService extends Construct {
  readonly service: Service;
  /** The migration run of the release; absent when a custom runtime names no migrate command. */
  readonly migrate?: Container;
  /** Twelve hex characters naming this release (image and settings; not the replica count). */
  readonly release: string;
  /** `host:port` the proxy reaches the app at: every ready task, by DNS round robin. */
  readonly upstream: string;
  readonly serviceName: string;

  constructor(scope: Construct, id: string, props: SwarmDjangoServiceProps) {
    super(scope, id);
    checkPropShapes(
      this,
      "SwarmDjangoService",
      props,
      {
        namePrefix: "string",
        image: "object",
        database: "object",
        networks: "object",
        "networks.frontend": "object",
        "networks.backend": "object",
        secrets: "object",
        secretKey: "object",
      },
      {
        settings: "object",
        "settings.allowedHosts": "array",
        "settings.csrfTrustedOrigins": "array",
        environment: "object",
        secretEnvironment: "object",
      },
    );
    const s = props.settings ?? {};
    const memoryMb = props.memoryMb ?? 512;
    const cpus = props.cpus ?? 1;
    const replicas = props.replicas ?? 2;
    const healthTimeout = props.healthTimeoutSeconds ?? 90;
    const monitor = props.monitorSeconds ?? 5;
    const migrateTimeout = props.migrateTimeoutSeconds ?? 600;
    const proxied = props.proxied ?? true;
    const db = props.database;
    const custom = props.runtime;
    const appPort = custom?.port ?? DjangoImageContract.port;
    this.serviceName = `${props.namePrefix}-web`;
    const serving = db.app ?? { username: db.username, password: db.password };
    const secretEnvironment = props.secretEnvironment ?? {};
    const migrateCommand = custom
      ? custom.migrateCommand && ["timeout", "-k", "10", String(migrateTimeout), ...custom.migrateCommand]
      : DjangoImageContract.commands.migrate;
    validateProps(this, () => [
      {
        prop: "namePrefix",
        value: props.namePrefix,
        problem: dockerNameProblem(`${props.namePrefix}-migrate-000000000000`),
        fix: "use a Docker object name, e.g. django-dev",
      },
      { prop: "replicas", value: replicas, problem: wholeNumberProblem(replicas, 1, 100), fix: "e.g. 2" },
      {
        prop: "memoryMb",
        value: memoryMb,
        problem: wholeNumberProblem(memoryMb, 64, 65536),
        fix: "give MiB, e.g. 512",
      },
      { prop: "cpus", value: cpus, problem: cpusProblem(cpus), fix: "e.g. 1 or 0.5" },
      {
        prop: "healthTimeoutSeconds",
        value: healthTimeout,
        problem: wholeNumberProblem(healthTimeout, 10, 1800),
        fix: "give seconds, e.g. 90",
      },
      {
        prop: "monitorSeconds",
        value: monitor,
        problem: wholeNumberProblem(monitor, 1, 600),
        fix: "give seconds, e.g. 5",
      },
      {
        prop: "migrateTimeoutSeconds",
        value: migrateTimeout,
        problem: wholeNumberProblem(migrateTimeout, 10, 86400),
        fix: "give seconds, e.g. 600",
      },
      {
        prop: "migrateVolume",
        value: props.migrateVolume ?? "",
        problem: migrateCommand && !props.migrateVolume ? "must be given when migrations run" : undefined,
        fix: "give the volume of the migrations' secret files (Secrets.ref.migrateVolumeName)",
      },
      ...Object.entries(secretEnvironment).map(([name, file]) => ({
        prop: `secretEnvironment.${name}`,
        value: file.name,
        problem:
          /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) &&
          !Object.values(DjangoEnv).some((n) => n === name || fileVariant(n) === name)
            ? undefined
            : "must be a variable name that is not one of the stack's own",
        fix: "rename the project's variable",
      })),
    ]);

    const path = (file: SecretFile) => `${SecretsMount.appDir}/${file.name}`;
    const env: Record<string, string> = {
      ...djangoEnvironment(s, db, proxied, path(props.secretKey)),
      ...projectEnvironment(props, path),
    };
    const asRole = (role: { username: string; password: SecretFile }): Record<string, string> => ({
      ...env,
      [DjangoEnv.DATABASE_USERNAME]: role.username,
      [fileVariant(DjangoEnv.DATABASE_PASSWORD)]: path(role.password),
    });
    const webEnv = asRole(serving);
    const migrateEnv = {
      ...asRole({ username: db.username, password: db.password }),
      ...(custom ? {} : { [DjangoImageContract.migrateTimeoutVariable]: String(migrateTimeout) }),
    };
    const user = `${DjangoImageContract.uid}:${DjangoImageContract.gid}`;
    const serveCommand = custom ? custom.serveCommand : DjangoImageContract.commands.serve;
    const healthcheck: ServiceTaskSpecContainerSpecHealthcheck = {
      test: custom
        ? ["CMD-SHELL", literal(httpProbe(appPort, custom.healthPath ?? "/", probeHost(s.allowedHosts)))]
        : ["CMD", "docker-entrypoint", ...DjangoImageContract.commands.healthcheckReady],
      interval: "1s",
      timeout: "5s",
      // a running task that fails its check this many times in a row is replaced by the swarm:
      // enough to ride out a database restart
      retries: 15,
      // a new task may take this long to become ready (failures before count for nothing)
      startPeriod: goDuration(healthTimeout),
    };
    const appFiles = [
      props.secretKey,
      serving.password,
      ...Object.keys(secretEnvironment)
        .sort()
        .map((n) => secretEnvironment[n]),
    ].filter((f, i, all) => all.findIndex((g) => g.name === f.name) === i);

    // Everything a release runs besides the image (its id is known only after the build), as JSON
    // text in a local of its own, not inside a Terraform expression: there, a quote or a "${" in a
    // project's variable or a probe's code would break the expression or be evaluated (cdktf
    // escapes neither)
    const settled = new TerraformLocal(
      this,
      "settled",
      literal(
        JSON.stringify({
          user,
          readOnly: !custom,
          web: webEnv,
          migrate: migrateEnv,
          commands: [migrateCommand ?? null, serveCommand ?? null],
          healthcheck,
          memoryMb,
          cpus,
          secrets: appFiles.map((f) => `${f.name}:${f.revision}`),
        }),
      ),
    ).asString;
    this.release = new TerraformLocal(
      this,
      "release",
      Fn.substr(Fn.sha1(Fn.jsonencode({ image: props.image.imageId, settings: settled })), 0, 12),
    ).asString;
    const releaseLabel = { [LabelKeys.release]: this.release };

    if (migrateCommand) {
      this.migrate = new Container(this, "Migrate", {
        name: `${props.namePrefix}-migrate-${this.release}`,
        ...hardenedApp(props.image.imageId, user, custom !== undefined, memoryMb),
        env: literalEnv(migrateEnv),
        volumes: [
          { volumeName: props.migrateVolume ?? "", containerPath: SecretsMount.appDir, readOnly: true },
        ],
        command: migrateCommand.map(literal),
        // the attachable overlay: the database may run on another node
        networksAdvanced: [{ name: props.networks.backend.name }],
        ...oneShot(),
        labels: labelsFor(this, "migrate", false, releaseLabel),
        lifecycle: { createBeforeDestroy: true },
      });
      limitCpus(this.migrate, cpus);
    }

    const tmpfs = DjangoImageContract.writablePaths.map((target) => serviceTmpfs(target, 64));
    const converged = replicas * (healthTimeout + monitor + 15) + 60;
    this.service = new Service(this, "Service", {
      name: this.serviceName,
      labels: serviceLabels(this, "web", false, releaseLabel),
      taskSpec: {
        containerSpec: {
          image: props.image.image.name,
          // `args` is the image's CMD (what `command` is to a container); a service's `command` replaces its ENTRYPOINT
          args: serveCommand?.map(literal),
          env: literalValues(webEnv),
          user,
          readOnly: custom ? undefined : true,
          mounts: custom ? undefined : tmpfs,
          secrets: appFiles.map((f) => props.secrets.ref(f, "app")),
          capDrop: ["ALL"],
          healthcheck,
          stopSignal: "SIGTERM",
          stopGracePeriod: goDuration(DjangoImageContract.gracefulTimeoutSeconds + 10),
          // container labels force a new service (ForceNew): only ones that never change
          labels: serviceLabels(this, "web"),
        },
        resources: serviceLimits(memoryMb, cpus),
        restartPolicy: alwaysRestart(),
        logDriver: serviceLogDriver(),
      },
      mode: { replicated: { replicas } },
      updateConfig: rolling("start-first", "rollback", monitor),
      rollbackConfig: rolling("start-first", "pause", monitor),
      // dnsrr: the name resolves to every ready task (a virtual IP needs IPVS)
      endpointSpec: { mode: "dnsrr" },
      convergeConfig: converge(converged),
      dependsOn: this.migrate ? [this.migrate] : undefined,
      lifecycle: this.migrate ? { precondition: [migrationsSucceeded(this.migrate)] } : undefined,
    });
    attachNetworks(this.service, [
      { id: props.networks.frontend.id, aliases: proxied ? undefined : [`${props.namePrefix}-app`] },
      { id: props.networks.backend.id },
    ]);
    this.upstream = `${this.serviceName}:${appPort}`;
  }
}

/** The migrations' exit code gates the service update; the message carries their output. */
function migrationsSucceeded(migrate: Container): { condition: string; errorMessage: string } {
  const ref = migrate.fqn;
  return {
    condition: `\${${ref}.exit_code == 0}`,
    errorMessage: `Django migrations failed in container \${${ref}.name} (exit code \${coalesce(${ref}.exit_code, "none")}); the service was not updated, the previous release keeps serving. Their output:\n\${coalesce(${ref}.container_logs, "(no output)")}`,
  };
}
