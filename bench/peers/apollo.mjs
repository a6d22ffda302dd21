// @apollo/gateway behind @apollo/server, serving one supergraph file: the JavaScript reference gateway of bench.peers.
//   node apollo.mjs SUPERGRAPH_FILE PORT
import { readFileSync } from 'node:fs'
import { ApolloGateway } from '@apollo/gateway'
import { ApolloServer } from '@apollo/server'
import { startStandaloneServer } from '@apollo/server/standalone'

const [supergraphFile, port] = process.argv.slice(2)
const gateway = new ApolloGateway({ supergraphSdl: readFileSync(supergraphFile, 'utf8') })
const server = new ApolloServer({ gateway, csrfPrevention: false, introspection: false })
await startStandaloneServer(server, { listen: { host: '127.0.0.1', port: Number(port) } })
console.log(`apollo gateway on ${port}`)
