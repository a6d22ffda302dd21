// Usage: node apollo.mjs GRAPHQL_URL TOKEN — Apollo Client as a front end uses it, against the running gateway
// (customs down). Prints one JSON line with what each step saw; the Python test judges it.
import { createHash } from 'node:crypto';
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql } from '@apollo/client/core/index.js';
import { createPersistedQueryLink } from '@apollo/client/link/persisted-queries/index.js';

const [url, token] = process.argv.slice(2);
const sent = []; // every HTTP request Apollo Client made: method, whether it carried the document, the hash
const recordingFetch = async (input, init = {}) => {
  const target = new URL(typeof input === 'string' ? input : input.url);
  const body = init.body ? JSON.parse(init.body) : null;
  const extensions = body ? body.extensions : JSON.parse(target.searchParams.get('extensions') || 'null');
  const hasQuery = body ? typeof body.query === 'string' : target.searchParams.has('query');
  sent.push({ method: init.method || 'GET', hasQuery, hash: extensions?.persistedQuery?.sha256Hash ?? null });
  return fetch(input, init);
};
const sha256 = (text) => createHash('sha256').update(text).digest('hex');

function client({ persisted = false, get = false } = {}) {
  const http = new HttpLink({
    uri: url,
    fetch: recordingFetch,
    // GET needs a preflight header (CSRF rule); harmless on POST
    headers: { authorization: `Bearer ${token}`, 'Apollo-Require-Preflight': 'true' },
  });
  const link = persisted
    ? ApolloLink.from([createPersistedQueryLink({ sha256, useGETForHashedQueries: get }), http])
    : http;
  // no typePolicies: normalisation must work from __typename + id alone
  return new ApolloClient({ link, cache: new InMemoryCache() });
}

const HAIXIN = { country: 'CN', taxId: '91370281MA3C5R7B0C' };
const COMPANY = gql`
  query Company($country: CountryCode!, $taxId: TaxId!) {
    company(country: $country, taxId: $taxId) { id name declarations { id status } }
  }
`;
const EXPORTS = gql`
  query Exports { vehicleExports(first: 10) { totalCount edges { cursor node { id vin exporter { id name } } } pageInfo { hasNextPage endCursor } } }
`;
const PROPOSE = gql`
  mutation Propose($input: ProposeBarterContractInput!) { proposeBarterContract(input: $input) { id status } }
`;
const SIGN = gql`
  mutation Sign($id: ID!) { signBarterContract(contractId: $id) { id status } }
`;
const CONTRACT = gql`
  query Contract($id: ID!) { barterContract(id: $id) { id status number } }
`;
const PROPOSAL = {
  number: 'APOLLO/2026/0001', date: '2026-11-20',
  partyA: { country: 'CN', taxId: '91310115MA1K3Y4A90' }, partyB: { country: 'BY', taxId: '200988541' },
  type: 'CLOSED', referenceCurrency: 'CNY', validUntil: '2027-11-20', counterDeliveryDeadline: '2027-06-30',
  goods: [
    { side: 'A', hsCode: '8708.40', description: 'Tractor gearboxes', quantity: '20', unit: 'PCE',
      unitValue: '31000.00', origin: 'CN', incoterms: 'FCA Guangzhou' },
    { side: 'B', hsCode: '3104.20', description: 'Potassium chloride', quantity: '1550', unit: 'TNE',
      unitValue: '400.00', origin: 'BY', incoterms: 'DAP Horgos' },
  ],
};

const seen = {};
const summary = (e) => (e ? { message: e.message, graphQLErrors: e.graphQLErrors?.map((g) => ({ path: g.path, code: g.extensions?.code })) } : null);

// 1. partial data: customs is down; errorPolicy 'all' keeps the rest of the answer, 'none' throws it away
{
  const apollo = client();
  const all = await apollo.query({ query: COMPANY, variables: HAIXIN, errorPolicy: 'all' });
  seen.partial = { data: all.data, errors: all.errors?.map((g) => ({ path: g.path, code: g.extensions?.code })) };
  try {
    const none = await apollo.query({ query: COMPANY, variables: HAIXIN, errorPolicy: 'none', fetchPolicy: 'network-only' });
    seen.none = { threw: false, data: none.data ?? null };
  } catch (error) {
    seen.none = { threw: true, error: summary(error) };
  }
}

// 2. normalisation without typePolicies: the company from two different queries is one cache object
{
  const apollo = client();
  await apollo.query({ query: COMPANY, variables: HAIXIN, errorPolicy: 'all' });
  const listed = await apollo.query({ query: EXPORTS, errorPolicy: 'all' });
  const cache = apollo.cache.extract();
  const companyId = apollo.cache.identify({ __typename: 'Company', id: `Company:${HAIXIN.country}:${HAIXIN.taxId}` });
  seen.normalised = {
    companyKey: companyId,
    companyEntry: cache[companyId] ?? null,
    companyKeys: Object.keys(cache).filter((k) => k.startsWith('Company:')),
    vehicleKeys: Object.keys(cache).filter((k) => k.startsWith('Vehicle:')).length,
    edges: listed.data?.vehicleExports?.edges?.length ?? 0,
    exporterRefs: (listed.data?.vehicleExports?.edges ?? []).map((e) => e.node.exporter?.id ?? null),
    pageInfo: listed.data?.vehicleExports?.pageInfo ?? null,
    errors: listed.errors?.map((g) => g.extensions?.code) ?? [],
  };
}

// 3. a mutation updates the cached object by its id: propose (DRAFT), read it, sign it (SIGNED)
{
  const apollo = client();
  try {
    const proposed = await apollo.mutate({ mutation: PROPOSE, variables: { input: PROPOSAL } });
    const id = proposed.data.proposeBarterContract.id;
    const before = await apollo.query({ query: CONTRACT, variables: { id } });
    const signed = await apollo.mutate({ mutation: SIGN, variables: { id } });
    const after = apollo.readQuery({ query: CONTRACT, variables: { id } }); // from the cache, no request
    seen.mutation = { id, proposed: proposed.data.proposeBarterContract.status, before: before.data.barterContract.status,
      signed: signed.data.signBarterContract.status, cached: after?.barterContract?.status ?? null };
    const empty = await apollo.mutate({ mutation: SIGN, variables: { id: '' }, errorPolicy: 'all' });
    seen.emptyId = empty.errors?.map((g) => ({ code: g.extensions?.code, field: g.extensions?.field })) ?? null;
  } catch (error) {
    seen.mutation = { error: summary(error) };
  }
}

// 4. automatic persisted queries, over POST and over GET
for (const get of [false, true]) {
  const apollo = client({ persisted: true, get });
  const start = sent.length;
  const first = await apollo.query({ query: COMPANY, variables: HAIXIN, errorPolicy: 'all', fetchPolicy: 'network-only' });
  const second = await apollo.query({ query: COMPANY, variables: HAIXIN, errorPolicy: 'all', fetchPolicy: 'network-only' });
  seen[get ? 'apqGet' : 'apqPost'] = {
    requests: sent.slice(start),
    names: [first.data?.company?.name ?? null, second.data?.company?.name ?? null],
  };
}

console.log(JSON.stringify(seen));
