// Reads the api's OData service the way an outside consumer would: with Apache Olingo's OData client for
// JavaScript (odatajs, packaged as ts-odatajs), not with code of ours. Usage:
//   node odata-client-check.mjs http://127.0.0.1:PORT/odata/
// Prints one JSON object with what the client saw; exits non-zero on any error. Assertions about the
// numbers live in the C# test that runs this (tests/Dashboard.Api.Tests/ODataClient), which knows the data.
import { createRequire } from "node:module";
import odatajs from "ts-odatajs";

const { oData, cache } = odatajs;

// odatajs's data cache (its paging API) schedules work with window.setTimeout and so only runs where a
// `window` exists. The library has already chosen node's http transport at import (no window then); from
// here on its "in a browser" test is true, so its XML parser looks for window.DOMParser: give it the
// @xmldom/xmldom parser odatajs itself uses under node (resolved from odatajs, so it is the same copy).
const xmldom = createRequire(createRequire(import.meta.url).resolve("ts-odatajs"))("@xmldom/xmldom");
globalThis.window = { setTimeout: globalThis.setTimeout.bind(globalThis), DOMParser: xmldom.DOMParser };

// Every set of the contract (shared/contracts/odata.md); the metadata must declare at least these.
const CONTRACT_SETS = ["Regions", "Indicators", "Targets", "Observations", "Scorecard", "PullRuns", "Rejections"];
// One cache page: the first request asks for this many rows ($top), the server answers in pages of its own
// size, and odatajs's cache source follows each @odata.nextLink until the range is complete. It stays
// within the api's default $top limit (10,000); a collection larger than this takes more cache pages.
const CACHE_PAGE = 10_000;

function fail(message, detail) {
  const error = new Error(message);
  error.detail = detail;
  throw error;
}

// odatajs reports failures as plain objects; keep what says why (status and body), drop the rest.
function describe(err) {
  if (err instanceof Error) return { message: err.message, detail: err.detail, stack: err.stack };
  const response = err?.response;
  return {
    message: err?.message ?? String(err),
    url: err?.request?.requestUri,
    status: response?.statusCode,
    body: typeof response?.body === "string" ? response.body.slice(0, 2000) : undefined,
  };
}

// Wraps the library's default node http client only to record the URLs it is asked to fetch, so the report
// can show that the pages after the first came from the server's nextLinks; the requests themselves, the
// response parsing and the link following all stay the library's.
function recordingHttpClient(log) {
  const inner = oData.net.defaultHttpClient;
  return {
    ...inner,
    request(request, success, error) {
      log.push(request.requestUri);
      // The api needs a bearer token (an API key); it comes from the environment, never the command line.
      if (process.env.ODATA_BEARER_TOKEN) {
        request.headers = { ...(request.headers || {}), Authorization: `Bearer ${process.env.ODATA_BEARER_TOKEN}` };
      }
      return inner.request(request, success, error);
    },
  };
}

function read(url, handler, httpClient, metadata) {
  return new Promise((resolve, reject) => {
    oData.read(url, (data, response) => resolve({ data, response }), reject, handler, httpClient ?? recordingHttpClient([]), metadata);
  });
}

// The djs promise of odatajs has then(success, error) but is not a real Promise.
function settle(djsPromise) {
  return new Promise((resolve, reject) => djsPromise.then(resolve, reject));
}

/** Reads a whole collection through the library's data cache, whose source follows nextLink by itself. */
async function readAll(name, source, metadata) {
  const urls = [];
  const dataCache = cache.createDataCache({
    name,
    source,
    pageSize: CACHE_PAGE,
    prefetchSize: 0,
    mechanism: "memory",
    httpClient: recordingHttpClient(urls),
    metadata,
  });
  const rows = [];
  for (let index = 0; ; index += CACHE_PAGE) {
    const page = await settle(dataCache.readRange(index, CACHE_PAGE));
    const values = Array.isArray(page) ? page : page?.value;
    if (!Array.isArray(values)) fail(`the cache returned no rows array for ${source}`, page);
    rows.push(...values);
    if (values.length < CACHE_PAGE) break;
  }
  await settle(dataCache.clear());
  return { rows, urls };
}

function inspectMetadata(metadata) {
  const schemas = metadata?.dataServices?.schema;
  if (!Array.isArray(schemas) || schemas.length === 0) fail("$metadata parsed to no schema", metadata);
  const containers = schemas.map((s) => s.entityContainer).filter(Boolean);
  if (containers.length !== 1) fail(`$metadata has ${containers.length} entity containers, expected 1`);
  const entitySets = (containers[0].entitySet ?? []).map((s) => ({ name: s.name, entityType: s.entityType }));
  for (const name of CONTRACT_SETS) {
    if (!entitySets.some((s) => s.name === name)) fail(`$metadata declares no entity set ${name}`, entitySets);
  }

  const types = new Map();
  for (const schema of schemas) {
    for (const type of schema.entityType ?? []) types.set(`${schema.namespace}.${type.name}`, type);
  }
  const describeSet = (name) => {
    const set = entitySets.find((s) => s.name === name);
    const type = types.get(set.entityType);
    if (!type) fail(`$metadata has no entity type ${set.entityType} for the set ${name}`);
    return {
      entityType: set.entityType,
      key: (type.key?.propertyRef ?? []).map((r) => r.name),
      properties: Object.fromEntries((type.property ?? []).map((p) => [p.name, { type: p.type, nullable: p.nullable !== "false" }])),
    };
  };
  return {
    version: metadata.version,
    entitySets: entitySets.map((s) => s.name),
    observations: describeSet("Observations"),
    regions: describeSet("Regions"),
  };
}

async function main() {
  const arg = process.argv[2];
  if (!arg) fail("usage: node odata-client-check.mjs <service root URL, e.g. http://127.0.0.1:5000/odata/>");
  const root = arg.endsWith("/") ? arg : arg + "/";

  // 1. $metadata: fetched and parsed from CSDL XML into the library's model by the library's own handler.
  const { data: metadata } = await read(root + "$metadata", oData.metadataHandler);
  const model = inspectMetadata(metadata);

  // 2. Every observation, through the library's paging (the parsed model goes along, as an app would pass it).
  const all = await readAll("observations", root + "Observations", metadata);
  const seen = new Set();
  const duplicates = [];
  const keys = [];
  for (const row of all.rows) {
    const key = [row.RegionCode, row.IndicatorCode, row.Period];
    const text = JSON.stringify(key);
    if (seen.has(text)) duplicates.push(key);
    seen.add(text);
    keys.push(key);
  }

  // 3. $apply: a groupby with more groups than a page, read through the same paging, and one grand total as
  //    a single request. Numbers are passed on as the server wrote them, so the test compares them exactly.
  //    These go without the model: odatajs annotates minimal-metadata rows from the entity type named in the
  //    context URL, and the aggregated properties (N, Total) are not in it, so with the model the library
  //    fails on them (json.js checkProperties reads .type of the null it finds for them).
  const groupBy = "groupby((RegionCode,Period),aggregate($count as N,Value with sum as Total))";
  const grouped = await readAll("observations-by-region-and-month", `${root}Observations?$apply=${encodeURIComponent(groupBy)}`);
  const totalApply = "aggregate(Value with sum as Total,$count as N)";
  const { data: total } = await read(`${root}Observations?$apply=${encodeURIComponent(totalApply)}`);

  const report = {
    library: "ts-odatajs@4.0.9 (Apache Olingo odatajs)",
    metadata: model,
    observations: {
      count: all.rows.length,
      distinctKeys: seen.size,
      duplicates,
      keys,
      requests: all.urls.length,
      urls: all.urls,
      first: all.rows[0] ?? null,
    },
    apply: {
      groupBy,
      groups: grouped.rows
        .map((g) => ({ RegionCode: g.RegionCode, Period: g.Period, N: g.N, Total: g.Total })),
      requests: grouped.urls.length,
      urls: grouped.urls,
      aggregate: totalApply,
      total: (total?.value ?? [])[0] ?? null,
    },
  };
  process.stdout.write(JSON.stringify(report) + "\n");
}

main().catch((err) => {
  process.stderr.write("odata-client-check failed: " + JSON.stringify(describe(err)) + "\n");
  process.exit(1);
});
