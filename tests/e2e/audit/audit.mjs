import { serverAudits } from 'graphql-http';
const url = process.argv[2];
const results = await Promise.all(serverAudits({ url, fetchFn: fetch }).map(a => a.fn().then(r => ({...r, name: a.name}))));
let ok=0, warn=0, err=0;
for (const r of results) {
  if (r.status === 'ok') ok++; else if (r.status === 'warn') { warn++; console.log('WARN', r.name, '::', r.reason); } else { err++; console.log('ERR ', r.name, '::', r.reason); }
}
console.log(`${results.length} audits: ${ok} ok, ${warn} warnings, ${err} errors`);
process.exit(err ? 1 : 0);
