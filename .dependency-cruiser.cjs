/**
 * The dependency rules of ARCHITECTURE.md, checked by `npm run lint` (depcruise). The contract
 * sits below its implementations: a format family (adapters/<family>/) depends on the adapter kit,
 * the model and the rules, never the reverse and never on another family.
 */
const FAMILY_CODE = "^adapters/([^/]+)/(?!test/)";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "family-uses-kit-model-rules-only",
      comment: "A format family's code imports only src/adapter-kit, src/model and src/rules.",
      severity: "error",
      from: { path: FAMILY_CODE },
      to: { path: "^src/", pathNot: "^src/(adapter-kit|model|rules)/" },
    },
    {
      name: "families-never-import-each-other",
      comment: "A family (its code and its tests) never imports another family.",
      severity: "error",
      from: { path: "^adapters/([^/]+)/" },
      to: { path: "^adapters/", pathNot: "^adapters/$1/" },
    },
    {
      name: "kit-uses-model-only",
      comment: "The adapter kit is the contract: it imports the model and nothing else of ours.",
      severity: "error",
      from: { path: "^src/adapter-kit/" },
      to: { path: "^(src|adapters)/", pathNot: "^src/(adapter-kit|model)/" },
    },
    {
      name: "model-is-the-floor",
      comment: "The canonical model imports nothing else of ours.",
      severity: "error",
      from: { path: "^src/model/" },
      to: { path: "^(src|adapters)/", pathNot: "^src/model/" },
    },
    {
      name: "rules-use-model-only",
      comment: "Account and timing rules are pure: the model, and nothing that does I/O.",
      severity: "error",
      from: { path: "^src/rules/" },
      to: { path: "^(src|adapters)/", pathNot: "^src/(model|rules)/" },
    },
    {
      name: "core-never-imports-a-family",
      comment: "src/ finds families through the registry at run time; a static import would put an implementation below its contract.",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^adapters/" },
    },
    {
      name: "match-not-ingest",
      comment: "Matching works from what was stored (the policy included), never from the ingest pipeline.",
      severity: "error",
      from: { path: "^src/match/" },
      to: { path: "^src/ingest/" },
    },
    {
      name: "report-not-cli",
      comment: "The report is rendered for the CLI, the service and the console alike.",
      severity: "error",
      from: { path: "^src/report/" },
      to: { path: "^src/cli/" },
    },
    {
      name: "no-circular",
      comment: "No import circles.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|dist|\\.billpay)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js", ".json"] },
  },
};
