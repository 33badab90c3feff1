/**
 * The construct library: Django and PostgreSQL on a Docker host, as cdktf constructs over the
 * kreuzwerker/docker provider. It knows nothing of configuration files or environments: a stack
 * (see `stacks/`) or any other cdktf program composes it from typed props.
 */
export { AppNetwork } from "./app-network";
export type { AppNetworkProps } from "./app-network";
export { buildContextFiles, buildContextHash } from "./build-context";
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
  PostgresImageContract,
  SecretsMount,
  fileVariant,
} from "./contracts";
export { DjangoImage } from "./django-image";
export type { DjangoImageProps } from "./django-image";
export { DjangoService, appSecretPath } from "./django-service";
export type { DjangoServiceProps, DjangoSettings, ProxySettings } from "./django-service";
export { isUnpinnedImage, parseImageReference } from "./image-reference";
export type { ImageReference } from "./image-reference";
export { LabelKeys } from "./labels";
export type { Role } from "./labels";
export { addPolicyChecks } from "./policy";
export { PostgresDatabase } from "./postgres-database";
export type { DatabaseConnection, PostgresDatabaseProps } from "./postgres-database";
export { ProxyRoute } from "./proxy-route";
export type { ProxyRouteProps } from "./proxy-route";
export { RemovedBlocks } from "./removed-blocks";
export { Secrets } from "./secrets";
export type { SecretFile, SecretsProps, SecretsRef } from "./secrets";
