import { conformingAggregators, describeConformance, hasOwnConformanceTest } from "./suite";

// Every aggregator with mappings/<id>.yaml and sample-files/<id>/ passes the conformance suite;
// one with its own adapters/<family>/test/<id>.conformance.test.ts runs it there instead.
for (const aggregator of conformingAggregators()) {
  if (!hasOwnConformanceTest(aggregator)) describeConformance(aggregator);
}
