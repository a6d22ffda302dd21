// Reference composition as an oracle: reads [{name, url, sdl}] JSON on stdin, prints {errors} or {supergraph}.
const { composeServices } = require("@apollo/composition");
const { parse } = require("graphql");
let input = "";
process.stdin.on("data", (c) => (input += c));
process.stdin.on("end", () => {
  const services = JSON.parse(input).map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) }));
  const result = composeServices(services);
  if (result.errors) console.log(JSON.stringify({ errors: result.errors.map((e) => e.message) }));
  else console.log(JSON.stringify({ supergraph: result.supergraphSdl }));
});
