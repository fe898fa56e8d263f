#!/usr/bin/env node
// The built CLI lives in dist/ (npm run build, also run by `npm ci` through `prepare`).
import '../dist/cli.js';
