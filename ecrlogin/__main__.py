from ecrlogin.cli.app import entry

entry()
