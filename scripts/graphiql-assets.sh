#!/bin/sh
# Refresh gateway/graphiql/static/ from npm (pinned versions; update gateway/graphiql/assets.py's hashes too).
set -eu
dest="$(cd "$(dirname "$0")/.." && pwd)/gateway/graphiql/static"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent graphiql@3.8.3 react@18.3.1 react-dom@18.3.1 >/dev/null
for f in *.tgz; do mkdir "${f%.tgz}" && tar xzf "$f" -C "${f%.tgz}"; done
gzip -9nc graphiql-3.8.3/package/graphiql.min.js >"$dest/graphiql.min.js.gz"
gzip -9nc graphiql-3.8.3/package/graphiql.min.css >"$dest/graphiql.min.css.gz"
cp react-18.3.1/package/umd/react.production.min.js react-dom-18.3.1/package/umd/react-dom.production.min.js "$dest/"
cp graphiql-3.8.3/package/LICENSE "$dest/LICENSE.graphiql.txt"
cp react-18.3.1/package/LICENSE "$dest/LICENSE.react.txt"
cp react-dom-18.3.1/package/LICENSE "$dest/LICENSE.react-dom.txt"
for f in graphiql-3.8.3/package/graphiql.min.js graphiql-3.8.3/package/graphiql.min.css \
    react-18.3.1/package/umd/react.production.min.js react-dom-18.3.1/package/umd/react-dom.production.min.js; do
  echo "$(basename "$f") sha384-$(openssl dgst -sha384 -binary "$f" | base64 | tr -d '\n')"
done
