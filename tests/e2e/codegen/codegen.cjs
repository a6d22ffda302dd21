// GraphQL Code Generator over the API schema clients see and every example operation: what a TypeScript
// front end would run. strictScalars makes every custom scalar of the platform need an explicit mapping.
const out = process.env.CODEGEN_OUT || "generated/operations.ts";

module.exports = {
  overwrite: true,
  schema: "../../../schema/platform.graphql",
  documents: "../../../gateway/operations/*.graphql",
  generates: {
    [out]: {
      plugins: ["typescript", "typescript-operations"],
      config: {
        strictScalars: true,
        enumsAsTypes: true,
        avoidOptionals: { field: true, inputValue: false, object: true, defaultValue: true },
        scalars: {
          AWB: "string",
          BIC: "string",
          CountryCode: "string",
          CurrencyCode: "string",
          Date: "string",
          DateTime: "string",
          CustomsEntryNumber: "string",
          Decimal: "string",
          HSCode: "string",
          Money: { input: "string | { amount: string; currency: string }", output: "{ amount: string; currency: string }" },
          IBAN: "string",
          JSON: "unknown",
          TaxId: "string",
          UETR: "string",
          VIN: "string",
        },
      },
    },
  },
};
