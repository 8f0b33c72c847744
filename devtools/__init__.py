"""Development tooling, never imported by production: the demo practice `make run` seeds and
the one client of the sandbox's private test API (used by the demo, the tests, the
screenshots and the benches). A production install may leave this folder out; the app then
simply has no `flask seed-demo`."""
