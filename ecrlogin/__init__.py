"""Log Docker into Amazon ECR.

Kept empty of imports on purpose: every `ecrlogin` run imports this package first, and the cached
no-op must stay cheap. The version lives in pyproject.toml alone (see `ecrlogin.cli.app.version`).
"""
