// Reference composition as an oracle. stdin: [{name, url, sdl}] prints {errors} or {supergraph};
// {"batch": [[{name, url, sdl}], ...]} prints one such result per set, as a JSON list (one node start for many).
const { composeServices } = require("@apollo/composition");
const { parse } = require("graphql");

function composeOne(set) {
  let services;
  try {
    services = set.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) }));
  } catch (e) {
    return { errors: [String(e.message)] };
  }
  const result = composeServices(services);
  if (result.errors) return { errors: result.errors.map((e) => e.message) };
  return { supergraph: result.supergraphSdl };
}

let input = "";
process.stdin.on("data", (c) => (input += c));
process.stdin.on("end", () => {
  const request = JSON.parse(input);
  if (Array.isArray(request)) console.log(JSON.stringify(composeOne(request)));
  else console.log(JSON.stringify(request.batch.map(composeOne)));
});
