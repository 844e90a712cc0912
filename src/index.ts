/**
 * latchkey as a library: open the service over a database, verify tokens in-process, or build the
 * HTTP app. The pure rules (catalogue, permissions, secrets, decision) are exported for callers who
 * need them directly.
 */
export { Latchkey, loadCatalogueFile, type LatchkeyOptions, type VerifyInput } from "./service/latchkey.js";
export { buildApp, type App, type AppOptions } from "./http/app.js";
export { parseRouteMap, RouteMapError, type RouteMap, type RouteDefinition, type DomainSource } from "./core/route-map.js";
export { loadRouteMapFile } from "./service/route-map-file.js";
export { ServiceError } from "./service/service-error.js";
export type { TokenDetails } from "./service/token-view.js";
export type { ActorContext, Principal } from "./service/principal.js";
export { SEED_AREAS, SEED_CATALOGUE, buildCatalogue, type AreaDefinition, type Catalogue, type Level } from "./core/catalogue.js";
export { levelForMethod, parseScopes, scopeStrings, type PermissionSet } from "./core/permissions.js";
export { decide, type TokenRecord, type VerifyDecision, type VerifyQuestion } from "./core/verify-decision.js";
export { ERROR_CATALOG, type ErrorCode } from "./core/error-catalog.js";
export { parseSecret, hashSecret } from "./core/token-secret.js";
