// GraphQL Code Generator with the schema introspected from the running gateway's URL (what a front end's
// build does against a dev server): CODEGEN_SCHEMA_URL and CODEGEN_TOKEN come from tests/e2e/test_apollo_client.py.
const base = require("./codegen.cjs");

const out = process.env.CODEGEN_OUT || "generated/from-url.ts";
const [generated] = Object.values(base.generates);

module.exports = {
  ...base,
  schema: {
    [process.env.CODEGEN_SCHEMA_URL]: {
      headers: { authorization: `Bearer ${process.env.CODEGEN_TOKEN}`, "content-type": "application/json" },
    },
  },
  generates: { [out]: generated },
};
