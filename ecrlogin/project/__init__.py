"""Registries a project names: its `.ecrlogin.toml` and the images its files use (`--from`).

Nothing is imported here on purpose: the cached no-op `ecrlogin -q` may import
`ecrlogin.project.projectfile` and must not pay for the scanners' YAML and Dockerfile parsers.
"""
