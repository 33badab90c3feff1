/**
 * The construct library: Django and PostgreSQL on a Docker host, as cdktf constructs over the
 * kreuzwerker/docker provider. It knows nothing of configuration files or environments: a stack
 * (see `stacks/`) or any other cdktf program composes it from typed props.
 */
export { AppNetwork } from "./app-network";
export type { AppNetworkProps } from "./app-network";
export {
  DEFAULT_IGNORE,
  buildContextFiles,
  buildContextHash,
  contextEntries,
  entriesHash,
} from "./build-context";
export type { ContextEntry } from "./build-context";
export { CaddyProxy } from "./caddy-proxy";
export type { CaddyProxyProps, ProxyRef } from "./caddy-proxy";
export { bootConfigJson, renderCaddyfile } from "./caddyfile";
export type { CaddyConfig, CaddySite, TlsConfig } from "./caddyfile";
export {
  LOG_DRIVER,
  LOG_OPTS,
  dropPrivileges,
  labelsFor,
  memoryLimits,
  oneShot,
  rotatedLogs,
  succeeded,
  withRuntimeConfigLabel,
} from "./container-options";
export {
  CaddyImageContract,
  DjangoEnv,
  DjangoImageContract,
  MediaContract,
  PostgresImageContract,
  ProjectImageContract,
  SecretsMount,
  fileVariant,
} from "./contracts";
export { DjangoImage, PROJECT_IMAGE_KIT } from "./django-image";
export type { DjangoImageProps, WrapProps } from "./django-image";
export { DjangoService, appSecretPath, httpProbe, probeHost } from "./django-service";
export type {
  CustomRuntime,
  DjangoServiceProps,
  DjangoSettings,
  MediaSettings,
  ProxySettings,
} from "./django-service";
export { EntryPoint } from "./entry-point";
export type { EntryPointProps, EntryPointSite } from "./entry-point";
export { isUnpinnedImage, parseImageReference } from "./image-reference";
export type { ImageReference } from "./image-reference";
export { LabelKeys } from "./labels";
export { MediaVolume } from "./media-volume";
export type { MediaVolumeProps } from "./media-volume";
export type { Role } from "./labels";
export { addPolicyChecks } from "./policy";
export { PostgresDatabase } from "./postgres-database";
export type { DatabaseConnection, PostgresDatabaseProps, PostgresServerProps } from "./postgres-database";
export { ProxyRoute } from "./proxy-route";
export type { ProxyRouteProps } from "./proxy-route";
export { RemovedBlocks } from "./removed-blocks";
export { Secrets } from "./secrets";
export { StagedContext } from "./staged-context";
export type { StagedContextProps } from "./staged-context";
export type { SecretFile, SecretsProps, SecretsRef } from "./secrets";
export { databaseRolesScript } from "./database-roles";
export type { DatabaseRolesProps } from "./database-roles";
export { SwarmDatabase } from "./swarm-database";
export type { SwarmDatabaseProps } from "./swarm-database";
export { SwarmDjangoService } from "./swarm-django-service";
export type { SwarmDjangoServiceProps, SwarmNetworkRef } from "./swarm-django-service";
export {
  alwaysRestart,
  attachNetworks,
  converge,
  goDuration,
  rolling,
  runOnce,
  serviceLabels,
  serviceLimits,
  serviceLogDriver,
} from "./swarm-options";
export type { ServiceNetwork } from "./swarm-options";
export { SwarmProxy } from "./swarm-proxy";
export type { SwarmProxyProps } from "./swarm-proxy";
export { SwarmSecrets, swarmSecretName } from "./swarm-secrets";
export type { SwarmSecretReader, SwarmSecretSpec, SwarmSecretsProps } from "./swarm-secrets";
