"""The fast path in front of the CLI: answers the common cached no-op (`ecrlogin -q`, `-o json`,
`all-regions`) from the files alone, with standard-library imports only; anything it is unsure
of goes to the full CLI. See docs/performance.md."""
