#!/usr/bin/env node
// The `lowbit` command. A committed launcher rather than dist/cli.js itself: npm links a
// package's bins when it installs it, before `prepare` has compiled lib/, and skips a bin whose
// file does not exist yet.
require("../dist/cli.js");
