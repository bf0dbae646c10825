from ecrlogin.fastpath import entry

entry()
