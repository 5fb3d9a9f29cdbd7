#!/bin/sh
# Regenerates vendor/tfjs-gradients.cjs from the installed @tensorflow/tfjs-core (run from packages/acg).
set -e
../../node_modules/.bin/esbuild ../../node_modules/@tensorflow/tfjs-core/dist/register_all_gradients.js \
  --bundle --format=cjs --platform=node --minify --legal-comments=none --log-level=warning --outfile=vendor/tfjs-gradients.cjs
