import * as path from "path";
import { Construct } from "constructs";
import { Aspects, TerraformOutput, TerraformStack } from "cdktf";
import { BackendConfig, StackConfig } from "../config/types";
import { DjangoImage, DjangoService, addPolicyChecks } from "../constructs";
import { DjangoStack, fromStackDir } from "./django-stack";
import { addDockerProvider } from "./provider";
import { addStateBackend } from "./state-backend";

/**
 * Who may set `X-Forwarded-*` for an environment's proxy behind the shared entry point: its clients
 * are containers on its two Docker networks (the entry point, and its own app), as it publishes no
 * port; their addresses are Docker's, in the private ranges.
 */
const SHARED_ENTRY_CLIENTS = "private_ranges";

/** The suffix of a release stack's id: `<environment>-app`. */
export const RELEASE_STACK_SUFFIX = "-app";

export interface ReleaseStackProps {
  /** The environment's long-lived stack: networks, secrets, database, proxy (deployed first). */
  readonly environment: DjangoStack;
  /** Where the state lives. @default { type: "local" } */
  readonly backend?: BackendConfig;
  /** Absolute path of the project (the directory of cdktf.json). */
  readonly projectRoot: string;
  /** cdktf's output directory, relative to the project. @default "cdktf.out" */
  readonly outdir?: string;
  /** The Django project, relative to the project root or absolute. @default the configured DJANGO_PROJECT_DIR */
  readonly djangoAppDir?: string;
  /** Override the build context's content hash. @default computed from the files sent to the build */
  readonly sourceHash?: string;
}

/**
 * One environment's releases: the Django image, migrations, the app container and the proxy route,
 * all created before their predecessors are destroyed. It refers to the environment's networks,
 * secrets, database and proxy by name only, so nothing here can force a replacement there.
 */
export class ReleaseStack extends TerraformStack {
  readonly image: DjangoImage;
  readonly service: DjangoService;

  constructor(scope: Construct, id: string, props: ReleaseStackProps) {
    super(scope, id);
    const env = props.environment;
    const { config } = env;
    const outdir = props.outdir ?? "cdktf.out";
    const fromStack = (target: string) => fromStackDir(props.projectRoot, outdir, id, target);
    const appDir = props.djangoAppDir ?? config.project.dir;
    const absAppDir = path.resolve(props.projectRoot, appDir);
    const prefix = config.namePrefix;
    this.addDependency(env);

    addStateBackend(this, props.backend ?? { type: "local" }, id, fromStack(`terraform.${id}.tfstate`));
    addDockerProvider(this);

    this.image = appImage(this, config, absAppDir, fromStack, props.sourceHash);
    const tls = config.proxy.tls;
    const [certFile, keyFile] = env.secretFiles.tls ?? [];
    this.service = new DjangoService(this, "App", {
      namePrefix: prefix,
      image: this.image,
      database: env.database.connection,
      networks: env.network.names,
      secrets: env.secrets.ref,
      secretKey: env.secretFiles.secretKey,
      settings: config.app,
      memoryMb: config.app.memoryMb,
      cpus: config.app.cpus,
      healthTimeoutSeconds: config.app.healthTimeout,
      migrateTimeoutSeconds: config.app.migrateTimeout,
      runtime: config.app.custom,
      settingsModule: config.app.settingsModule,
      environment: config.app.variables.plain,
      secretEnvironment: env.secretFiles.appVariables,
      media:
        env.media && config.app.mediaUrl
          ? { volumeName: env.media.volumeName, url: config.app.mediaUrl }
          : undefined,
      proxy: env.proxy
        ? {
            ref: env.proxy.ref,
            // behind the shared entry point: plain HTTP for any host, keeping the entry's
            // X-Forwarded-Proto (https), which only the entry can send (nothing is published)
            site:
              config.proxy.entryPoint === "shared"
                ? { trustedProxies: [SHARED_ENTRY_CLIENTS] }
                : config.proxy.domain
                  ? {
                      domain: config.proxy.domain,
                      tls:
                        tls.mode === "files" && certFile && keyFile
                          ? {
                              mode: "files",
                              certFile: env.secrets.proxyPath(certFile),
                              keyFile: env.secrets.proxyPath(keyFile),
                            }
                          : tls.mode === "internal"
                            ? { mode: "internal" }
                            : { mode: "acme", email: tls.mode === "acme" ? tls.email : undefined },
                    }
                  : undefined,
          }
        : undefined,
    });

    const out = (oid: string, value: string, description: string) =>
      new TerraformOutput(this, oid, { value, description });
    const web = this.service.web.name;
    // PROXY=false publishes nothing: the app is reached on its frontend network, by its alias
    const { upstream } = this.service;
    const url = env.proxy
      ? config.app.url
      : `http://${prefix}-app:${upstream.slice(upstream.lastIndexOf(":") + 1)}/`;
    out(
      "app_url",
      url,
      env.proxy
        ? "The app, through the proxy"
        : `The app on the ${env.network.names.frontend} network (PROXY=false), for a proxy of your own`,
    );
    out("admin_url", `${url}admin/`, "Django admin");
    out("release", this.service.release, "The running release (a digest of its image and settings)");
    out("web_container", web, "The app container of the running release");
    out("image", this.image.name, "The app image of the running release");
    out("releases_kept", String(config.app.releasesKept), "Releases whose images are kept on the host");
    out("name_prefix", prefix, "What the environment's containers, networks and volumes are named after");
    out(
      "release_history",
      `${prefix}-web`,
      "Repository whose served-<time> tags record the releases that served",
    );
    out(
      "create_superuser",
      `docker exec -it ${web} docker-entrypoint manage createsuperuser`,
      "Creates the first admin user",
    );
    out("logs", `docker logs --tail 100 -f ${web}`, "Follows the app's logs");
    addPolicyChecks(Aspects.of(this));
  }
}

/** The release's app image (`AppImage`), built from the project as the environment's settings say. */
export function appImage(
  scope: Construct,
  config: StackConfig,
  absAppDir: string,
  fromStack: (target: string) => string,
  sourceHash: string | undefined,
): DjangoImage {
  const build = config.app.build;
  return new DjangoImage(scope, "AppImage", {
    repository: `${config.namePrefix}-web`,
    contextDir: absAppDir,
    contextPath: fromStack(absAppDir),
    baseImage: config.app.baseImage,
    sourceHash,
    prebuilt: config.app.image,
    buildLogFile: "build.log",
    defaultIgnore: config.project.defaultIgnore,
    alwaysIgnore: config.project.stackIgnore,
    ...(build.kind === "stack"
      ? { wrap: { settingsModule: build.settingsModule, dependencyFiles: build.dependencies.files } }
      : { dockerfile: build.dockerfile, target: build.target }),
  });
}
