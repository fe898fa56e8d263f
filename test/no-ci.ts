// Loaded before every test file (package.json "test"): CI runs `npm test` with CI=true, and Ink
// then draws nothing until the app exits, so the TUI tests could not read a single frame. Tests
// that run the CLI as CI does pass CI=true to that child themselves (test/helpers.ts).
for (const name of Object.keys(process.env)) {
  if (name === 'CI' || name === 'CONTINUOUS_INTEGRATION' || name.startsWith('CI_')) delete process.env[name];
}
