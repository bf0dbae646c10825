from ecrlogin.cli import entry

entry()
