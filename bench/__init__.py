"""`make bench`: ecrlogin against the aws-cli + docker-login pipeline it replaces."""
