// Preloaded (node --require) into the Prism that validates the emulator's Frontend API
// (.ci/emulator-conformance): Prism's forwarder calls node-fetch with its default
// `redirect: 'follow'`, so a 307 (GET /v1/client/handshake) would be replaced by whatever its
// Location answers and never validated. This makes every upstream fetch `redirect: 'manual'`:
// Prism validates and returns the 307 itself. Nothing else changes.
'use strict';
const path = require('path');

const prismHttp = path.dirname(require.resolve('@stoplight/prism-http/package.json', { paths: [__dirname] }));
const nodeFetch = require(require.resolve('node-fetch', { paths: [prismHttp] }));
const follow = nodeFetch.default;
nodeFetch.default = function fetchWithoutFollowing(url, options) {
  return follow(url, Object.assign({}, options, { redirect: 'manual' }));
};
