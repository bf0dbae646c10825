"""`docker-credential-ecrlogin`: ecrlogin as a Docker credential helper.

Kept empty of imports: a cache hit must stay on the standard library's light modules plus
ecrlogin.files, ecrlogin.registry and ecrlogin.identity (no botocore, docker, rich or click).
"""
