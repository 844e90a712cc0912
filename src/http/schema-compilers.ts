/**
 * The compilers that turn the routes' JSON schemas into request validators (Ajv) and response
 * serialisers (fast-json-stringify), with one cache per process: every app built in a process (the
 * tests build hundreds; a library user may build one per tenant) compiles each distinct schema once.
 * Compiling is most of the cost of {@link buildApp} (measured: ~300 ms of ~400 ms per app, of which
 * fast-json-stringify is two thirds), and the compiled functions are pure, so sharing them is safe.
 *
 * A cache entry is keyed by the schema's JSON text (and, for serialisers, the JSON text of the shared
 * schemas it may `$ref` and of the serialiser options), so a schema object rebuilt per app still hits
 * and a changed schema never reuses an old function.
 */
import { SerializerSelector } from "@fastify/fast-json-stringify-compiler";
import type { SerializerFactory } from "@fastify/fast-json-stringify-compiler";
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import type { FastifySchemaCompiler } from "fastify";

/** Ajv for bodies: no type coercion (a number is not a name), every error reported. */
function bodyValidator(): Ajv {
  const ajv = new Ajv({ allErrors: true, coerceTypes: false, removeAdditional: false, useDefaults: true, strict: false });
  addFormats.default(ajv);
  return ajv;
}

/** Ajv for query strings, path parameters and headers: strings coerced to the declared types. */
function queryValidator(): Ajv {
  const ajv = new Ajv({ allErrors: true, coerceTypes: true, removeAdditional: false, useDefaults: true, strict: false });
  addFormats.default(ajv);
  return ajv;
}

const validators = new Map<string, ValidateFunction>();

/**
 * A validator compiler for one app (Fastify's `setValidatorCompiler`): a body is validated without
 * coercion, any other part (querystring, params, headers) with strings coerced to the declared types.
 * A schema seen before in this process, in any app, is not compiled again; a new one is compiled by
 * this app's own Ajv (made on first need), so two apps never share an Ajv's registry of `$id`s.
 */
export function cachedValidatorCompiler(): FastifySchemaCompiler<unknown> {
  let bodies: Ajv | undefined;
  let queries: Ajv | undefined;
  return ({ schema, httpPart }) => {
    const body = httpPart === "body";
    const key = `${body ? "body" : "query"}\u0000${JSON.stringify(schema)}`;
    let validate = validators.get(key);
    if (validate === undefined) {
      validate = body ? (bodies ??= bodyValidator()).compile(schema as object) : (queries ??= queryValidator()).compile(schema as object);
      validators.set(key, validate);
    }
    return validate;
  };
}

const fastJsonStringify: SerializerFactory = SerializerSelector();
const serializers = new Map<string, (data: unknown) => string>();

/**
 * Fastify's `schemaController.compilersFactory.buildSerializer`: the default fast-json-stringify
 * factory, with a process-wide cache of what it builds. Fastify calls it once per encapsulation
 * context with that context's shared schemas (`app.addSchema`) and its serialiser options.
 */
export const cachedSerializerFactory: SerializerFactory = (externalSchemas, options) => {
  const build = fastJsonStringify(externalSchemas, options);
  const context = `${JSON.stringify(externalSchemas ?? null)}\u0000${JSON.stringify(options ?? null)}`;
  return (route) => {
    const key = `${context}\u0000${JSON.stringify(route.schema)}`;
    let serialize = serializers.get(key);
    if (serialize === undefined) {
      serialize = build(route);
      serializers.set(key, serialize);
    }
    return serialize;
  };
};
